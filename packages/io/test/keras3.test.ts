import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Adam, Concatenate, Dense, Input, Model, randomUniform, Sequential, setBackend, setSeed, type Optimizer, type Tensor } from '@kerasgpu/layers';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { KerasFileError, loadModel } from '../src/index.js';
import { readKerasArchive } from '../src/keras/keras3.js';
import { h5Listing } from './h5-listing.js';
import { fixture, tempDir } from './helpers.js';

const dir = tempDir();
beforeAll(async () => {
  await setBackend('cpu');
});

/** The fixture's model (Keras 3.1.1's diabetes MLP), built here. */
const mlp = () => Sequential([Dense(20, { input_shape: [10], activation: 'relu' }), Dense(20, { activation: 'relu' }), Dense(1)]);
function twoInTwoOut(): Model {
  const a = Input({ shape: [4], name: 'a' });
  const b = Input({ shape: [3], name: 'b' });
  const c = Concatenate().apply([Dense(5, { activation: 'tanh' }).apply(a), b]);
  return Model({ inputs: [a, b], outputs: [Dense(2, { activation: 'softmax', name: 'p' }).apply(c), Dense(1, { name: 'q' }).apply(c)] });
}

async function values(ys: Tensor | Tensor[]): Promise<number[][]> {
  return Promise.all((Array.isArray(ys) ? ys : [ys]).map(async (y) => Array.from(await y.data())));
}
async function optimizerState(m: Model): Promise<[number, number[][][]]> {
  const slots = m.optimizer!.getSlots(m.trainableWeights);
  return [m.optimizer!.iterations, await Promise.all(slots.map((s) => Promise.all(s.map(async (t) => Array.from(await t.data())))))];
}

const CASES: [string, () => Model, () => string | Optimizer, () => Tensor[]][] = [
  ['Sequential MLP, Adam', mlp, () => 'adam', () => [randomUniform([8, 10])]],
  ['Sequential MLP, Adam amsgrad with time decay', mlp, () => Adam({ amsgrad: true, decay: 0.01 }), () => [randomUniform([8, 10])]],
  ['Functional, two inputs and two outputs', twoInTwoOut, () => 'adam', () => [randomUniform([8, 4]), randomUniform([8, 3])]],
];

describe('.keras round trips: predictions, optimizer state and resumed training exact', () => {
  for (const [name, make, optimizer, inputs] of CASES) {
    it(name, async () => {
      setSeed(5);
      const xs = inputs();
      const model = make();
      const multi = model.outputs.length > 1;
      const ys = multi ? [randomUniform([8, 2]), randomUniform([8, 1])] : [randomUniform([8, 1])];
      const run = async (m: Model) => (await m.fit(xs.length === 1 ? xs[0]! : xs, multi ? ys : ys[0]!, { epochs: 2, batch_size: 4, shuffle: false, verbose: 0 })).history.loss!;
      model.compile({ optimizer: optimizer(), loss: multi ? ['categorical_crossentropy', 'mse'] : 'mse' });
      await run(model);
      const p = join(dir, `${model.name}.keras`);
      await model.save(p);
      const loaded = await loadModel(p);
      expect(await values(loaded.predict(xs.length === 1 ? xs[0]! : xs))).toEqual(await values(model.predict(xs.length === 1 ? xs[0]! : xs)));
      expect(await optimizerState(loaded)).toEqual(await optimizerState(model));
      expect(loaded.optimizer!.getConfig()).toEqual(model.optimizer!.getConfig());
      expect(await run(loaded)).toEqual(await run(model));
    });
  }
});

describe('our .keras against the Keras 3.1.1 file, path by path', () => {
  const theirs = readKerasArchive(fixture('k311_dense_mlp_diabetes.keras', 'keras-modern'));
  const theirEntries = Object.keys(unzipSync(readFileSync(fixture('k311_dense_mlp_diabetes.keras', 'keras-modern')))).sort();
  const keys = (o: unknown) => Object.keys(o as object).sort();

  it('the same entries, HDF5 groups and datasets (path, shape, type), and config structure', async () => {
    setSeed(2);
    const model = mlp();
    model.compile({ optimizer: 'adam', loss: 'mean_absolute_error' });
    await model.fit(randomUniform([8, 10]), randomUniform([8, 1]), { epochs: 1, batch_size: 4, verbose: 0 });
    const p = join(dir, 'mlp.keras');
    await model.save(p);
    expect(Object.keys(unzipSync(readFileSync(p))).sort()).toEqual(theirEntries);
    const ours = readKerasArchive(p);
    expect(await h5Listing(ours.weights)).toEqual(await h5Listing(theirs.weights));
    expect(keys(ours.config)).toEqual(keys(theirs.config));
    expect(keys(ours.metadata)).toEqual(keys(theirs.metadata));
    const specs = (a: typeof ours) => (a.config.config as { layers: Record<string, unknown>[] }).layers;
    expect(specs(ours).map((l) => [l.class_name, l.module, keys(l)])).toEqual(specs(theirs).map((l) => [l.class_name, l.module, keys(l)]));
    expect(specs(ours)[0]!.config).toEqual(specs(theirs)[0]!.config && { ...specs(theirs)[0]!.config as object, name: (specs(ours)[0]!.config as { name: string }).name });
    // Layer configs: Keras 3's keys (ours also says activity_regularizer: null, which Keras 3 layers take), modules on nested objects.
    specs(ours).slice(1).forEach((l, i) => {
      const [o, t] = [l.config, specs(theirs)[i + 1]!.config] as Record<string, { module?: string }>[];
      expect(keys(o).filter((k) => k !== 'activity_regularizer')).toEqual(keys(t));
      expect([o!.kernel_initializer!.module, o!.bias_initializer!.module]).toEqual([t!.kernel_initializer!.module, t!.bias_initializer!.module]);
    });
    expect(keys(ours.config.compile_config)).toEqual(keys(theirs.config.compile_config));
    const optimizerKeys = (a: typeof ours) => keys((a.config.compile_config as { optimizer: { config: object } }).optimizer.config);
    // Ours names only what this library has; Keras 3 defaults the rest (weight_decay, EMA, …).
    expect(optimizerKeys(theirs)).toEqual(expect.arrayContaining(optimizerKeys(ours)));
  });
});

describe('broken archives are refused, saying what is wrong', () => {
  it.each([
    ['no weights', { 'config.json': '{}', 'metadata.json': '{}' }, /has no model.weights.h5/],
    ['no config', { 'metadata.json': '{}', 'model.weights.h5': 'x' }, /has no config.json/],
    ['config not JSON', { 'config.json': '{', 'metadata.json': '{}', 'model.weights.h5': 'x' }, /config.json is not valid JSON/],
  ])('%s', async (_, entries, message) => {
    const p = join(dir, `broken-${_.replace(/ /g, '-')}.keras`);
    writeFileSync(p, zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, strToU8(v)]))));
    await expect(loadModel(p)).rejects.toThrow(KerasFileError);
    await expect(loadModel(p)).rejects.toThrow(message);
  });
});
