import { beforeAll, describe, expect, it } from 'vitest';
import {
  ELU, LeakyReLU, PReLU, ParametricSoftplus, SReLU, Sequential, ThresholdedReLU, deserializeLayer, randomUniform, type Layer, type Tensor,
} from '@kerasgpu/layers';
import { checkLayerGrad } from './grad-check.js';
import { expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
/** Keras 1.2.2's formulas on numbers (advanced_activations.py with the TensorFlow backend). */
const reference = {
  leaky: (v: number, a: number) => (v > 0 ? v : a * v),
  elu: (v: number, a: number) => (v > 0 ? v : a * Math.expm1(v)),
  thresholded: (v: number, t: number) => (v > t ? v : 0),
  srelu: (v: number, tl: number, al: number, tr: number, ar: number) => {
    const trr = tl + Math.abs(tr);
    return v <= tl ? tl + al * (v - tl) : v >= trr ? trr + ar * (v - trr) : v;
  },
};

async function run(layer: Layer, x: Tensor): Promise<number[]> {
  return values(layer.apply(x) as Tensor);
}

describe('advanced activations: values (Keras 1.2.2 formulas)', () => {
  it('LeakyReLU, ELU and ThresholdedReLU with default and given parameters', async () => {
    const x = randomUniform([3, 7], -3, 3);
    const xs = await values(x);
    expectClose(await run(LeakyReLU(), x), xs.map((v) => reference.leaky(v, 0.3)));
    expectClose(await run(LeakyReLU(0.1), x), xs.map((v) => reference.leaky(v, 0.1)));
    expectClose(await run(LeakyReLU({ alpha: 1.5 }), x), xs.map((v) => reference.leaky(v, 1.5)));
    expectClose(await run(ELU(), x), xs.map((v) => reference.elu(v, 1)));
    expectClose(await run(ELU({ alpha: 0.5 }), x), xs.map((v) => reference.elu(v, 0.5)));
    expectClose(await run(ThresholdedReLU(), x), xs.map((v) => reference.thresholded(v, 1)));
    expectClose(await run(ThresholdedReLU({ theta: -0.5 }), x), xs.map((v) => reference.thresholded(v, -0.5)));
  });

  it('PReLU: one α per element, or shared along shared_axes', async () => {
    const alphas = [[0.1, 0.2, 0.3], [-0.4, 0.5, 2]];
    const x = randomUniform([2, 2, 3], -2, 2);
    const xs = await values(x);
    const full = PReLU({ input_shape: [2, 3], weights: [alphas] });
    expectClose(await run(full, x), xs.map((v, i) => reference.leaky(v, alphas.flat()[i % 6]!)));
    const shared = PReLU({ shared_axes: 1, weights: [[[0.1, 0.2, 0.3]]] });
    expectClose(await run(shared, x), xs.map((v, i) => reference.leaky(v, [0.1, 0.2, 0.3][i % 3]!)));
    expect(shared.weights[0]!.shape).toEqual([1, 3]);
    // Keras's default: α = 0, a plain ReLU until trained.
    expectClose(await run(PReLU(), x), xs.map((v) => Math.max(v, 0)));
  });

  it('ParametricSoftplus: alphas·softplus(betas·x), initially 0.2 and 5', async () => {
    const x = randomUniform([2, 4], -1, 1);
    const xs = await values(x);
    expectClose(await run(ParametricSoftplus(), x), xs.map((v) => 0.2 * softplus(5 * v)), 1e-5);
    const given = ParametricSoftplus({ weights: [[1, 2, 3, 4], [0.5, -1, 1, 2]] });
    expectClose(await run(given, x), xs.map((v, i) => [1, 2, 3, 4][i % 4]! * softplus([0.5, -1, 1, 2][i % 4]! * v)), 1e-5);
    const custom = ParametricSoftplus(0.5, 2, { shared_axes: [1] });
    expectClose(await run(custom, x), xs.map((v) => 0.5 * softplus(2 * v)), 1e-5);
  });

  it('SReLU: identity between the knees t_l and t_l + |t_r|, slopes a_l and a_r outside', async () => {
    const w = [[-0.5, 0.2], [0.3, 1], [1.5, -0.5], [2, 0.1]]; // t_left, a_left, t_right, a_right for 2 units
    const layer = SReLU({ input_shape: [2], weights: w });
    const x = randomUniform([20, 2], -3, 3);
    const xs = await values(x);
    expectClose(await run(layer, x), xs.map((v, i) => reference.srelu(v, w[0]![i % 2]!, w[1]![i % 2]!, w[2]![i % 2]!, w[3]![i % 2]!)));
    expect(layer.weightNames).toEqual(['t_left', 'a_left', 't_right', 'a_right'].map((n) => `${layer.name}/${n}:0`));
    // Keras 1 defaults: t_left 0, a_right 1; a_left and t_right drawn (glorot_uniform).
    const fresh = SReLU({ shared_axes: [1, 2] });
    fresh.ensureBuilt([null, 4, 5, 3]);
    const [tl, , , ar] = await Promise.all(fresh.getWeights().map(values));
    expect(fresh.weights.map((v) => v.shape)).toEqual(Array(4).fill([1, 1, 3]));
    expect([tl, ar]).toEqual([[0, 0, 0], [1, 1, 1]]);
  });

  it('masks pass through, output shape is the input shape', () => {
    for (const l of [LeakyReLU(), ELU(), ThresholdedReLU(), PReLU(), ParametricSoftplus(), SReLU()]) {
      expect(l.supportsMasking).toBe(true);
      expect(l.computeOutputShape([null, 3, 4])).toEqual([null, 3, 4]);
    }
  });
});

describe('advanced activations: configs, weights, errors', () => {
  it('read Keras 1.2.2 configs (init, alpha_init, t_left_init) and write Keras 2 names', () => {
    const prelu = deserializeLayer({ class_name: 'PReLU', config: { name: 'prelu_1', trainable: true, init: 'one', batch_input_shape: [null, 3], input_dtype: 'float32' } });
    expect(prelu.getConfig()).toEqual({
      name: 'prelu_1', trainable: true, batch_input_shape: [null, 3], alpha_initializer: { class_name: 'Ones', config: {} },
      alpha_regularizer: null, alpha_constraint: null, shared_axes: null,
    });
    const softplus = deserializeLayer({ class_name: 'ParametricSoftplus', config: { name: 'ps', trainable: true, alpha_init: 0.3, beta_init: 4 } });
    expect(softplus.getConfig()).toMatchObject({ alpha_init: 0.3, beta_init: 4, shared_axes: null });
    const srelu = deserializeLayer({ class_name: 'SReLU', config: { name: 's', t_left_init: 'zero', a_left_init: 'glorot_uniform', t_right_init: 'glorot_uniform', a_right_init: 'one' } });
    expect(srelu.getConfig()).toMatchObject({ t_left_init: 'zero', a_left_init: 'glorot_uniform', t_right_init: 'glorot_uniform', a_right_init: 'one' });
    for (const [cls, cfg] of [['LeakyReLU', { alpha: 0.2 }], ['ELU', { alpha: 0.7 }], ['ThresholdedReLU', { theta: 0.4 }]] as const) {
      expect(deserializeLayer({ class_name: cls, config: { name: 'x', ...cfg } }).getConfig()).toEqual({ name: 'x', trainable: true, ...cfg });
    }
  });

  it('Keras 2 spellings (alpha_initializer, regularizer, constraint, keras-contrib t_left_initializer); getConfig round-trips', () => {
    const layers = [
      PReLU({ alpha_initializer: 'ones', alpha_regularizer: 'l2', alpha_constraint: 'nonneg', shared_axes: [1, 2] }), PReLU('zeros'),
      LeakyReLU(0.05), ELU(2), ThresholdedReLU(0.5), ParametricSoftplus({ alpha_init: 1, beta_init: 1, shared_axes: 2 }),
      SReLU({ t_left_initializer: 'one', a_left_initializer: 'zero', t_right_initializer: 'one', a_right_initializer: 'one' }),
    ];
    for (const l of layers) {
      const cfg = l.getConfig();
      expect(deserializeLayer({ class_name: l.className, config: cfg }).getConfig()).toEqual(cfg);
    }
    expect(layers[0]!.getConfig()).toMatchObject({
      alpha_initializer: { class_name: 'Ones' }, alpha_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } },
      alpha_constraint: { class_name: 'NonNeg' }, shared_axes: [1, 2],
    });
    expect(layers[6]!.getConfig()).toMatchObject({ t_left_init: 'one', a_left_init: 'zero' });
  });

  it('PReLU weight is named alpha (Keras 2; Keras 1 files call it <name>_alphas), shaped input_shape[1:] with shared axes 1; its penalty counts', async () => {
    const m = Sequential([PReLU({ input_shape: [4, 5, 3], shared_axes: [1, 2], alpha_regularizer: 'l1' })]);
    const p = m.layers[0]!;
    expect(p.weightNames).toEqual([`${p.name}/alpha:0`]);
    expect(p.weights[0]!.shape).toEqual([1, 1, 3]);
    p.setWeights([[[[1, -2, 3]]]]);
    expectClose(await values(p.regularizationLosses()[0]!), [0.06]);
    const ps = ParametricSoftplus({ input_shape: [2] });
    ps.ensureBuilt([null, 2]);
    expect(ps.weightNames).toEqual([`${ps.name}/alphas:0`, `${ps.name}/betas:0`]);
  });

  it('bad arguments and shapes are refused, naming the layer', () => {
    expect(() => LeakyReLU({ alpha: 'big' as never })).toThrow(/LeakyReLU: alpha must be a finite number/);
    expect(() => PReLU({ shared_axes: [0] })).toThrow(/PReLU: shared_axes must be axes >= 1/);
    expect(() => PReLU({ shared_axes: 3 }).computeOutputShape([null, 2, 2])).toThrow(/PReLU: shared axis 3 is not an axis of input \(None, 2, 2\)/);
    expect(() => Sequential([PReLU({ input_shape: [null, 3] })])).toThrow(/parameters need every axis but the batch known or shared/);
    expect(Sequential([PReLU({ input_shape: [null, 3], shared_axes: 1 })]).layers[0]!.weights[0]!.shape).toEqual([1, 3]);
    expect(() => ELU({ alpah: 1 })).toThrow(/did you mean 'alpha'/);
  });
});

describe('advanced activations: gradients', () => {
  checkLayerGrad('LeakyReLU', () => LeakyReLU(0.2), [3, 4], { min: -2, max: 2, avoid: [0] });
  checkLayerGrad('ELU', () => ELU(0.7), [3, 4], { min: -2, max: 2, avoid: [0] });
  checkLayerGrad('ThresholdedReLU', () => ThresholdedReLU(0.5), [3, 4], { min: -2, max: 2, avoid: [0.5] });
  checkLayerGrad('PReLU (shared axis 1)', () => PReLU({ shared_axes: 1, weights: [[[0.1, -0.3, 0.5]]] }), [2, 2, 3], { min: -2, max: 2, avoid: [0] });
  checkLayerGrad('ParametricSoftplus', () => ParametricSoftplus({ weights: [[0.2, 1, -0.5], [2, 0.5, 1]] }), [2, 3]);
  // Knees at t_l = −0.5 and t_l + |t_r| = 0.5 for every unit.
  checkLayerGrad('SReLU', () => SReLU({ shared_axes: 1, weights: [[[-0.5, -0.5]], [[0.3, 0.2]], [[1, -1]], [[2, 0.5]]] }), [2, 3, 2], { min: -2, max: 2, avoid: [-0.5, 0.5], margin: 0.1 });
});
