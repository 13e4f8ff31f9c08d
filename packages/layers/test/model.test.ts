import { beforeAll, describe, expect, it } from 'vitest';
import {
  Activation, canonicalKey, Dense, Dropout, Input, LSTM, Merge, memory, Model, randomUniform, Sequential, parseOptions, setSeed,
} from '@kerasgpu/layers';
import { captureOutput, useBackend } from './helpers.js';

beforeAll(useBackend);

describe('options alias table', () => {
  it('camelCase, Keras 1 and Keras 2 spellings resolve to one name', () => {
    expect(['input_dim', 'inputDim'].map((k) => canonicalKey(k))).toEqual(['inputDim', 'inputDim']);
    expect(['nb_epoch', 'epochs', 'nbEpoch'].map((k) => canonicalKey(k))).toEqual(['epochs', 'epochs', 'epochs']);
    expect(['border_mode', 'padding', 'borderMode'].map((k) => canonicalKey(k))).toEqual(['padding', 'padding', 'padding']);
    expect(['W_regularizer', 'kernel_regularizer', 'wRegularizer'].map((k) => canonicalKey(k))).toEqual(Array(3).fill('kernelRegularizer'));
    expect(['subsample', 'strides', 'output_dim', 'inner_activation', 'dropout_U'].map((k) => canonicalKey(k))).toEqual(['strides', 'strides', 'units', 'recurrentActivation', 'recurrentDropout']);
    expect(parseOptions('Conv', { data_format: 'channels_first' }, ['dimOrdering'])).toEqual({ dimOrdering: 'th' });
  });

  it('Keras 1 and Keras 2 option names build the same layer', () => {
    const a = Dense(4, { input_dim: 3, init: 'he_normal', W_regularizer: 'l2', bias: false });
    const b = Dense({ units: 4, input_shape: [3], kernel_initializer: 'he_normal', kernel_regularizer: 'l2', use_bias: false });
    const strip = (c: Record<string, unknown>) => ({ ...c, name: null });
    expect(strip(a.getConfig())).toEqual(strip(b.getConfig()));
    const l1 = LSTM(8, { input_length: 10, input_dim: 64, dropout_W: 0.2, dropout_U: 0.1, inner_activation: 'sigmoid' });
    const l2 = LSTM(8, { batch_input_shape: [null, 10, 64], dropout: 0.2, recurrent_dropout: 0.1, recurrent_activation: 'sigmoid' });
    const l3 = LSTM(8, { input_shape: [10, 64], dropout: 0.2, recurrentDropout: 0.1, recurrentActivation: 'sigmoid' });
    for (const l of [l2, l3]) expect(strip(l.getConfig())).toEqual(strip(l1.getConfig()));
  });
});

describe('models', () => {
  it('summary prints the Keras table with output shapes, params and totals', async () => {
    const left = Sequential([Dense(32, { input_dim: 784, name: 'left' })]);
    const right = Sequential([Dense(32, { input_dim: 784, name: 'right' })]);
    const m = Sequential([Merge([left, right], { mode: 'concat', name: 'merged' }), Dense(10, { name: 'out' }), Activation('softmax', { name: 'act' })]);
    const { text } = await captureOutput(() => m.summary());
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^Layer \(type\) {21}Output Shape {10}Param # {5}Connected to$/);
    const row = (a: string, b: string, c: string, d: string) => `${a.padEnd(33)}${b.padEnd(22)}${c.padEnd(12)}${d}`;
    expect(lines).toContain(row('left (Dense)', '(None, 32)', '25120', 'left_input[0][0]'));
    const merged = lines.indexOf(row('merged (Merge)', '(None, 64)', '0', 'left[0][0]'));
    expect(merged).toBeGreaterThan(0);
    expect(lines[merged + 1]).toBe(`${' '.repeat(67)}right[0][0]`);
    expect(lines).toContain(row('act (Activation)', '(None, 10)', '0', 'out[0][0]'));
    expect(text).toContain('Total params: 50,890');
    expect(text).toContain('Trainable params: 50,890');
    expect(text).toContain('Non-trainable params: 0');
  });

  it('functional Model with Input, nested Sequential, getLayer and getWeights/setWeights', async () => {
    const x = Input({ shape: [4] });
    const inner = Sequential([Dense(3, { input_dim: 4 }), Activation('relu')]);
    const y = Dense(2, { name: 'head' }).apply(inner.apply(x));
    const m = Model({ inputs: x, outputs: y });
    expect(m.outputs[0]!.shape).toEqual([null, 2]);
    expect(m.getLayer('head').countParams()).toBe(8);
    const ws = m.getWeights();
    expect(ws.map((w) => w.shape)).toEqual([[4, 3], [3], [3, 2], [2]]);
    const stray = Dense(2).apply(Input({ shape: [4] }));
    expect(() => Model({ inputs: Input({ shape: [4] }), outputs: stray })).toThrow(/depends on input input_layer_\d+, which is not among the model's inputs/);
    expect(() => m.setWeights(ws.slice(1))).toThrow(/setWeights got 3 arrays, the layer has 4 weights/);
  });

  it("weightNames gives each weight its own layer's name, nested and shared layers included, in weights order", () => {
    const shared = Dense(2, { name: 'shared' });
    const inner = Sequential([Dense(3, { input_dim: 2, name: 'inner_dense' }), Activation('tanh')], { name: 'inner' });
    const x = Input({ shape: [2] });
    const y = shared.apply(inner.apply(x) as never);
    const model = Model({ inputs: x, outputs: Dense(1, { name: 'out' }).apply(shared.apply(Dense(3, { name: 'back' }).apply(y))) });
    expect(model.weightNames).toEqual(['inner_dense/kernel:0', 'inner_dense/bias:0', 'shared/kernel:0', 'shared/bias:0', 'back/kernel:0', 'back/bias:0', 'out/kernel:0', 'out/bias:0']);
    expect(model.weightNames).toHaveLength(model.weights.length);
    const seq = Sequential([Dense(2, { input_dim: 2, name: 'd' }), Dense(1, { name: 'e' })]);
    expect(seq.weightNames).toEqual(['d/kernel:0', 'd/bias:0', 'e/kernel:0', 'e/bias:0']);
  });

  it('a fit leaves no tensors behind (each step in tidy)', async () => {
    setSeed(9);
    const m = Sequential([Dense(8, { input_dim: 5, activation: 'relu' }), Dropout(0.2), Dense(3, { activation: 'softmax' })]);
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const x = randomUniform([30, 5]), y = randomUniform([30, 3]);
    await m.fit(x, y, { epochs: 1, batch_size: 10, verbose: 0, validation_split: 0.2 });
    const before = memory().numTensors;
    await m.fit(x, y, { epochs: 2, batch_size: 10, verbose: 0, validation_split: 0.2 });
    await m.evaluate(x, y);
    expect(memory().numTensors).toBe(before);
  });
});

describe('model utilities', () => {
  it('predictOnBatch / predictProba / predictClasses, pop, and the global image ordering', async () => {
    const { Conv2D, setImageDimOrdering, sum } = await import('@kerasgpu/layers');
    const m = Sequential([Dense(3, { input_dim: 2, activation: 'softmax' })]);
    const p = m.predictOnBatch([[1, 2], [3, 4]]) as import('@kerasgpu/layers').Tensor;
    expect(p.shape).toEqual([2, 3]);
    const sums = Array.from(await sum(p, 1).data());
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    expect(m.predictClasses([[1, 2]]).shape).toEqual([1]);
    m.add(Dense(1));
    expect(m.layers).toHaveLength(2);
    m.pop();
    expect(m.outputs[0]!.shape).toEqual([null, 3]);
    setImageDimOrdering('th');
    try {
      const c = Conv2D(2, 3, { input_shape: [1, 5, 5] });
      expect(Sequential([c]).outputs[0]!.shape).toEqual([null, 2, 3, 3]);
    } finally {
      setImageDimOrdering('tf');
    }
  });
});

describe('Model.dispose', () => {
  it('frees weights, optimizer slots and recurrent states: memory returns to where it was', async () => {
    const before = memory().numTensors;
    const model = Sequential([LSTM(4, { batchInputShape: [2, 3, 2], stateful: true }), Dense(1)]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = randomUniform([2, 3, 2]);
    const y = randomUniform([2, 1]);
    await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, shuffle: false });
    expect(memory().numTensors).toBeGreaterThan(before + 2);
    model.dispose();
    x.dispose();
    y.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
