import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNormalization, Dense, Sequential, deserializeLayer, randomUniform, tensor, type Tensor } from '@kerasgpu/layers';
import { checkLayerGrad } from './grad-check.js';
import { expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

const EPS = 1e-3;
const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const varOf = (v: number[]) => { const m = meanOf(v); return meanOf(v.map((x) => (x - m) ** 2)); };

/** Keras 1.2.2 mode 1 in float64: per sample over the last axis, (x − m)/(√(var + ε) + ε)·gamma + beta. */
function sampleWise(x: number[], rows: number, d: number, gamma: number[], beta: number[]): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = x.slice(r * d, (r + 1) * d);
    const m = meanOf(row);
    const std = Math.sqrt(varOf(row) + EPS);
    row.forEach((v, j) => out.push(((v - m) / (std + EPS)) * gamma[j]! + beta[j]!));
  }
  return out;
}

/** Keras 1.2.2 mode 0 training / mode 2 in float64: per feature over the batch, (x − m)/√(var + ε)·gamma + beta. */
function featureWise(x: number[], n: number, d: number, gamma: number[], beta: number[]): number[] {
  const cols = Array.from({ length: d }, (_, j) => Array.from({ length: n }, (_, i) => x[i * d + j]!));
  const stats = cols.map((c) => [meanOf(c), varOf(c)] as const);
  return x.map((v, k) => { const j = k % d; return ((v - stats[j]![0]) / Math.sqrt(stats[j]![1] + EPS)) * gamma[j]! + beta[j]!; });
}

const caseArb = fc.record({ n: fc.integer({ min: 2, max: 4 }), d: fc.integer({ min: 2, max: 5 }) }).chain(({ n, d }) => {
  const vals = (k: number, min: number, max: number) => fc.array(fc.double({ min, max, noNaN: true }), { minLength: k, maxLength: k });
  return fc.record({ x: vals(n * d, -3, 3), gamma: vals(d, 0.5, 2), beta: vals(d, -1, 1) }).map((v) => ({ n, d, ...v }));
});

/** A built layer holding the case's gamma and beta, with moving statistics that differ from any batch's. */
function layerFor(mode: 1 | 2, c: { d: number; gamma: number[]; beta: number[] }) {
  const bn = BatchNormalization({ mode, weights: [c.gamma, c.beta, new Array<number>(c.d).fill(5), new Array<number>(c.d).fill(7)] });
  bn.ensureBuilt([null, c.d]);
  return bn;
}

describe('BatchNormalization mode 1 (Keras 1: sample-wise)', () => {
  it('normalises each sample over its features, the same in training and at inference, and moves no statistics', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const bn = layerFor(1, c);
      const x = tensor(c.x, [c.n, c.d]);
      const want = sampleWise(c.x, c.n, c.d, c.gamma, c.beta);
      expectClose(await values(bn.apply(x) as Tensor), want, 1e-4);
      expectClose(await values(bn.invoke(x, { training: true }) as Tensor), want, 1e-4);
      const [, , m, v] = bn.getWeights();
      expect([await values(m!), await values(v!)]).toEqual([new Array(c.d).fill(5), new Array(c.d).fill(7)]);
      bn.dispose();
    }), { numRuns: 15 });
  });

  it('on a sequence, each step of each sample over its last axis', async () => {
    const x = randomUniform([2, 3, 4], -2, 2);
    const g = [1, 2, 0.5, 1.5];
    const b = [0, 1, -1, 0.5];
    const bn = BatchNormalization({ mode: 1, weights: [g, b, [0, 0, 0, 0], [1, 1, 1, 1]] });
    expectClose(await values(bn.apply(x) as Tensor), sampleWise(await values(x), 6, 4, g, b), 1e-4);
  });

  it('needs the last axis', () => {
    expect(() => Sequential([BatchNormalization({ mode: 1, axis: 1, input_shape: [3, 4] })])).toThrow(/BatchNormalization: mode 1 normalises each sample over its last axis.*axis 1 for input \(None, 3, 4\)/);
  });

  checkLayerGrad('BatchNormalization mode 1', () => BatchNormalization({ mode: 1, gamma_init: 'uniform', beta_init: 'uniform' }), [3, 4]);
});

describe('BatchNormalization mode 2 (Keras 1: feature-wise with batch statistics at test time too)', () => {
  it('uses the batch statistics in training and at inference and never moves the running ones', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async (c) => {
      const bn = layerFor(2, c);
      const x = tensor(c.x, [c.n, c.d]);
      const want = featureWise(c.x, c.n, c.d, c.gamma, c.beta);
      expectClose(await values(bn.invoke(x, { training: true }) as Tensor), want, 1e-4);
      expectClose(await values(bn.apply(x) as Tensor), want, 1e-4);
      const [, , m, v] = bn.getWeights();
      expect([await values(m!), await values(v!)]).toEqual([new Array(c.d).fill(5), new Array(c.d).fill(7)]);
      bn.dispose();
    }), { numRuns: 15 });
  });

  it("normalises over every axis but `axis` (channels first: axis 1)", async () => {
    const x = randomUniform([3, 2, 4], -2, 2); // features on axis 1
    const bn = BatchNormalization({ mode: 2, axis: 1, epsilon: EPS, weights: [[1, 2], [0, 1], [0, 0], [1, 1]] });
    const xs = await values(x);
    // Move axis 1 last, normalise feature-wise, move it back.
    const moved = Array.from({ length: 24 }, (_, k) => { const [i, s, j] = [Math.floor(k / 8), Math.floor(k / 2) % 4, k % 2]; return xs[i * 8 + j * 4 + s]!; });
    const normed = featureWise(moved, 12, 2, [1, 2], [0, 1]);
    const back = Array.from({ length: 24 }, (_, k) => { const [i, j, s] = [Math.floor(k / 8), Math.floor(k / 4) % 2, k % 4]; return normed[i * 8 + s * 2 + j]!; });
    expectClose(await values(bn.apply(x) as Tensor), back, 1e-4);
  });

  checkLayerGrad('BatchNormalization mode 2', () => BatchNormalization({ mode: 2, axis: 1, gamma_init: 'uniform', beta_init: 'uniform' }), [3, 2, 2]);
});

describe('BatchNormalization modes: configs', () => {
  it('Keras 1.2.2 configs of each mode load, and `mode` round-trips where it is not 0', () => {
    for (const mode of [0, 1, 2]) {
      const layer = deserializeLayer({ class_name: 'BatchNormalization', config: {
        name: `bn_${mode}`, trainable: true, epsilon: 0.001, mode, axis: -1, momentum: 0.99, gamma_regularizer: null, beta_regularizer: null, batch_input_shape: [null, 4], input_dtype: 'float32',
      } }) as BatchNormalization;
      expect(layer.mode).toBe(mode);
      const cfg = layer.getConfig();
      expect(cfg.mode).toBe(mode === 0 ? undefined : mode);
      expect((deserializeLayer({ class_name: 'BatchNormalization', config: cfg }) as BatchNormalization).mode).toBe(mode);
      const m = Sequential([layer]);
      expect(m.layers[0]!.weights.map((w) => w.shape)).toEqual([[4], [4], [4], [4]]);
    }
  });

  it('an unknown mode is refused, naming the three', () => {
    expect(() => BatchNormalization({ mode: 3 })).toThrow(/BatchNormalization: mode must be 0 \(feature-wise\), 1 \(sample-wise\) or 2.*got 3/);
  });

  it('a Sequential model with modes 1 and 2 trains', async () => {
    const model = Sequential([Dense(6, { input_dim: 4 }), BatchNormalization({ mode: 1 }), Dense(3), BatchNormalization({ mode: 2 }), Dense(2)]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const [x, y] = [randomUniform([16, 4]), randomUniform([16, 2])];
    const h = await model.fit(x, y, { nb_epoch: 4, batch_size: 16, verbose: 0 });
    expect(h.history.loss![3]).toBeLessThan(h.history.loss![0]!);
  });
});
