import { beforeAll, describe, expect, it } from 'vitest';
import { Highway, Sequential, deserializeLayer, randomUniform, type Tensor } from '@kerasgpu/layers';
import { checkLayerGrad } from './grad-check.js';
import { expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('Highway (Keras 1; Keras 2 legacy)', () => {
  it('t = sigmoid(x·W_carry + b_carry); y = t·activation(x·W + b) + (1 − t)·x', async () => {
    const D = 3;
    const [x, w, wc, b, bc] = [randomUniform([4, D], -1, 1), randomUniform([D, D], -1, 1), randomUniform([D, D], -1, 1), randomUniform([D], -1, 1), randomUniform([D], -1, 1)];
    const layer = Highway({ activation: 'tanh', weights: [w, wc, b, bc] });
    const [xs, ws, wcs, bs, bcs] = (await Promise.all([x, w, wc, b, bc].map(values))) as number[][] as [number[], number[], number[], number[], number[]];
    const want: number[] = [];
    for (let n = 0; n < 4; n++) for (let j = 0; j < D; j++) {
      let h = bs[j]!, c = bcs[j]!;
      for (let i = 0; i < D; i++) { h += xs[n * D + i]! * ws[i * D + j]!; c += xs[n * D + i]! * wcs[i * D + j]!; }
      const t = sigmoid(c);
      want.push(t * Math.tanh(h) + (1 - t) * xs[n * D + j]!);
    }
    expectClose(await values(layer.apply(x) as Tensor), want);
  });

  it("weights W, W_carry, b, b_carry in Keras's order; b_carry starts at 1, or at Keras 1.0's transform_bias", async () => {
    const m = Sequential([Highway({ input_dim: 4 })]);
    const h = m.layers[0]!;
    expect(h.weightNames).toEqual(['W', 'W_carry', 'b', 'b_carry'].map((n) => `${h.name}/${n}:0`));
    expect(h.weights.map((v) => v.shape)).toEqual([[4, 4], [4, 4], [4], [4]]);
    expect(await values(h.getWeights()[3]!)).toEqual([1, 1, 1, 1]);
    const old = Highway({ transform_bias: -2, input_dim: 2 });
    old.ensureBuilt([null, 2]);
    expect(await values(old.getWeights()[3]!)).toEqual([-2, -2]);
    expect(Highway({ bias: false, input_dim: 2 }).getConfig()).toMatchObject({ bias: false });
    const noBias = Highway({ bias: false });
    noBias.ensureBuilt([null, 2]);
    expect(noBias.weights).toHaveLength(2);
  });

  it('Keras 1.2.2 config in, Keras 1 names out, round trip; errors', () => {
    const k1 = deserializeLayer({ class_name: 'Highway', config: {
      name: 'highway_1', trainable: true, init: 'glorot_uniform', activation: 'relu', W_regularizer: { name: 'WeightRegularizer', l1: 0, l2: 0.01 },
      b_regularizer: null, activity_regularizer: null, W_constraint: null, b_constraint: null, bias: true, input_dim: 5, batch_input_shape: [null, 5],
    } });
    const cfg = k1.getConfig();
    expect(cfg).toMatchObject({ name: 'highway_1', init: 'glorot_uniform', activation: 'relu', W_regularizer: { class_name: 'L1L2', config: { l2: 0.01 } }, bias: true, batch_input_shape: [null, 5] });
    expect(deserializeLayer({ class_name: 'Highway', config: cfg }).getConfig()).toEqual(cfg);
    expect(() => Sequential([Highway({ input_shape: [2, 3] })])).toThrow(/Highway expects inputs \[batch, dim\]/);
    expect(() => Highway({ transform_bias: 'x' as never })).toThrow(/Highway: transform_bias must be a finite number/);
  });

  checkLayerGrad('Highway', () => Highway({ activation: 'tanh' }), [3, 4]);
});
