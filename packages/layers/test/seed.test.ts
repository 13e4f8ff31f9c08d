import { Dense, Dropout, LSTM, ones, Sequential, setBackend, setSeed, type Tensor } from '@kerasgpu/layers';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose, useBackend } from './helpers.js';

/**
 * One seed, one run: setSeed fixes every draw that gets no seed of its own, and the draws are
 * Philox counters, so the cpu and webgpu backends produce the same weights and dropout masks.
 * Each check builds on both backends in turn, whichever backend the project runs on.
 */
afterAll(useBackend);

async function onBackend<T>(backend: 'cpu' | 'webgpu', seed: number, fn: () => Promise<T>): Promise<T> {
  await setBackend(backend);
  setSeed(seed);
  return fn();
}

const read = async (ts: Tensor[]) => Promise.all(ts.map(async (t) => Array.from(await t.data())));

describe('setSeed across backends', () => {
  it('the same seed gives the same initial weights on cpu and webgpu', async () => {
    const weights = (backend: 'cpu' | 'webgpu') => onBackend(backend, 3, async () => {
      const m = Sequential([Dense(6, { input_dim: 4, activation: 'tanh' }), Dense(5, { init: 'he_normal' })]);
      const lstm = Sequential([LSTM(3, { input_shape: [2, 5] })]);
      const w = await read([...m.getWeights(), ...lstm.getWeights()]);
      m.dispose();
      lstm.dispose();
      return w;
    });
    const [cpu, gpu] = [await weights('cpu'), await weights('webgpu')];
    expect(gpu.length).toBe(cpu.length);
    // Uniform draws differ at most in f32 rounding of a + (b − a)·u, normals in Box–Muller's f32 transcendentals.
    cpu.forEach((w, i) => expectClose(gpu[i]!, w, 1e-4));
  });

  it('the same seed drops the same elements on cpu and webgpu', async () => {
    const masks = (backend: 'cpu' | 'webgpu') => onBackend(backend, 9, async () => {
      const d = Dropout(0.4);
      const x = ones([16, 24]);
      const ys = [d.call(x, { training: true }) as Tensor, d.call(x, { training: true }) as Tensor];
      const v = await read(ys);
      [x, ...ys].forEach((t) => t.dispose());
      return v.map((m) => m.map((e) => e !== 0));
    });
    const [cpu, gpu] = [await masks('cpu'), await masks('webgpu')];
    expect(gpu).toEqual(cpu);
    expect(cpu[0]).not.toEqual(cpu[1]); // each call draws a fresh mask
  });

  it('the same seed gives the same weights, shuffles and dropout masks, so the same loss curve', async () => {
    const run = () => onBackend('cpu', 11, async () => {
      const m = Sequential([LSTM(6, { input_shape: [2, 4] }), Dropout(0.5), Dense(3)]);
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const x = Array.from({ length: 24 }, (_, i) => [[Math.sin(i), Math.cos(i), i / 24, 1], [0, i % 3, 1 - i / 24, -1]]);
      const h = await m.fit(x, x.map(([r]) => [r![0]! * r![1]!, r![2]!, -r![3]!]), { epochs: 3, batch_size: 5, verbose: 0 });
      m.dispose();
      return h.history.loss!;
    });
    expect(await run()).toEqual(await run());
  });
});
