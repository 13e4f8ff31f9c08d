import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dense, randomUniform, Sequential, setBackend, setSeed } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveWeights } from '../src/index.js';
import { readKerasArchive } from '../src/keras/keras3.js';
import { h5Listing } from './h5-listing.js';
import { fixture, tempDir } from './helpers.js';

const dir = tempDir();
beforeAll(async () => {
  await setBackend('cpu');
});

/** The Keras 3.1.1 fixture's model (a diabetes MLP), trained a little with Adam as the fixture was. */
async function trained() {
  setSeed(4);
  const model = Sequential([Dense(20, { input_shape: [10], activation: 'relu' }), Dense(20, { activation: 'relu' }), Dense(1)]);
  model.compile({ optimizer: 'adam', loss: 'mean_absolute_error' });
  await model.fit(randomUniform([8, 10]), randomUniform([8, 1]), { epochs: 1, batch_size: 4, verbose: 0 });
  return model;
}
const values = (m: { weights: { data(): Promise<ArrayLike<number>> }[] }) => Promise.all(m.weights.map(async (w) => Array.from(await w.data())));

describe("saveWeights('x.weights.h5') writes Keras 3's save_weights layout", () => {
  it('path by path, shape and type as the model.weights.h5 that Keras 3.1.1 wrote (optimizer state included)', async () => {
    const model = await trained();
    const p = join(dir, 'mlp.weights.h5');
    await model.saveWeights(p);
    const theirs = readKerasArchive(fixture('k311_dense_mlp_diabetes.keras', 'keras-modern')).weights;
    expect(await h5Listing(readFileSync(p))).toEqual(await h5Listing(theirs));
  });

  it('reads back exactly, from the path and as bytes (format keras3); other suffixes keep Keras 2', async () => {
    const model = await trained();
    const p = join(dir, 'back.weights.h5');
    await model.saveWeights(p);
    const bytes = (await saveWeights(model, null, { format: 'keras3' }))!;
    expect(await h5Listing(bytes)).toEqual(await h5Listing(readFileSync(p)));
    for (const source of [p, bytes]) {
      const other = Sequential([Dense(20, { input_shape: [10], activation: 'relu' }), Dense(20, { activation: 'relu' }), Dense(1)]);
      await other.loadWeights(source);
      expect(await values(other)).toEqual(await values(model));
    }
    const keras2 = await h5Listing(await saveWeights(model));
    expect(keras2.some((l) => l.startsWith('layers/'))).toBe(false);
  });
});
