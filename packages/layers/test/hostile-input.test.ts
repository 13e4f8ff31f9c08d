import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, Dense, LambdaCallback, memory, registerSaveHandler, RMSprop, Sequential, setSeed, SGD, ShapeError, TerminateOnNaN, tensor, toCategorical, ValueError, type Model } from '@kerasgpu/layers';
import { captureOutput, useBackend, values } from './helpers.js';

beforeAll(useBackend);

/** A compiled 3 → 2 softmax classifier, its weights and a small valid dataset. */
function classifier(): Model {
  setSeed(3);
  const m = Sequential([Dense(2, { input_dim: 3, activation: 'softmax' })]);
  m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
  return m;
}
const X = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9], [1, 1.1, 1.2]];
const Y = [[1, 0], [0, 1], [1, 0], [0, 1]];
const weightsOf = async (m: Model) => {
  const ws = m.getWeights();
  const out = await Promise.all(ws.map(values));
  for (const w of ws) w.dispose();
  return out;
};

type Call = (m: Model) => Promise<unknown> | unknown;
/** input → expected error class and message fragment; the weights are unchanged after the refusal. */
const CASES: [string, Call, typeof ValueError | typeof ShapeError, RegExp][] = [
  ['predict batch_size 0', (m) => m.predict(X, { batch_size: 0 }), ValueError, /predict: batchSize must be a positive integer, got 0/],
  ['predict batch_size -4', (m) => m.predict(X, { batch_size: -4 }), ValueError, /batchSize must be a positive integer, got -4/],
  ['predict batch_size NaN', (m) => m.predict(X, { batch_size: NaN }), ValueError, /got NaN/],
  ["predict batch_size '8'", (m) => m.predict(X, { batch_size: '8' }), ValueError, /got '8'/],
  ['evaluate batch_size 0', (m) => m.evaluate(X, Y, { batch_size: 0 }), ValueError, /evaluate: batchSize/],
  ['predictClasses batch_size 0', (m) => m.predictClasses(X, { batch_size: 0 }), ValueError, /predictClasses: batchSize/],
  ['predictProba batch_size -1', (m) => m.predictProba(X, { batch_size: -1 }), ValueError, /predictProba: batchSize/],
  ['fit nb_epoch 1.5', (m) => m.fit(X, Y, { nb_epoch: 1.5, verbose: 0 }), ValueError, /epochs \(nb_epoch\) must be a non-negative integer, got 1.5/],
  ["fit nb_epoch '2'", (m) => m.fit(X, Y, { nb_epoch: '2', verbose: 0 }), ValueError, /got '2'/],
  ['fit epochs -3', (m) => m.fit(X, Y, { epochs: -3, verbose: 0 }), ValueError, /got -3/],
  ['fit nb_epoch and epochs differ', (m) => m.fit(X, Y, { nb_epoch: 2, epochs: 3, verbose: 0 }), ValueError, /'nb_epoch' and 'epochs' name the same option; got 2 and 3/],
  ["fit validation_split '0.2'", (m) => m.fit(X, Y, { validation_split: '0.2', verbose: 0 }), ValueError, /validationSplit must be a number in \[0, 1\), got '0.2'/],
  ['fit validation_split 1', (m) => m.fit(X, Y, { validation_split: 1, verbose: 0 }), ValueError, /validationSplit/],
  ["fit shuffle 'yes'", (m) => m.fit(X, Y, { shuffle: 'yes' as never, verbose: 0 }), ValueError, /shuffle must be true, false or 'batch', got 'yes'/],
  ['fit verbose 3', (m) => m.fit(X, Y, { verbose: 3 as never }), ValueError, /verbose must be 0, 1 or 2, got 3/],
  ['fit callbacks not an array', (m) => m.fit(X, Y, { callbacks: {} as never, verbose: 0 }), ValueError, /callbacks must be an array/],
  ['fit NaN in x', (m) => m.fit([[NaN, 0, 0], ...X.slice(1)], Y, { verbose: 0 }), ValueError, /input dense_\d+_input has the value NaN at \[0, 0\]/],
  ['fit Infinity in y', (m) => m.fit(X, [[Infinity, 0], ...Y.slice(1)], { verbose: 0 }), ValueError, /target .* has the value Infinity at \[0, 0\]/],
  ['fit a string in x', (m) => m.fit([[0, 'abc', 0], ...X.slice(1)] as never, Y, { verbose: 0 }), ValueError, /non-numeric value 'abc' at \[0, 1\]/],
  ['fit null in x', (m) => m.fit([[0, null, 0], ...X.slice(1)] as never, Y, { verbose: 0 }), ValueError, /non-numeric value null at \[0, 1\]/],
  ['fit ragged rows', (m) => m.fit([[0, 1, 2], [0, 1], ...X.slice(2)], Y, { verbose: 0 }), ValueError, /ragged rows/],
  ['fit an empty row beside numbers (found by the fuzz)', (m) => m.fit([[], 1, 2, 3] as never, Y, { verbose: 0 }), ValueError, /input .* has rows of different lengths \(ragged rows\) at \[1\]/],
  ['fit NaN in a typed array', (m) => m.fit({ data: new Float32Array([NaN, ...new Array(11).fill(0)]), shape: [4, 3] }, Y, { verbose: 0 }), ValueError, /the value NaN at flat index 0/],
  // Found by hostile-fuzz.test.ts: {data, shape} reached tensor() unchecked (or, host-batched, read past its data), plain-array data went unchecked, and doubles beyond float32 became Infinity.
  ['fit {data, shape} whose data does not fill the shape', (m) => m.fit({ data: new Float32Array(11), shape: [4, 3] }, Y, { verbose: 0 }), ShapeError, /fit: input .* has shape \[4, 3\] \(12 values\) but its data holds 11 values/],
  ['predict {data, shape} with a negative dim', (m) => m.predict({ data: new Float32Array(12), shape: [-4, 3] }), ShapeError, /predict: input .* shape \[-4,3\]; the shape must be an array of non-negative integers/],
  ['fit {data: plain array} with NaN', (m) => m.fit({ data: [NaN, ...new Array(11).fill(0)] as never, shape: [4, 3] }, Y, { verbose: 0 }), ValueError, /the value NaN at flat index 0/],
  ["evaluate {data: plain array} with 'abc'", (m) => m.evaluate(X, { data: [1, 0, 'abc', 1, 1, 0, 0, 1] as never, shape: [4, 2] }), ValueError, /evaluate: target .* non-numeric value 'abc' at flat index 2/],
  ['fit 1e39 in x (Infinity as float32)', (m) => m.fit([[1e39, 0, 0], ...X.slice(1)], Y, { verbose: 0 }), ValueError, /the value 1e\+39, beyond float32's range at \[0, 0\]/],
  ['trainOnBatch a Float64Array beyond float32', (m) => m.trainOnBatch({ data: Float64Array.from([...new Array(11).fill(0), -1e300]), shape: [4, 3] }, Y), ValueError, /trainOnBatch: input .* -1e\+300, beyond float32's range at flat index 11/],
  ['fit empty dataset', (m) => m.fit({ data: new Float32Array(0), shape: [0, 3] }, { data: new Float32Array(0), shape: [0, 2] }, { verbose: 0 }), ValueError, /is empty \(0 samples\)/],
  ['evaluate empty dataset', (m) => m.evaluate({ data: new Float32Array(0), shape: [0, 3] }, { data: new Float32Array(0), shape: [0, 2] }), ValueError, /is empty/],
  ['predict empty dataset', (m) => m.predict({ data: new Float32Array(0), shape: [0, 3] }), ValueError, /predict: input .* is empty/],
  ['integer labels with categorical_crossentropy', (m) => m.fit(X, [[0], [1], [0], [1]], { verbose: 0 }), ValueError, /target array of shape \(4, 1\) while using as loss `categorical_crossentropy`.*to_categorical/],
  ['wrong number of classes', (m) => m.fit(X, [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], { verbose: 0 }), ShapeError, /target array of shape \(4, 3\) was passed for output dense_\d+ of shape \(None, 2\)/],
  ["class_weight key 'x'", (m) => m.fit(X, Y, { class_weight: { x: 1 }, verbose: 0 }), ValueError, /classWeight keys must be class indices/],
  ['trainOnBatch unknown option', (m) => m.trainOnBatch(X, Y, { sample_weights: [1, 1, 1, 1] }), ValueError, /trainOnBatch: unknown option 'sample_weights'; did you mean 'sample_weight'/],
  ['testOnBatch unknown option', (m) => m.testOnBatch(X, Y, { class_weights: {} }), ValueError, /testOnBatch: unknown option 'class_weights'; did you mean 'class_weight'/],
  ['fitGenerator steps_per_epoch 0', (m) => m.fitGenerator([[X, Y]], { steps_per_epoch: 0, epochs: 1, verbose: 0 }), ValueError, /fitGenerator: stepsPerEpoch must be a positive integer, got 0/],
  ['fitGenerator nb_epoch 1.5', (m) => m.fitGenerator([[X, Y]], { steps_per_epoch: 1, nb_epoch: 1.5, verbose: 0 }), ValueError, /fitGenerator: epochs \(nb_epoch\) must be a non-negative integer, got 1.5/],
  ['evaluateGenerator steps -1', (m) => m.evaluateGenerator([[X, Y]], { steps: -1 }), ValueError, /evaluateGenerator: steps must be a positive integer, got -1/],
  ["predictGenerator steps '2'", (m) => m.predictGenerator([X], { steps: '2' as never }), ValueError, /predictGenerator: steps must be a positive integer, got '2'/],
  ["compile loss 'constructor'", (m) => m.compile({ optimizer: 'sgd', loss: 'constructor' }), ValueError, /unknown loss 'constructor'/],
  ["compile metric 'toString'", (m) => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['toString'] }), ValueError, /unknown metric 'toString'/],
  ["compile optimizer '__proto__'", (m) => m.compile({ optimizer: '__proto__', loss: 'mse' }), ValueError, /unknown optimizer '__proto__'/],
  ['trainOnBatch NaN in sample_weight (named as trainOnBatch, not fit)', (m) => m.trainOnBatch(X, Y, { sample_weight: [1, NaN, 1, 1] }), ValueError, /^trainOnBatch: sample_weight .* has the value NaN at \[1\]/],
  ['trainOnBatch NaN', (m) => m.trainOnBatch([[NaN, 0, 0], ...X.slice(1)], Y), ValueError, /trainOnBatch: input .* NaN/],
];

describe('hostile input: refused with a clear error, weights unchanged', () => {
  for (const [name, call, cls, message] of CASES) {
    it(name, async () => {
      const m = classifier();
      const before = await weightsOf(m);
      const tensors = memory().numTensors;
      let error: unknown;
      try { await call(m); } catch (e) { error = e; }
      expect(error).toBeInstanceOf(cls);
      expect((error as Error).message).toMatch(message);
      expect(await weightsOf(m)).toEqual(before);
      expect(memory().numTensors).toBe(tensors);
      m.dispose();
    });
  }
});

describe('hostile input: failures leak nothing', () => {
  it('100 refused or interrupted calls leave tensor and byte counts flat', async () => {
    const m = classifier();
    const boom = LambdaCallback({ onBatchEnd: (batch) => { if (batch === 1) throw new Error('callback failed'); } });
    const failing: Call[] = [
      (mm) => mm.fit([[NaN, 0, 0], ...X.slice(1)], Y, { verbose: 0 }),
      (mm) => mm.fit([[0, 1], [0, 1], [0, 1], [0, 1]], Y, { verbose: 0 }),
      (mm) => mm.evaluate(X, [[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2]]),
      (mm) => mm.predict([[0, 1]]),
      (mm) => mm.trainOnBatch(X, [[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2]]),
      (mm) => mm.fit(X, Y, { batch_size: 1, epochs: 1, verbose: 0, callbacks: [boom] }),
    ];
    // One of each first, so lazily built state (optimizer slots, kernels) is in place.
    for (const call of failing) await Promise.resolve().then(() => call(m)).catch(() => {});
    const before = memory();
    for (let i = 0; i < 100; i++) {
      await expect(Promise.resolve().then(() => failing[i % failing.length]!(m))).rejects.toThrow();
    }
    const after = memory();
    expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
    m.dispose();
  });
});

describe('hostile input: accepted where Keras accepts', () => {
  it('checkFinite: false trains on NaN data as asked; epochs 0 runs nothing', async () => {
    const m = classifier();
    const before = await weightsOf(m);
    const h = await m.fit(X, Y, { epochs: 0, verbose: 0 });
    expect(h.history).toEqual({});
    expect(await weightsOf(m)).toEqual(before);
    await m.fit([[NaN, 0, 0], ...X.slice(1)], Y, { epochs: 1, verbose: 0, check_finite: false });
    expect((await weightsOf(m)).flat().some(Number.isNaN)).toBe(true);
  });

  it('a Float64Array x is converted; string class_weight keys are class indices and missing classes weigh 1', async () => {
    const m = classifier();
    const x = { data: Float64Array.from(X.flat()), shape: [4, 3] };
    const a = await m.evaluate(x, Y);
    const weighted = await m.evaluate(X, Y);
    expect(a).toBeCloseTo(weighted as number, 5);
    const m1 = classifier();
    await m1.fit(X, Y, { epochs: 1, verbose: 0, shuffle: false, class_weight: JSON.parse('{"0": 1}') });
    const m2 = classifier();
    await m2.fit(X, Y, { epochs: 1, verbose: 0, shuffle: false });
    expect(await weightsOf(m1)).toEqual(await weightsOf(m2));
  });

  it('trainOnBatch and testOnBatch apply sample_weight and class_weight (they once ignored both)', async () => {
    const m = classifier();
    const kept = [0, 1]; // sample_weight [1, 1, 0, 0] keeps rows 0 and 1; class_weight {1: 0} keeps the class-0 rows, 0 and 2
    const rows = <T>(a: T[], idx: number[]) => idx.map((i) => a[i]!);
    expect(await m.testOnBatch(X, Y, { sample_weight: [1, 1, 0, 0] })).toBeCloseTo(await m.testOnBatch(rows(X, kept), rows(Y, kept)) as number, 5);
    expect(await m.testOnBatch(X, Y, { class_weight: { 1: 0 } })).toBeCloseTo(await m.testOnBatch(rows(X, [0, 2]), rows(Y, [0, 2])) as number, 5);
    const [a, b] = [classifier(), classifier()];
    await a.trainOnBatch(X, Y, { sample_weight: [1, 1, 0, 0] });
    await b.trainOnBatch(rows(X, kept), rows(Y, kept));
    const [wa, wb] = [(await weightsOf(a)).flat(), (await weightsOf(b)).flat()];
    wa.forEach((v, i) => expect(v).toBeCloseTo(wb[i]!, 5));
    expect(wa).not.toEqual((await weightsOf(m)).flat());
  });

  it('sparse labels out of range or fractional are refused', async () => {
    const m = classifier();
    m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    await expect(m.fit(X, [[0], [1], [7], [1]], { verbose: 0 })).rejects.toThrow(/label 7 at flat index 2.*\[0, 2\)/);
    await expect(m.fit(X, [[0], [-1], [0], [1]], { verbose: 0 })).rejects.toThrow(/label -1/);
    await expect(m.fit(X, [[0], [0.5], [0], [1]], { verbose: 0 })).rejects.toThrow(/label 0.5/);
    await m.fit(X, [[0], [1], [0], [1]], { verbose: 0, epochs: 1 });
  });

  it('a second fit while one runs is refused; a save during fit waits for the step boundary', async () => {
    const m = classifier();
    const first = m.fit(X, Y, { epochs: 3, batch_size: 1, verbose: 0 });
    await expect(m.fit(X, Y, { epochs: 1, verbose: 0 })).rejects.toThrow(/already running fit/);
    let fitDone = false;
    void first.then(() => { fitDone = true; });
    let checkedMidFit = false;
    registerSaveHandler({
      // Weights read at the start and the end of a slow save must be the same step's.
      save: async (model) => {
        checkedMidFit = !fitDone;
        const w1 = await weightsOf(model);
        await new Promise((r) => setTimeout(r, 20));
        expect(await weightsOf(model)).toEqual(w1);
        return null;
      },
      saveWeights: async () => null, loadWeights: async () => {}, toYAML: () => '',
    });
    await m.save('unused.h5');
    await first;
    expect(checkedMidFit).toBe(true);
  });

  it('fit lets timers run between batches', async () => {
    const m = classifier();
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 0);
    await m.fit(Array.from({ length: 64 }, () => X[0]!), Array.from({ length: 64 }, () => Y[0]!), { epochs: 2, batch_size: 1, verbose: 0 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('hostile input: NaN reaches the loss on both backends', () => {
  it('crossentropy of a NaN output is NaN and TerminateOnNaN stops training (webgpu once clipped NaN to a loss of 16.1181)', async () => {
    const m = classifier();
    const losses: number[] = [];
    const { text } = await captureOutput(() => m.fit([[NaN, 0, 0], ...X.slice(1)], Y, {
      epochs: 4, batch_size: 1, verbose: 0, shuffle: false, check_finite: false,
      callbacks: [TerminateOnNaN(), LambdaCallback({ onBatchEnd: (_b, logs) => { losses.push(logs?.loss as number); } })],
    }));
    expect(losses, String(losses)).toEqual([NaN]);
    expect(text).toMatch(/Batch 0: Invalid loss, terminating training/);
  });
});

describe('hostile input: models and optimizers refused at construction', () => {
  it.each([
    ["SGD lr 'fast'", () => SGD({ lr: 'fast' as never }), /SGD: lr must be a finite number ≥ 0, got 'fast'/],
    ['SGD lr NaN', () => SGD({ lr: NaN }), /lr must be a finite number ≥ 0, got NaN/],
    ['SGD momentum 1', () => SGD({ momentum: 1 }), /momentum must be a finite number in \[0, 1\), got 1/],
    ['Adam decay -1', () => Adam({ decay: -1 }), /Adam: decay must be a finite number ≥ 0, got -1/],
    ['RMSprop rho 2', () => RMSprop({ rho: 2 }), /RMSprop: rho must be a finite number in \[0, 1\)/],
    ['duplicate layer names', () => Sequential([Dense(2, { input_dim: 3, name: 'd' }), Dense(2, { name: 'd' })]), /all layer names should be unique; 'd' is used by more than one layer/],
    ['misspelt initializer', () => Dense(2, { input_dim: 3, init: 'glorot_unifrom' }), /Dense: unknown initializer 'glorot_unifrom' for kernelInitializer; did you mean 'glorot_uniform'\?/],
    ['shortened initializer', () => Dense(2, { input_dim: 3, init: 'glorot' }), /Dense: unknown initializer 'glorot' for kernelInitializer; did you mean 'glorot_uniform'\?/],
    ['misspelt metric', () => Sequential([Dense(2, { input_dim: 3 })]).compile({ optimizer: 'sgd', loss: 'mse', metrics: ['acuracy'] }), /unknown metric 'acuracy'; did you mean 'accuracy'\?/],
    ['a huge batchInputShape is not printed whole', () => Dense(2, { batch_input_shape: Array.from({ length: 1e6 }, () => 'x') as never }), /batchInputShape must be an array of positive integers or null, got an array too large to show/],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(message);
  });
});

describe('hostile input: toCategorical', () => {
  it('refuses labels that would become silent all-zero rows', () => {
    expect(() => toCategorical([0, 3, 10], 10)).toThrow(/label 10 at flat index 2 is out of range for nbClasses 10/);
    expect(() => toCategorical([0, -1], 3)).toThrow(/non-negative integer class indices, got -1 at flat index 1/);
    expect(() => toCategorical([[0], [1.5]], 3)).toThrow(/got 1.5 at flat index 1/);
    expect(() => toCategorical([0, NaN], 3)).toThrow(/got NaN/);
    expect(() => toCategorical([], 3)).toThrow(/no labels given/);
    expect(() => toCategorical(tensor([0, 1]))).toThrow(/a Tensor of labels needs nbClasses/);
  });
  it('infers nbClasses as max + 1 from host labels, as Keras does', async () => {
    const y = toCategorical([[2], [0], [1]]);
    expect(y.shape).toEqual([3, 3]);
    expect(Array.from(await values(y))).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    y.dispose();
  });
});
