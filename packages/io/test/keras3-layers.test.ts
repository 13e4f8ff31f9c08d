import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Activation, BatchNormalization, Bidirectional, Conv1D, Conv2D, Conv2DTranspose, ConvLSTM2D, Cropping2D, Dense, Dropout, ELU, Embedding, Flatten, GaussianNoise, GRU,
  LeakyReLU, LSTM, Masking, MaxPooling2D, Permute, PReLU, RepeatVector, Reshape, SeparableConv2D, Sequential, setBackend, SimpleRNN, SpatialDropout2D, TimeDistributed,
  UpSampling2D, ZeroPadding2D, type Layer, type Model,
} from '@kerasgpu/layers';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { KerasFileError, loadModel } from '../src/index.js';
import { fixture, readJson, tempDir } from './helpers.js';

const dir = tempDir();
beforeAll(async () => {
  await setBackend('cpu');
});

/** Keras 3.1.1's layer classes and the keyword arguments each takes (fixtures/keras-modern/SOURCES.md). */
const KERAS311_ARGS = readJson<Record<string, string[]>>('keras311-layer-args.json', 'keras-modern');

type Spec = { module: string | null; class_name: string; registered_name: string | null; config: Record<string, unknown> };
const configOf = (path: string) => JSON.parse(strFromU8(unzipSync(readFileSync(path))['config.json']!)) as { config: { layers: Spec[] } };
/** Every layer spec of a Sequential's config, wrapped layers included. */
const allSpecs = (specs: Spec[]): Spec[] => specs.flatMap((s) => [s, ...(s.config.layer ? allSpecs([s.config.layer as Spec]) : [])]);

async function saved(model: Model, name: string): Promise<string> {
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const p = join(dir, `${name}.keras`);
  await model.save(p);
  return p;
}

/** Built-in layers of both Keras generations, with the options where Keras 3 renamed or dropped keys. */
const MODELS: [string, () => Layer[]][] = [
  ['dense and activations', () => [Dense(4, { input_dim: 3 }), LeakyReLU(0.1), ELU(0.5), Activation('tanh'), Dense(6), Reshape([3, 2]), PReLU({ shared_axes: [1] }), Flatten(), Dropout(0.2), GaussianNoise(0.1)]],
  ['images', () => [
    Conv2D(2, 2, { input_shape: [6, 6, 2] }), BatchNormalization(), ZeroPadding2D(1), Cropping2D(1), SpatialDropout2D(0.1), MaxPooling2D(), UpSampling2D(),
    SeparableConv2D(2, 2, { padding: 'same' }), Conv2DTranspose(2, 2, { strides: 2 }),
  ]],
  ['sequences', () => [
    Embedding(10, 4, { input_length: 5 }), Masking(), LSTM(3, { return_sequences: true }), GRU(3, { return_sequences: true }), Bidirectional(SimpleRNN(2, { return_sequences: true })),
    TimeDistributed(Dense(2)), Conv1D(2, 2), Permute([2, 1]), Flatten(), RepeatVector(2),
  ]],
  ['ConvLSTM2D', () => [ConvLSTM2D(2, 2, 2, { input_shape: [3, 4, 4, 1], padding: 'same' })]],
];

describe('our .keras layer configs are ones Keras 3.1.1 takes', () => {
  for (const [name, layers] of MODELS) {
    it(`${name}: each built-in class exists in Keras 3.1.1 and takes every key we write`, async () => {
      const specs = allSpecs(configOf(await saved(Sequential(layers()), name.replace(/\W+/g, '_'))).config.layers);
      for (const s of specs) {
        expect([s.class_name, s.module, s.registered_name]).toEqual([s.class_name, 'keras.layers', null]);
        const args = KERAS311_ARGS[s.class_name];
        expect(args, s.class_name).toBeDefined();
        expect(Object.keys(s.config).filter((k) => !args!.includes(k)), s.class_name).toEqual([]);
      }
    });
  }

  it("Keras 3's names: LeakyReLU's negative_slope; no Embedding input_length (the InputLayer has the length); both come back", async () => {
    const model = Sequential([Embedding(10, 4, { input_length: 5 }), Flatten(), Dense(3), LeakyReLU(0.1)]);
    const p = await saved(model, 'renamed');
    const [, embedding, , , leaky] = configOf(p).config.layers;
    expect(embedding!.config).not.toHaveProperty('input_length');
    expect(leaky!.config).toMatchObject({ negative_slope: 0.1 });
    expect(leaky!.config).not.toHaveProperty('alpha');
    const loaded = await loadModel(p);
    expect(loaded.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
  });
});

describe("hard_sigmoid: Keras 1/2's (ours, 0.2x + 0.5) is not Keras 3's (x/6 + 0.5)", () => {
  const lstm = () => Sequential([LSTM(2, { input_shape: [3, 2], recurrent_activation: 'hard_sigmoid', activation: 'hard_sigmoid' })]);

  it('is written as a registered custom function, which Keras 3 loads only when registered, and read back as ours', async () => {
    const p = await saved(lstm(), 'hard_sigmoid');
    const spec = configOf(p).config.layers[1]!;
    const custom = { module: 'kerasgpu.activations', class_name: 'function', config: 'kerasgpu>hard_sigmoid', registered_name: 'function' };
    expect([spec.config.activation, spec.config.recurrent_activation]).toEqual([custom, custom]);
    const loaded = await loadModel(p);
    expect(loaded.layers[0]!.getConfig()).toMatchObject({ activation: 'hard_sigmoid', recurrent_activation: 'hard_sigmoid' });
  });

  it("Keras 3's own hard_sigmoid in a file is refused, naming the layer, the file's Keras and both functions", async () => {
    const p = await saved(lstm(), 'keras3_hard_sigmoid');
    const entries = unzipSync(readFileSync(p));
    const config = configOf(p);
    config.config.layers[1]!.config.recurrent_activation = 'hard_sigmoid';
    writeFileSync(p, zipSync({ ...entries, 'config.json': strToU8(JSON.stringify(config)) }));
    await expect(loadModel(p)).rejects.toThrow(KerasFileError);
    await expect(loadModel(p)).rejects.toThrow(/\(Keras 3\.1\.1\): layer 'lstm_\d+' \(LSTM\) uses Keras 3's hard_sigmoid \(relu6\(x \+ 3\) \/ 6\), which kerasgpu does not have \(its hard_sigmoid is Keras 1\/2's clip\(0\.2x \+ 0\.5\)\)/);
  });

  it("the Keras 3.1.1 fixture's layers take no key outside that list either (the list is Keras 3's)", () => {
    const theirs = JSON.parse(strFromU8(unzipSync(readFileSync(fixture('k311_dense_mlp_diabetes.keras', 'keras-modern')))['config.json']!)) as { config: { layers: Spec[] } };
    for (const s of theirs.config.layers) expect(Object.keys(s.config).filter((k) => !KERAS311_ARGS[s.class_name]!.includes(k))).toEqual([]);
  });
});
