import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adam, Callback, CSVLogger, Dense, EarlyStopping, LambdaCallback, Layer, LearningRateScheduler, ModelCheckpoint, ReduceLROnPlateau,
  registerSaveHandler, SGD, Sequential, setSeed, TerminateOnNaN, tensor, ValueError, ShapeError, l2, maxnorm, nonneg, Dropout, LSTM, Input, Model,
  type Logs, type Tensor, type Batch, randomUniform, Embedding, TimeDistributed,
} from '@kerasgpu/layers';
import { captureOutput, expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

/** XOR of quadrant signs on a fixed pseudo-random cloud: learnable, not linearly separable. */
function xorData(n: number): { x: number[][]; y: number[][] } {
  const x = Array.from({ length: n }, (_, i) => [Math.sin(i * 12.9898) * 1.5, Math.sin(i * 78.233 + 1) * 1.5]);
  return { x, y: x.map(([a, b]) => [a! * b! > 0 ? 1 : 0]) };
}

describe('learning', () => {
  it('a two-layer MLP reaches > 95% training accuracy on XOR quadrants', async () => {
    setSeed(7);
    const { x, y } = xorData(200);
    const model = Sequential([Dense(32, { input_dim: 2, activation: 'relu' }), Dense(1, { activation: 'sigmoid' })]);
    model.compile({ optimizer: Adam({ lr: 0.03 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const h = await model.fit(x, y, { epochs: 60, batch_size: 32, verbose: 0 });
    expect(h.history.acc!.at(-1)).toBeGreaterThan(0.95);
    const [, acc] = (await model.evaluate(x, y)) as number[];
    expect(acc).toBeGreaterThan(0.95);
    const classes = await values(model.predictClasses(x));
    expect(classes.filter((c, i) => c === y[i]![0]).length / 200).toBeGreaterThan(0.95);
  });

  it('the same seed gives the same weights and the same loss curve', async () => {
    const run = async () => {
      setSeed(11);
      const m = Sequential([Dense(8, { input_dim: 3, activation: 'tanh' }), Dropout(0.3), Dense(1)]);
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const x = randomUniform([40, 3]);
      const h = await m.fit(x, randomUniform([40, 1]), { epochs: 3, verbose: 0 });
      return h.history.loss!;
    };
    expect(await run()).toEqual(await run());
  });
});

describe('fit options', () => {
  const small = () => {
    const m = Sequential([Dense(1, { input_dim: 2 })]);
    m.compile({ optimizer: SGD({ lr: 0.01 }), loss: 'mse' });
    return m;
  };

  it('validationSplit takes the last fraction; validationData adds val_ keys', async () => {
    const m = small();
    const seen: number[] = [];
    const cb = LambdaCallback({ on_batch_end: (_b: number, logs: Logs) => { seen.push(logs.size!); } });
    const h = await m.fit(tensor(new Float32Array(20), [10, 2]), tensor(new Float32Array(10), [10, 1]), { epochs: 1, batch_size: 4, validation_split: 0.2, verbose: 0, callbacks: [cb] });
    expect(seen).toEqual([4, 4]);
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'val_loss']);
    const h2 = await m.fit([[1, 2]], [[1]], { epochs: 2, validation_data: [[[0, 0]], [[0]]], verbose: 0 });
    expect(h2.history.val_loss).toHaveLength(2);
  });

  it('shuffle false keeps order, "batch" keeps batches whole; initialEpoch starts later', async () => {
    const m = small();
    const firsts: number[][] = [];
    class Recorder extends Callback { override onBatchBegin(b: number) { firsts.push([b]); } }
    const h = await m.fit(tensor(new Float32Array(12), [6, 2]), tensor(new Float32Array(6), [6, 1]), { epochs: 3, initial_epoch: 1, batch_size: 2, shuffle: 'batch', verbose: 0, callbacks: [new Recorder()] });
    expect(h.epoch).toEqual([1, 2]);
    expect(firsts).toHaveLength(6);
    await m.fit([[1, 1]], [[0]], { shuffle: false, epochs: 1, verbose: 0 });
  });

  it('sampleWeight and classWeight scale the loss as Keras (mean of weighted scores / fraction non-zero)', async () => {
    const m = Sequential([Dense(1, { input_dim: 1, weights: [[[0]], [0]] })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    // errors 1 and 4 (squared), weights 1 and 0 → mean([1, 0]) / 0.5 = 1
    expect(await m.evaluate([[0], [0]], [[1], [2]], { sample_weight: [1, 0] })).toBeCloseTo(1, 6);
    const c = Sequential([Dense(1, { input_dim: 1, weights: [[[0]], [0]] })]);
    c.compile({ optimizer: SGD({ lr: 0 }), loss: 'mse' });
    // class 1 weighted 3: (1·1 + 3·1) / 2 = 2
    expect(await c.trainOnBatch([[0], [0]], [[0 + 1], [1]], { classWeight: { 1: 3 } })).toBeCloseTo(3, 6);
  });

  it("temporal sample weights with sampleWeightMode 'temporal'", async () => {
    const m = Sequential([LSTM(1, { input_shape: [2, 1], return_sequences: true })]);
    m.compile({ optimizer: 'sgd', loss: 'mse', sample_weight_mode: 'temporal' });
    const x = tensor(new Float32Array(4), [2, 2, 1]);
    const loss = await m.evaluate(x, tensor([[[1], [1]], [[1], [1]]]), { sample_weight: [[1, 0], [1, 0]] });
    // zero input → zero output, squared error 1 at weighted steps: mean([1,0,1,0]) / 0.5 = 1
    expect(loss).toBeCloseTo(1, 5);
    await expect(m.fit(x, x, { sample_weight: [1, 1], verbose: 0 })).rejects.toThrow(/rank 2/);
  });

  it('output masks weight the loss: padded steps of a maskZero sequence count for nothing (Keras)', async () => {
    setSeed(9);
    const [b, T, d] = [3, 4, 2];
    const m = Sequential([Embedding(5, 3, { input_length: T, mask_zero: true }), LSTM(4, { return_sequences: true }), TimeDistributed(Dense(d))]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const ids = [[1, 2, 0, 0], [3, 0, 0, 0], [4, 1, 2, 3]];
    const x = tensor(ids);
    const yData = Array.from({ length: b * T * d }, (_, i) => Math.sin(i));
    const pred = await values(m.predict(x) as Tensor);
    // By hand: per-step mse, times the mask, over the mask's mean (7 real steps of 12), then means.
    const mask: number[] = ids.flat().map((v) => (v === 0 ? 0 : 1));
    const meanMask = mask.reduce((a, v) => a + v, 0) / mask.length;
    const stepLoss = mask.map((mk, s) => mk * (((pred[s * d]! - yData[s * d]!) ** 2 + (pred[s * d + 1]! - yData[s * d + 1]!) ** 2) / d) / meanMask);
    const want = stepLoss.reduce((a, v) => a + v, 0) / stepLoss.length;
    expect(await m.evaluate(x, tensor(yData, [b, T, d]), { verbose: 0 })).toBeCloseTo(want, 5);
    // Targets at padded steps do not matter.
    const yPadded = yData.map((v, i) => (mask[Math.floor(i / d)] ? v : v + 100));
    expect(await m.evaluate(x, tensor(yPadded, [b, T, d]), { verbose: 0 })).toBeCloseTo(want, 5);
    // Per-sample weights on per-step scores: the mean over steps first, then the weights (Keras).
    const w = [2, 0, 1];
    const perSample = w.map((_, i) => stepLoss.slice(i * T, (i + 1) * T).reduce((a, v) => a + v, 0) / T);
    const weighted = perSample.reduce((a, v, i) => a + v * w[i]!, 0) / b / (2 / 3);
    expect(await m.evaluate(x, tensor(yData, [b, T, d]), { verbose: 0, sampleWeight: tensor(w) })).toBeCloseTo(weighted, 5);
    // And training reports the masked loss (trainOnBatch returns the loss before its update).
    expect(await m.trainOnBatch(x, tensor(yPadded, [b, T, d]))).toBeCloseTo(want, 5);
  });

  it('regularizer penalties add to the loss; constraints apply after each update', async () => {
    const m = Sequential([Dense(1, { input_dim: 1, weights: [[[2]], [0]], W_regularizer: l2(0.1), W_constraint: nonneg(), b_constraint: maxnorm(0.5) })]);
    m.compile({ optimizer: SGD({ lr: 1 }), loss: 'mse' });
    // loss at x=0, y=0: 0 + 0.1·2² = 0.4
    expect(await m.evaluate([[0]], [[0]])).toBeCloseTo(0.4, 6);
    // one step: dW = 0.2·2 = 0.4 → W = 1.6; x = 1, y = 10 instead makes W negative before nonneg:
    await m.trainOnBatch([[0]], [[0]]);
    expectClose(await values(m.getWeights()[0]!), [1.6]);
    await m.trainOnBatch([[1]], [[-20]]);
    const [w, b] = m.getWeights();
    expectClose(await values(w!), [0]);
    expect(Math.abs((await values(b!))[0]!)).toBeLessThanOrEqual(0.5 + 1e-6);
  });

  it('verbose 1 prints the Keras progress bar line', async () => {
    const m = small();
    const { text } = await captureOutput(() => m.fit(tensor(new Float32Array(20), [10, 2]), tensor(new Float32Array(10), [10, 1]), { epochs: 1, batch_size: 5 }));
    expect(text).toMatch(/^Epoch 1\/1\n10\/10 \[==============================\] - \d+s - loss: \d\.\d{4}(e[+-]\d+)?\n$/);
  });

  it('multi-output functional model: per-output losses in the logs', async () => {
    const a = Input({ shape: [2] });
    const o1 = Dense(1, { name: 'out_a' }).apply(a);
    const o2 = Dense(2, { name: 'out_b', activation: 'softmax' }).apply(a);
    const m = Model({ inputs: a, outputs: [o1, o2] });
    m.compile({ optimizer: 'adam', loss: ['mse', 'categorical_crossentropy'], metrics: { out_b: ['accuracy'] }, loss_weights: [1, 0.5] });
    expect(m.metricsNames).toEqual(['loss', 'out_a_loss', 'out_b_loss', 'out_b_acc']);
    const h = await m.fit([[1, 2], [3, 4]], [[[1], [2]], [[1, 0], [0, 1]]], { epochs: 1, verbose: 0 });
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'out_a_loss', 'out_b_acc', 'out_b_loss']);
    const l = h.history;
    expect(l.loss![0]).toBeCloseTo(l.out_a_loss![0]! + 0.5 * l.out_b_loss![0]!, 4);
  });

  it('metrics: [] means no metrics, for one output or several (Keras)', async () => {
    const m = small();
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [] });
    expect(m.metricsNames).toEqual(['loss']);
    expect(await m.evaluate([[1, 2]], [[1]], { verbose: 0 })).toEqual(expect.any(Number));
    const a = Input({ shape: [2] });
    const two = Model({ inputs: a, outputs: [Dense(1, { name: 'p' }).apply(a), Dense(1, { name: 'q' }).apply(a)] });
    two.compile({ optimizer: 'sgd', loss: 'mse', metrics: [] });
    expect(two.metricsNames).toEqual(['loss', 'p_loss', 'q_loss']);
  });

  it('fitGenerator / evaluateGenerator over async iterables (Keras 1 samples and Keras 2 steps)', async () => {
    const m = small();
    async function* gen(): AsyncGenerator<Batch> {
      for (;;) yield [[[1, 2], [3, 4]], [[1], [0]]];
    }
    const h = await m.fitGenerator(gen(), { samples_per_epoch: 6, nb_epoch: 2, verbose: 0, validation_data: gen(), nb_val_samples: 4 });
    expect(h.history.loss).toHaveLength(2);
    expect(h.history.val_loss).toHaveLength(2);
    const e = await m.evaluateGenerator(gen(), { steps: 2 });
    expect(typeof e).toBe('number');
    const direct = await m.evaluate([[1, 2], [3, 4]], [[1], [0]]);
    expect(e).toBeCloseTo(direct as number, 5);
  });
});

describe('callbacks', () => {
  const data = () => ({ x: tensor(new Float32Array(16).map((_, i) => i / 16), [8, 2]), y: tensor(new Float32Array(8).fill(1), [8, 1]) });

  it('EarlyStopping stops when the monitored value stops improving', async () => {
    const m = Sequential([Dense(1, { input_dim: 2 })]);
    m.compile({ optimizer: SGD({ lr: 0 }), loss: 'mse' });
    const { x, y } = data();
    const es = EarlyStopping({ monitor: 'loss', patience: 1 });
    const h = await m.fit(x, y, { epochs: 10, verbose: 0, shuffle: false, callbacks: [es] });
    expect(h.epoch).toEqual([0, 1, 2]);
  });

  it('LearningRateScheduler and ReduceLROnPlateau set the optimizer lr', async () => {
    const m = Sequential([Dense(1, { input_dim: 2 })]);
    const opt = SGD({ lr: 0.1 });
    m.compile({ optimizer: opt, loss: 'mse' });
    const { x, y } = data();
    const lrs: number[] = [];
    await m.fit(x, y, { epochs: 3, verbose: 0, callbacks: [LearningRateScheduler((e) => 0.01 / (e + 1)), LambdaCallback({ onEpochEnd: () => { lrs.push(opt.lr); } })] });
    expectClose(lrs, [0.01, 0.005, 0.01 / 3]);
    const m2 = Sequential([Dense(1, { input_dim: 2 })]);
    const opt2 = SGD({ lr: 0 });
    m2.compile({ optimizer: opt2, loss: 'mse' });
    opt2.lr = 0;
    const r = ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 0, min_lr: 0 });
    (opt2 as { lr: number }).lr = 1e-9;
    await m2.fit(x, y, { epochs: 3, verbose: 0, callbacks: [r] });
    expect(opt2.lr).toBeLessThan(1e-9);
  });

  it('CSVLogger writes a header and one row per epoch', async () => {
    const m = Sequential([Dense(1, { input_dim: 2 })]);
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const { x, y } = data();
    const file = join(mkdtempSync(join(tmpdir(), 'kerasgpu-')), 'log.csv');
    await m.fit(x, y, { epochs: 2, verbose: 0, callbacks: [CSVLogger(file)] });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('epoch,loss,mean_absolute_error');
    expect(lines).toHaveLength(3);
  });

  it('ModelCheckpoint saves through the registered handler with formatted names', async () => {
    const saved: string[] = [];
    registerSaveHandler({
      save: async (_m, p) => { saved.push(`model ${p}`); return null; },
      saveWeights: async (_m, p) => { saved.push(`weights ${p}`); return null; },
      loadWeights: async () => {},
      toYAML: () => '',
    });
    const m = Sequential([Dense(1, { input_dim: 2 })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = data();
    await m.fit(x, y, { epochs: 2, verbose: 0, callbacks: [ModelCheckpoint('w.{epoch:02d}-{loss:.2f}.h5', { save_weights_only: true })] });
    expect(saved).toHaveLength(2);
    expect(saved[0]).toMatch(/^weights w\.01-\d+\.\d{2}\.h5$/);
  });

  it('TerminateOnNaN stops at the first NaN loss', async () => {
    const m = Sequential([Dense(1, { input_dim: 1 })]);
    m.compile({ optimizer: SGD({ lr: 1e30 }), loss: 'mse' });
    const batches: number[] = [];
    const { text, result: h } = await captureOutput(() => m.fit(tensor([[1e20], [1e20], [1e20], [1e20]]), tensor([[1], [1], [1], [1]]), {
      epochs: 5, batch_size: 1, verbose: 0, shuffle: false, callbacks: [TerminateOnNaN(), LambdaCallback({ onBatchEnd: (b) => { batches.push(b); } })],
    }));
    expect(text).toMatch(/Batch \d: Invalid loss, terminating training/);
    expect(h.epoch).toEqual([0]);
    expect(batches.length).toBeLessThan(4);
  });

  it('user subclasses of Layer and Callback work; instanceof holds for callable classes', async () => {
    class Scale extends Layer {
      constructor(readonly k: number, o: object = {}) { super(Layer.parse('Scale', o, [])); }
      override call(x: Tensor | Tensor[]): Tensor {
        return tensorMul(x as Tensor, this.k);
      }
    }
    const m = Sequential([Dense(1, { input_dim: 1, weights: [[[1]], [0]] }), new Scale(3)]);
    expectClose(await values(m.predict([[2]]) as Tensor), [6]);
    const d = Dense(3);
    expect(d).toBeInstanceOf(Dense);
    expect(d).toBeInstanceOf(Layer);
    expect(new Dense(3)).toBeInstanceOf(Dense);
    const events: string[] = [];
    class Rec extends Callback {
      override onTrainBegin() { events.push('train'); }
      override onEpochEnd(e: number, logs: Logs) { events.push(`epoch ${e} ${'loss' in logs}`); }
    }
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await m.fit([[1]], [[1]], { epochs: 2, verbose: 0, callbacks: [new Rec()] });
    expect(events).toEqual(['train', 'epoch 0 true', 'epoch 1 true']);
  });
});

import { mul as tensorMul } from '@kerasgpu/layers';

describe('bad input', () => {
  const model = () => {
    const m = Sequential([Dense(1, { input_dim: 3 })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    return m;
  };

  it('wrong x shape names the input and both shapes', async () => {
    await expect(model().fit([[1, 2]], [[1]], { verbose: 0 })).rejects.toThrow(ShapeError);
    await expect(model().fit([[1, 2]], [[1]], { verbose: 0 })).rejects.toThrow(/expected dense_\d+_input to have shape \(None, 3\) but got array with shape \(1, 2\)/);
  });

  it('x / y length mismatch', async () => {
    await expect(model().fit([[1, 2, 3], [4, 5, 6]], [[1]], { verbose: 0 })).rejects.toThrow(/same number of samples; got x: 2, y: 1/);
  });

  it('unknown loss, optimizer and option names suggest the closest', () => {
    const m = Sequential([Dense(1, { input_dim: 3 })]);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropi' })).toThrow(/unknown loss 'categorical_crossentropi'; did you mean 'categorical_crossentropy'/);
    expect(() => m.compile({ optimizer: 'adamm', loss: 'mse' })).toThrow(/unknown optimizer 'adamm'; did you mean 'adam'/);
    expect(() => Dense(3, { input_dimm: 4 })).toThrow(ValueError);
    expect(() => Dense(3, { input_dimm: 4 })).toThrow(/Dense: unknown option 'input_dimm'; did you mean 'input_dim'/);
    expect(() => Dense(3, { inputDimm: 4 })).toThrow(/did you mean 'inputDim'/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['acuracy'] })).toThrow(/unknown metric 'acuracy'/);
    return expect(model().fit([[1, 2, 3]], [[1]], { nb_epochs: 1 })).rejects.toThrow(/fit: unknown option 'nb_epochs'; did you mean 'nb_epoch'/);
  });

  it('fit before compile', async () => {
    const m = Sequential([Dense(1, { input_dim: 3 })]);
    await expect(m.fit([[1, 2, 3]], [[1]])).rejects.toThrow(/must be compiled before training/);
  });

  it('layer shape mismatches name both layers and shapes', () => {
    const m = Sequential([Dense(4, { input_dim: 3, name: 'first' })]);
    const { Conv2D: C } = { Conv2D: LSTM };
    expect(() => m.add(C(2, { name: 'second' }))).toThrow(/layer second \(LSTM\) cannot take the output of first \(None, 4\): LSTM expects inputs of shape \(batch, timesteps, features\)/);
    expect(() => Sequential([Dense(2)])).toThrow(/first layer \(dense_\d+\) needs an input shape/);
  });
});
