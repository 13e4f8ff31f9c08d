import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dense, Sequential, setBackend } from '@kerasgpu/layers';
import { beforeAll, expect, it, vi } from 'vitest';
import { loadModel } from '../src/index.js';
import { tempDir } from './helpers.js';

/** Fails the n-th dataset write of a save when `failAt` is set: a crash in the middle of writing the file. */
const injected = vi.hoisted(() => ({ failAt: 0, count: 0 }));
vi.mock('../src/hdf5/arrays.js', async (original) => {
  const mod = await original<typeof import('../src/hdf5/arrays.js')>();
  return {
    ...mod,
    writeArray: (...args: Parameters<typeof mod.writeArray>) => {
      if (injected.failAt > 0 && ++injected.count === injected.failAt) throw new Error('injected failure while writing a dataset');
      return mod.writeArray(...args);
    },
  };
});

const dir = tempDir();
beforeAll(async () => {
  await setBackend('cpu');
});

it('a crash mid-save leaves the previous file intact and no temporary file behind', async () => {
  const p = join(dir, 'model.h5');
  const model = Sequential([Dense(8, { input_dim: 3 }), Dense(2)]);
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  await model.save(p);
  const before = readFileSync(p);
  model.layers[0]!.setWeights([new Float32Array(24).fill(1), new Float32Array(8)]);
  injected.failAt = 3; // after the first layer's datasets, inside the second layer's group
  await expect(model.save(p)).rejects.toThrow('injected failure');
  injected.failAt = 0;
  expect(readFileSync(p).equals(before)).toBe(true);
  expect(readdirSync(dir)).toEqual(['model.h5']);
  const loaded = await loadModel(p);
  expect(Array.from(await loaded.layers[0]!.getWeights()[0]!.data())).not.toEqual(new Array(24).fill(1));
});
