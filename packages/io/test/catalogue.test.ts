import { join } from 'node:path';
import {
  ActivityRegularization, BatchNormalization, ConvLSTM2D, Highway, LocallyConnected1D, LocallyConnected2D, SeparableConv2D, SeparableConvolution2D, AtrousConvolution1D, AtrousConvolution2D, Conv2DTranspose, Deconvolution2D, AveragePooling3D, Conv1D, Conv2D, GlobalAveragePooling3D, GlobalMaxPooling3D, MaxPooling3D,
  SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, Cropping1D, Cropping2D, Cropping3D, Dense, ELU, Flatten, UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D, LeakyReLU, PReLU, ParametricSoftplus, SReLU, Sequential, ThresholdedReLU,
  randomUniform, setBackend, setSeed, type Layer, type Model, type Tensor,
} from '@kerasgpu/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, loadTfjs, modelFromJSON, preprocessWeights, saveTfjs } from '../src/index.js';
import { readKerasArchive } from '../src/keras/keras3.js';
import { transposeNd } from '../src/keras/ndarray.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
beforeAll(async () => {
  await setBackend('cpu');
});

/**
 * [name, the layers of a Sequential model (its first takes `inputShape`), input shape without
 * batch, the classes Keras 3 lacks (or lacks with these options), written to `.keras` as
 * `kerasgpu>Class` custom objects].
 */
type Case = [string, () => Layer[], number[], string[]?];

/**
 * Every layer of the Keras 1 catalogue in a Sequential model: one training step, save to HDF5,
 * reload, identical predictions and weights (the layer's weights and config survive the file).
 */
const CASES: Case[] = [
  ['LeakyReLU', () => [Dense(4, { input_dim: 3 }), LeakyReLU(0.1), Dense(2)], [3]],
  ['ELU', () => [Dense(4, { input_dim: 3 }), ELU(0.5), Dense(2)], [3]],
  ['ThresholdedReLU', () => [Dense(4, { input_dim: 3 }), ThresholdedReLU(0.1), Dense(2)], [3], ['ThresholdedReLU']],
  ['PReLU with shared axes', () => [PReLU({ input_shape: [3, 4], shared_axes: [1], alpha_initializer: 'uniform' }), Flatten(), Dense(2)], [3, 4]],
  ['ParametricSoftplus', () => [Dense(4, { input_dim: 3 }), ParametricSoftplus(), Dense(2)], [3], ['ParametricSoftplus']],
  ['SReLU', () => [Dense(4, { input_dim: 3 }), SReLU(), Dense(2)], [3], ['SReLU']],
  ['ZeroPadding1D, Cropping1D, UpSampling1D', () => [Conv1D(2, 2, { input_shape: [5, 3] }), ZeroPadding1D([1, 2]), Cropping1D([2, 0]), UpSampling1D(2), Flatten(), Dense(2)], [5, 3]],
  ['ZeroPadding2D, Cropping2D, UpSampling2D (th)', () => [
    Conv2D(2, 2, { input_shape: [1, 4, 4], data_format: 'channels_first' }), ZeroPadding2D({ padding: [1, 2], dim_ordering: 'th' }),
    Cropping2D({ cropping: [[1, 0], [0, 1]], dim_ordering: 'th' }), UpSampling2D({ size: [1, 2], dim_ordering: 'th' }), Flatten(), Dense(2),
  ], [1, 4, 4]],
  ['ActivityRegularization', () => [Dense(4, { input_dim: 3 }), ActivityRegularization(0.01, 0.02), Dense(2)], [3]],
  ['SpatialDropout1D', () => [Conv1D(2, 2, { input_shape: [5, 3] }), SpatialDropout1D(0.3), Flatten(), Dense(2)], [5, 3]],
  ['SpatialDropout2D (th)', () => [Conv2D(2, 2, { input_shape: [1, 4, 4], dim_ordering: 'th' }), SpatialDropout2D({ p: 0.3, dim_ordering: 'th' }), Flatten(), Dense(2)], [1, 4, 4]],
  ['SpatialDropout3D, AveragePooling3D, MaxPooling3D, GlobalMaxPooling3D', () => [
    SpatialDropout3D(0.2, { input_shape: [4, 4, 4, 2] }), AveragePooling3D({ pool_size: 2, padding: 'same' }), MaxPooling3D([1, 2, 1]), GlobalMaxPooling3D(), Dense(2),
  ], [4, 4, 4, 2]],
  ['GlobalAveragePooling3D (th)', () => [Dense(3, { input_shape: [2, 3, 2, 2] }), GlobalAveragePooling3D({ dim_ordering: 'th' }), Dense(2)], [2, 3, 2, 2]],
  ['AtrousConvolution1D', () => [AtrousConvolution1D(2, 2, { atrous_rate: 2, input_shape: [6, 2] }), Flatten(), Dense(2)], [6, 2]],
  ['AtrousConvolution2D (th)', () => [AtrousConvolution2D(2, 2, 2, { atrous_rate: [2, 1], dim_ordering: 'th', input_shape: [1, 5, 5] }), Flatten(), Dense(2)], [1, 5, 5]],
  ['Deconvolution2D (th, output_shape)', () => [Deconvolution2D(2, 3, 3, [null, 2, 8, 8], { subsample: [2, 2], dim_ordering: 'th', input_shape: [1, 3, 3] }), Flatten(), Dense(2)], [1, 3, 3], ['Conv2DTranspose']],
  ['Conv2DTranspose', () => [Conv2DTranspose(2, 2, { strides: 2, padding: 'same', input_shape: [3, 3, 2] }), Flatten(), Dense(2)], [3, 3, 2]],
  ['Highway', () => [Highway({ input_dim: 3, activation: 'tanh' }), Highway({ transform_bias: -1 }), Dense(2)], [3], ['Highway', 'Highway']],
  ['LocallyConnected1D', () => [LocallyConnected1D(2, 2, { input_shape: [5, 3], subsample_length: 2 }), Flatten(), Dense(2)], [5, 3], ['LocallyConnected1D']],
  ['LocallyConnected2D (th)', () => [LocallyConnected2D(2, 2, 2, { input_shape: [2, 4, 3], dim_ordering: 'th' }), Flatten(), Dense(2)], [2, 4, 3], ['LocallyConnected2D']],
  ['SeparableConvolution2D', () => [SeparableConvolution2D(3, 2, 2, { input_shape: [5, 5, 2], depth_multiplier: 2, border_mode: 'same' }), Flatten(), Dense(2)], [5, 5, 2]],
  ['SeparableConv2D (channels_first)', () => [SeparableConv2D(2, [3, 2], { input_shape: [2, 5, 4], data_format: 'channels_first', strides: 2 }), Flatten(), Dense(2)], [2, 5, 4]],
  ['BatchNormalization modes 1 and 2', () => [Dense(4, { input_dim: 3 }), BatchNormalization({ mode: 1, gamma_init: 'uniform' }), Dense(3), BatchNormalization({ mode: 2 }), Dense(2)], [3], ['BatchNormalization', 'BatchNormalization']],
  ['ConvLSTM2D', () => [ConvLSTM2D(2, 2, 2, { input_shape: [3, 4, 4, 1], border_mode: 'same', return_sequences: true }), ConvLSTM2D(1, [2, 2]), Flatten(), Dense(2)], [3, 4, 4, 1]],
  ['ConvLSTM2D (th, strides)', () => [ConvLSTM2D(2, 3, 2, { input_shape: [2, 1, 5, 4], dim_ordering: 'th', subsample: [2, 1], go_backwards: true }), Flatten(), Dense(2)], [2, 1, 5, 4]],
  ['ZeroPadding3D, Cropping3D, UpSampling3D', () => [ZeroPadding3D({ padding: 1, input_shape: [2, 2, 2, 1] }), Cropping3D([[1, 0], [0, 1], [1, 1]]), UpSampling3D(), Flatten(), Dense(2)], [2, 2, 2, 1]],
];

async function predictions(model: Model, x: Tensor): Promise<number[]> {
  return Array.from(await (model.predict(x) as Tensor).data());
}

/** The layer specs of a `.keras` file's Sequential, after its InputLayer. */
const keras3Layers = (path: string) => (readKerasArchive(path).config.config as { layers: { class_name: string; module: string; registered_name: string | null }[] }).layers.slice(1);

describe('each catalogue layer: a Sequential model trains a step, saves to HDF5, .keras and the tfjs format, and reloads identically', () => {
  for (const [name, layers, inputShape, custom = []] of CASES) {
    it(name, async () => {
      setSeed(5);
      const model = Sequential(layers());
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      const x = randomUniform([4, ...inputShape], -1, 1);
      const y = randomUniform([4, ...(model.outputs[0]!.shape.slice(1) as number[])]);
      const before = await Promise.all(model.weights.map((w) => w.data()));
      const loss = await model.trainOnBatch(x, y);
      expect(Number.isFinite(loss)).toBe(true);
      const after = await Promise.all(model.weights.map((w) => w.data()));
      expect(after).not.toEqual(before);
      const want = await predictions(model, x);
      const path = join(dir, `${name.replace(/\W+/g, '_')}.h5`);
      await model.save(path);
      const loaded = await loadModel(path);
      expect(loaded.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
      expect(await predictions(loaded, x)).toEqual(want);
      expect(await Promise.all(loaded.weights.map((w) => w.data()))).toEqual(after);
      // The TensorFlow.js layers format carries the same config and weights (test/tfjs.test.ts checks it against tfjs).
      const fromTfjs = await loadTfjs(await saveTfjs(model));
      expect(fromTfjs.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
      expect(await predictions(fromTfjs, x)).toEqual(want);
      // Keras 3: its class names and keys; what it lacks as a custom object, never a built-in that computes otherwise.
      const kp = join(dir, `${name.replace(/\W+/g, '_')}.keras`);
      await model.save(kp);
      const specs = keras3Layers(kp);
      expect(specs.map((l) => l.class_name)).toEqual(model.layers.map((l) => l.className));
      expect(specs.filter((l) => l.registered_name !== null).map((l) => [l.class_name, l.module, l.registered_name])).toEqual(custom.map((c) => [c, 'kerasgpu.layers', `kerasgpu>${c}`]));
      expect(specs.filter((l) => l.registered_name === null).every((l) => l.module === 'keras.layers')).toBe(true);
      const fromKeras = await loadModel(kp);
      expect(fromKeras.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
      expect(await predictions(fromKeras, x)).toEqual(want);
      expect(await Promise.all(fromKeras.weights.map((w) => w.data()))).toEqual(after);
    });
  }
});

describe('Keras 1.2.2 model configs of the catalogue layers load', () => {
  it('advanced activations as Keras 1.2.2 writes them', () => {
    const base = (name: string) => ({ name, trainable: true });
    const json = JSON.stringify({
      class_name: 'Sequential', keras_version: '1.2.2',
      config: [
        { class_name: 'Dense', config: { ...base('dense_1'), output_dim: 4, init: 'glorot_uniform', activation: 'linear', W_regularizer: null, b_regularizer: null, activity_regularizer: null, W_constraint: null, b_constraint: null, bias: true, input_dim: 3, batch_input_shape: [null, 3], input_dtype: 'float32' } },
        { class_name: 'PReLU', config: { ...base('prelu_1'), init: 'zero' } },
        { class_name: 'LeakyReLU', config: { ...base('leakyrelu_1'), alpha: 0.3 } },
        { class_name: 'ELU', config: { ...base('elu_1'), alpha: 1.0 } },
        { class_name: 'ParametricSoftplus', config: { ...base('parametricsoftplus_1'), alpha_init: 0.2, beta_init: 5.0 } },
        { class_name: 'ThresholdedReLU', config: { ...base('thresholdedrelu_1'), theta: 1.0 } },
        { class_name: 'SReLU', config: { ...base('srelu_1'), t_left_init: 'zero', a_left_init: 'glorot_uniform', t_right_init: 'glorot_uniform', a_right_init: 'one' } },
      ],
    });
    const m = modelFromJSON(json);
    expect(m.layers.map((l) => l.className)).toEqual(['Dense', 'PReLU', 'LeakyReLU', 'ELU', 'ParametricSoftplus', 'ThresholdedReLU', 'SReLU']);
    expect(m.layers.map((l) => l.weights.map((w) => w.shape))).toEqual([[[3, 4], [4]], [[4]], [], [], [[4], [4]], [], [[4], [4], [4], [4]]]);
  });
});

describe("Keras 1.0.x configs leave the image ordering implicit ('th', that Keras's default then)", () => {
  it('the catalogue layers with an ordering read it as th', () => {
    const layer = (class_name: string, config: Record<string, unknown>) => ({ class_name, config: { name: class_name.toLowerCase(), trainable: true, ...config } });
    const m = modelFromJSON({
      class_name: 'Sequential', keras_version: '1.0.8',
      config: [
        layer('ZeroPadding3D', { padding: [1, 1, 1], batch_input_shape: [null, 2, 3, 3, 3] }),
        layer('Cropping3D', { cropping: [[1, 1], [0, 0], [0, 0]] }),
        layer('UpSampling3D', { size: [1, 2, 2] }),
        layer('SpatialDropout3D', { p: 0.1 }),
        layer('AveragePooling3D', { pool_size: [1, 2, 2], strides: null, border_mode: 'valid' }),
        layer('Reshape', { target_shape: [2, 3, 5 * 5] }),
        layer('LocallyConnected2D', { nb_filter: 4, nb_row: 2, nb_col: 2, border_mode: 'valid', subsample: [1, 1], activation: 'linear', init: 'glorot_uniform', bias: true }),
        layer('SpatialDropout2D', { p: 0.1 }),
        layer('GlobalMaxPooling2D', {}),
      ],
    });
    expect(m.outputs[0]!.shape).toEqual([null, 4]);
    expect(m.layers.filter((l) => 'dimOrdering' in l).map((l) => (l as unknown as { dimOrdering: string }).dimOrdering)).toEqual(Array(8).fill('th'));
  });
});

describe('Keras 1 weight layouts of the catalogue layers', () => {
  it("Deconvolution2D kernels, (rows, cols, in, filters) for 'tf' and (filters, in, rows, cols) for 'th', become Conv2DTranspose's (rows, cols, filters, in)", () => {
    const ours = { shape: [3, 2, 4, 5], data: Float32Array.from({ length: 120 }, (_, i) => i) }; // (rows, cols, filters, in)
    const bias = { shape: [4], data: new Float32Array(4) };
    const source = { kerasVersion: '1.2.2', backend: null };
    for (const [ordering, perm] of [['tf', [0, 1, 3, 2]], ['th', [2, 3, 0, 1]]] as const) {
      const stored = transposeNd(ours, [...perm]); // both permutations are their own inverse
      const desc = { className: 'Deconvolution2D', config: { nb_filter: 4, nb_row: 3, nb_col: 2, dim_ordering: ordering } };
      const [kernel] = preprocessWeights(desc, [stored, bias], source);
      expect(kernel!.shape).toEqual(ours.shape);
      expect(Array.from(kernel!.data)).toEqual(Array.from(ours.data));
    }
    // Keras 2 files already hold the layout.
    const [same] = preprocessWeights({ className: 'Conv2DTranspose', config: { data_format: 'channels_first' } }, [ours, bias], { kerasVersion: '2.1.6', backend: 'tensorflow' });
    expect(same).toBe(ours);
  });

  it("ConvLSTM2D's twelve Keras 1 arrays (W, U, b per gate i, c, f, o; 'th' kernels (filters, stack, rows, cols)) become kernel, recurrent_kernel, bias", () => {
    const [kr, kc, ch, F] = [2, 3, 2, 3];
    const ramp = (shape: number[], from: number) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => from + i) });
    const ours = [ramp([kr, kc, ch, 4 * F], 0), ramp([kr, kc, F, 4 * F], 1000), ramp([4 * F], 2000)];
    const source = { kerasVersion: '1.2.2', backend: null };
    for (const ordering of ['tf', 'th'] as const) {
      // Keras 1 per gate: block g of each fused array, gates stored i, c, f, o (fused blocks 0, 2, 1, 3).
      const stored = [0, 2, 1, 3].flatMap((g) => ours.map((w) => {
        const rows = w.data.length / (4 * F);
        const block = { shape: [...w.shape.slice(0, -1), F], data: Float32Array.from({ length: rows * F }, (_, i) => w.data[Math.floor(i / F) * 4 * F + g * F + (i % F)]!) };
        return ordering === 'th' && block.shape.length === 4 ? transposeNd(block, [3, 2, 0, 1]) : block;
      }));
      const desc = { className: 'ConvLSTM2D', config: { nb_filter: F, nb_row: kr, nb_col: kc, dim_ordering: ordering } };
      const got = preprocessWeights(desc, stored, source);
      expect(got.map((w) => w.shape)).toEqual(ours.map((w) => w.shape));
      expect(got.map((w) => Array.from(w.data))).toEqual(ours.map((w) => Array.from(w.data)));
    }
    // Theano files: both kernels flipped (true convolution), as Keras 2 does.
    const flipped = preprocessWeights({ className: 'ConvLSTM2D', config: { data_format: 'channels_last' } }, ours, { kerasVersion: '2.0.8', backend: 'theano' });
    expect(flipped[0]!.data[0]).toBe(ours[0]!.data[((kr - 1) * kc + kc - 1) * ch * 4 * F]);
    expect(flipped[1]!.data[0]).toBe(ours[1]!.data[((kr - 1) * kc + kc - 1) * F * 4 * F]);
    expect(flipped[2]).toBe(ours[2]);
  });
});
