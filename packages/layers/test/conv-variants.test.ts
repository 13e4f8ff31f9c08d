import { beforeAll, describe, expect, it } from 'vitest';
import {
  AtrousConvolution1D, AtrousConvolution2D, Conv1D, Conv2D, Conv2DTranspose, Deconvolution2D, Sequential, deserializeLayer, randomUniform, transpose, type Tensor,
} from '@kerasgpu/layers';
import { checkLayerGrad } from './grad-check.js';
import { expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

/** TensorFlow's padding before, for a window over `size` cells giving `out` cells. */
function padBefore(size: number, out: number, k: number, s: number, d: number, padding: string): number {
  const eff = (k - 1) * d + 1;
  if (padding === 'valid') return 0;
  if (padding === 'full') return eff - 1;
  return Math.floor(Math.max(0, (out - 1) * s + eff - size) / 2);
}

/**
 * The transposed convolution by scattering, NHWC: every input cell adds x·W[ki, kj, f, c] to output
 * (i·s − pad + ki·d, j·s − pad + kj·d), cells outside the output dropped.
 */
function deconvLoop(x: number[], [b, h, w, c]: number[], wt: number[], [kh, kw, f]: number[], [H, W]: number[], s: number[], d: number[], padding: string): number[] {
  const y = new Array<number>(b! * H! * W! * f!).fill(0);
  const [ph, pw] = [padBefore(H!, h!, kh!, s[0]!, d[0]!, padding), padBefore(W!, w!, kw!, s[1]!, d[1]!, padding)];
  for (let n = 0; n < b!; n++) for (let i = 0; i < h!; i++) for (let j = 0; j < w!; j++) for (let ch = 0; ch < c!; ch++)
    for (let ki = 0; ki < kh!; ki++) for (let kj = 0; kj < kw!; kj++) {
      const [oi, oj] = [i * s[0]! - ph + ki * d[0]!, j * s[1]! - pw + kj * d[1]!];
      if (oi < 0 || oi >= H! || oj < 0 || oj >= W!) continue;
      for (let o = 0; o < f!; o++) y[((n * H! + oi) * W! + oj) * f! + o]! += x[((n * h! + i) * w! + j) * c! + ch]! * wt[((ki * kw! + kj) * f! + o) * c! + ch]!;
    }
  return y;
}

describe('AtrousConvolution1D / AtrousConvolution2D: Keras 1 names for dilated Conv1D / Conv2D', () => {
  it('equal Conv2D / Conv1D with dilation_rate, both orderings; write Keras 2 configs', async () => {
    const w = randomUniform([3, 2, 2, 4], -1, 1);
    const x = randomUniform([2, 9, 8, 2]);
    const atrous = AtrousConvolution2D(4, 3, 2, { atrous_rate: [2, 3], border_mode: 'same', weights: [w, [0, 1, 2, 3]] });
    const conv = Conv2D(4, [3, 2], { dilation_rate: [2, 3], padding: 'same', weights: [w, [0, 1, 2, 3]] });
    const want = await values(conv.apply(x) as Tensor);
    expectClose(await values(atrous.apply(x) as Tensor), want);
    const th = AtrousConvolution2D(4, 3, 2, { atrous_rate: [2, 3], border_mode: 'same', dim_ordering: 'th', weights: [w, [0, 1, 2, 3]] });
    expectClose(await values(transpose(th.apply(transpose(x, [0, 3, 1, 2])) as Tensor, [0, 2, 3, 1])), want);
    expect(atrous.getConfig()).toEqual({ ...conv.getConfig(), name: atrous.name });
    expect(atrous.className).toBe('Conv2D');

    const w1 = randomUniform([3, 2, 3], -1, 1);
    const seq = randomUniform([2, 10, 2]);
    const a1 = AtrousConvolution1D(3, 3, { atrous_rate: 2, weights: [w1, [0, 0, 0]] });
    expectClose(await values(a1.apply(seq) as Tensor), await values(Conv1D(3, 3, { dilation_rate: 2, weights: [w1, [0, 0, 0]] }).apply(seq) as Tensor));
    expect(a1.computeOutputShape([null, 10, 2])).toEqual([null, 6, 3]);
  });

  it('Keras 1.2.2 configs load', () => {
    const l = deserializeLayer({ class_name: 'AtrousConvolution2D', config: {
      name: 'atrousconvolution2d_1', trainable: true, nb_filter: 4, nb_row: 3, nb_col: 3, init: 'glorot_uniform', activation: 'relu',
      border_mode: 'valid', subsample: [1, 1], atrous_rate: [2, 2], dim_ordering: 'th', W_regularizer: null, b_regularizer: null,
      activity_regularizer: null, W_constraint: null, b_constraint: null, bias: true, batch_input_shape: [null, 1, 9, 9], input_dtype: 'float32',
    } });
    expect(l.getConfig()).toMatchObject({ filters: 4, kernel_size: [3, 3], dilation_rate: [2, 2], data_format: 'channels_first', activation: 'relu' });
    expect(Sequential([l]).outputs[0]!.shape).toEqual([null, 4, 5, 5]);
    const one = deserializeLayer({ class_name: 'AtrousConvolution1D', config: { name: 'a', nb_filter: 2, filter_length: 3, atrous_rate: 3, border_mode: 'same', subsample_length: 1 } });
    expect(one.getConfig()).toMatchObject({ filters: 2, kernel_size: [3], dilation_rate: [3], padding: 'same' });
  });

  checkLayerGrad('AtrousConvolution1D', () => AtrousConvolution1D(2, 2, { atrous_rate: 2, input_shape: [5, 2] }), [2, 5, 2]);
});

describe('Deconvolution2D (Keras 1, output_shape) / Conv2DTranspose (Keras 2)', () => {
  const cases = [
    { k: [3, 3], s: [2, 2], d: [1, 1], padding: 'valid' as const, x: [2, 3, 4, 2], f: 3 },
    { k: [3, 2], s: [2, 1], d: [1, 1], padding: 'same' as const, x: [1, 4, 3, 3], f: 2 },
    { k: [2, 2], s: [1, 1], d: [2, 1], padding: 'valid' as const, x: [1, 3, 3, 1], f: 2 },
    { k: [4, 3], s: [3, 2], d: [1, 1], padding: 'same' as const, x: [1, 2, 3, 2], f: 1 },
  ];
  for (const c of cases) {
    it(`kernel ${c.k.join('x')}, strides ${c.s.join('x')}, dilation ${c.d.join('x')}, ${c.padding}: scatter reference, tf and th`, async () => {
      const x = randomUniform(c.x, -1, 1);
      const w = randomUniform([...c.k, c.f, c.x[3]!], -1, 1);
      const layer = Conv2DTranspose(c.f, c.k, { strides: c.s, dilation_rate: c.d, padding: c.padding, weights: [w, new Array(c.f).fill(0.5)] });
      const y = layer.apply(x) as Tensor;
      expect([null, ...y.shape.slice(1)]).toEqual(layer.computeOutputShape([null, ...c.x.slice(1)]));
      const want = deconvLoop(await values(x), c.x, await values(w), [...c.k, c.f], y.shape.slice(1, 3), c.s, c.d, c.padding).map((v) => v + 0.5);
      expectClose(await values(y), want);
      // Keras 1 with the same size given as output_shape, channels first.
      const th = Deconvolution2D(c.f, c.k[0]!, c.k[1]!, [null, c.f, y.shape[1]!, y.shape[2]!], {
        subsample: c.s, atrous_rate: c.d, border_mode: c.padding, dim_ordering: 'th', weights: [w, new Array(c.f).fill(0.5)],
      });
      expectClose(await values(transpose(th.apply(transpose(x, [0, 3, 1, 2])) as Tensor, [0, 2, 3, 1])), want);
    });
  }

  it("output sizes: Keras 2's deconv_length, output_padding, or Keras 1's output_shape", () => {
    expect(Conv2DTranspose(3, 3, { strides: 2 }).computeOutputShape([null, 5, 5, 1])).toEqual([null, 11, 11, 3]);
    expect(Conv2DTranspose(3, 3, { strides: 2, padding: 'same' }).computeOutputShape([null, 5, 5, 1])).toEqual([null, 10, 10, 3]);
    expect(Conv2DTranspose(3, 3, { strides: 2, padding: 'same', output_padding: 0 }).computeOutputShape([null, 5, 5, 1])).toEqual([null, 9, 9, 3]);
    expect(Conv2DTranspose(3, 2, { strides: 3, data_format: 'channels_first' }).computeOutputShape([null, 1, 4, null])).toEqual([null, 3, 12, null]);
    // Stride 2 'valid' 3x3 maps both 11 and 12 rows to 5: Keras 1 says which.
    const k1 = Deconvolution2D(3, 3, 3, [null, 12, 12, 3], { subsample: [2, 2] });
    expect(k1.computeOutputShape([null, 5, 5, 1])).toEqual([null, 12, 12, 3]);
    const y = k1.apply(randomUniform([2, 5, 5, 1])) as Tensor;
    expect(y.shape).toEqual([2, 12, 12, 3]);
  });

  it('kernel is [rows, cols, filters, in]; configs: Keras 1 in, Keras 2 out, output_shape kept, round trip', () => {
    const m = Sequential([Deconvolution2D(4, 3, 2, [null, 7, 6, 4], { input_shape: [5, 5, 2], border_mode: 'valid' })]);
    const l = m.layers[0]!;
    expect(l.weights.map((v) => v.shape)).toEqual([[3, 2, 4, 2], [4]]);
    expect(l.weightNames).toEqual([`${l.name}/kernel:0`, `${l.name}/bias:0`]);
    expect(l.className).toBe('Conv2DTranspose');
    const cfg = l.getConfig();
    expect(cfg).toMatchObject({ filters: 4, kernel_size: [3, 2], padding: 'valid', output_padding: null, output_shape: [null, 7, 6, 4] });
    expect(deserializeLayer({ class_name: 'Conv2DTranspose', config: cfg }).getConfig()).toEqual(cfg);
    const k1 = deserializeLayer({ class_name: 'Deconvolution2D', config: {
      name: 'deconvolution2d_1', trainable: true, nb_filter: 2, nb_row: 3, nb_col: 3, output_shape: [null, 2, 14, 14], init: 'glorot_uniform', activation: 'linear',
      border_mode: 'valid', subsample: [2, 2], dim_ordering: 'th', W_regularizer: null, b_regularizer: null, activity_regularizer: null, W_constraint: null, b_constraint: null, bias: true,
    } });
    expect(k1.computeOutputShape([null, 3, 6, 6])).toEqual([null, 2, 14, 14]);
    const k2 = Conv2DTranspose(2, [3, 3], { strides: [2, 1], output_padding: [1, 0] });
    expect(deserializeLayer({ class_name: 'Conv2DTranspose', config: k2.getConfig() }).getConfig()).toEqual(k2.getConfig());
  });

  it('bad arguments are refused, naming the layer', () => {
    expect(() => Deconvolution2D(2, 3, 3, [7, 7] as never)).toThrow(/Deconvolution2D: output_shape must be \(batch, rows, cols, filters\)/);
    expect(() => Conv2DTranspose(2, 3, { strides: 2, output_padding: 2 })).toThrow(/Conv2DTranspose: output_padding must be non-negative integers below the strides/);
    const wrong = Deconvolution2D(2, 3, 3, [null, 9, 9, 2], { input_shape: [5, 5, 1] });
    expect(() => wrong.apply(randomUniform([1, 5, 5, 1]))).toThrow(/conv2dTranspose: output shape \[1, 9, 9, 2\] would convolve to 7×7, not the input's 5×5/);
  });

  checkLayerGrad('Deconvolution2D th', () => Deconvolution2D(2, 2, 3, [null, 2, 5, 5], { subsample: [2, 2], border_mode: 'same', dim_ordering: 'th', bias: true }), [1, 2, 3, 3]);
  checkLayerGrad('Conv2DTranspose', () => Conv2DTranspose(2, 2, { strides: [1, 2] }), [2, 3, 2, 2]);
});
