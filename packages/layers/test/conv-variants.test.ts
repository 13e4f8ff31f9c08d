import { beforeAll, describe, expect, it } from 'vitest';
import {
  AtrousConvolution1D, AtrousConvolution2D, Conv1D, Conv2D, Conv2DTranspose, Deconvolution2D, LocallyConnected1D, LocallyConnected2D,
  SeparableConv2D, SeparableConvolution2D, Sequential, deserializeLayer, randomUniform, transpose, type Tensor,
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
  checkLayerGrad('AtrousConvolution2D th', () => AtrousConvolution2D(2, 2, 2, { atrous_rate: [2, 1], dim_ordering: 'th', border_mode: 'same' }), [1, 2, 4, 3]);
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

describe('LocallyConnected1D / LocallyConnected2D: a different kernel at every output position', () => {
  it('1-D: y[i] = window(i)·W[i] + b[i], features (step, channel)', async () => {
    const [B, L, C, K, S, F] = [2, 7, 3, 3, 2, 2];
    const out = Math.ceil((L - K + 1) / S);
    const x = randomUniform([B, L, C], -1, 1), w = randomUniform([out, K * C, F], -1, 1), b = randomUniform([out, F]);
    const layer = LocallyConnected1D(F, K, { subsample_length: S, weights: [w, b] });
    const [xs, ws, bs] = (await Promise.all([x, w, b].map(values))) as [number[], number[], number[]];
    const want: number[] = [];
    for (let n = 0; n < B; n++) for (let i = 0; i < out; i++) for (let f = 0; f < F; f++) {
      let v = bs[i * F + f]!;
      for (let k = 0; k < K; k++) for (let c = 0; c < C; c++) v += xs[(n * L + i * S + k) * C + c]! * ws[(i * K * C + k * C + c) * F + f]!;
      want.push(v);
    }
    expectClose(await values(layer.apply(x) as Tensor), want);
    expect(layer.weights.map((v) => v.shape)).toEqual([[out, K * C, F], [out, F]]);
  });

  for (const th of [false, true]) {
    it(`2-D ${th ? 'th: window features (channel, row, col), bias read as (filters, rows, cols)' : 'tf: window features (row, col, channel)'}`, async () => {
      const [B, H, W, C, KH, KW, SH, SW, F] = [2, 5, 6, 2, 2, 3, 2, 1, 3];
      const [OH, OW] = [Math.ceil((H - KH + 1) / SH), Math.ceil((W - KW + 1) / SW)];
      const x = randomUniform([B, H, W, C], -1, 1), w = randomUniform([OH * OW, KH * KW * C, F], -1, 1), b = randomUniform([OH, OW, F]);
      const layer = LocallyConnected2D(F, KH, KW, { subsample: [SH, SW], dim_ordering: th ? 'th' : 'tf', weights: [w, b], activation: 'tanh' });
      const [xs, ws, bs] = (await Promise.all([x, w, b].map(values))) as [number[], number[], number[]];
      const want: number[] = [];
      for (let n = 0; n < B; n++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) for (let f = 0; f < F; f++) {
        let v = th ? bs[(f * OH + i) * OW + j]! : bs[(i * OW + j) * F + f]!;
        for (let a = 0; a < KH; a++) for (let bb = 0; bb < KW; bb++) for (let c = 0; c < C; c++) {
          const feature = th ? (c * KH + a) * KW + bb : (a * KW + bb) * C + c;
          v += xs[((n * H + i * SH + a) * W + j * SW + bb) * C + c]! * ws[((i * OW + j) * KH * KW * C + feature) * F + f]!;
        }
        want.push(Math.tanh(v));
      }
      const y = (th ? transpose(layer.apply(transpose(x, [0, 3, 1, 2])) as Tensor, [0, 2, 3, 1]) : layer.apply(x)) as Tensor;
      expectClose(await values(y), want);
    });
  }

  it('configs (Keras 1 nb_row / nb_col, Keras 2 kernel_size), positional forms, errors', () => {
    const k1 = deserializeLayer({ class_name: 'LocallyConnected2D', config: {
      name: 'lc', trainable: true, nb_filter: 3, nb_row: 2, nb_col: 2, init: 'glorot_uniform', activation: 'relu', border_mode: 'valid', subsample: [1, 1],
      dim_ordering: 'tf', W_regularizer: null, b_regularizer: null, activity_regularizer: null, W_constraint: null, b_constraint: null, bias: true,
    } });
    expect(k1.getConfig()).toMatchObject({ filters: 3, kernel_size: [2, 2], strides: [1, 1], padding: 'valid', data_format: 'channels_last', activation: 'relu' });
    expect(k1.getConfig()).not.toHaveProperty('dilation_rate');
    for (const l of [LocallyConnected2D(2, [3, 1], { strides: 2 }), LocallyConnected1D(4, 2, { use_bias: false })]) {
      expect(deserializeLayer({ class_name: l.className, config: l.getConfig() }).getConfig()).toEqual(l.getConfig());
    }
    expect(LocallyConnected1D(4, 2).getConfig()).not.toHaveProperty('data_format');
    expect(Sequential([LocallyConnected1D(4, 3, { input_dim: 2, input_length: 6 })]).outputs[0]!.shape).toEqual([null, 4, 4]);
    expect(() => LocallyConnected2D(2, 3, { padding: 'same' })).toThrow(/LocallyConnected2D: only 'valid' padding/);
    expect(() => Sequential([LocallyConnected1D(2, 3, { input_shape: [null, 2] })])).toThrow(/LocallyConnected1D needs every spatial size known/);
  });

  checkLayerGrad('LocallyConnected1D', () => LocallyConnected1D(2, 2, { subsample_length: 2 }), [2, 5, 2]);
  checkLayerGrad('LocallyConnected2D th', () => LocallyConnected2D(2, 2, 2, { dim_ordering: 'th' }), [1, 2, 3, 3]);
});

describe('SeparableConvolution2D / SeparableConv2D', () => {
  const cases = [
    { k: [3, 3], s: [1, 1], padding: 'valid' as const, m: 1, x: [2, 5, 5, 3], f: 4 },
    { k: [2, 3], s: [2, 1], padding: 'same' as const, m: 2, x: [1, 5, 4, 2], f: 3 },
  ];
  for (const c of cases) {
    it(`kernel ${c.k.join('x')}, strides ${c.s.join('x')}, ${c.padding}, multiplier ${c.m}: depthwise then pointwise, tf and th`, async () => {
      const [B, H, W, C] = c.x as [number, number, number, number];
      const x = randomUniform(c.x, -1, 1), dw = randomUniform([...c.k, C, c.m], -1, 1), pw = randomUniform([1, 1, C * c.m, c.f], -1, 1), bias = randomUniform([c.f]);
      const layer = SeparableConv2D(c.f, c.k, { strides: c.s, padding: c.padding, depth_multiplier: c.m, weights: [dw, pw, bias] });
      const y = layer.apply(x) as Tensor;
      const [OH, OW] = y.shape.slice(1, 3) as [number, number];
      const [ph, pw0] = [padBefore(H, OH, c.k[0]!, c.s[0]!, 1, c.padding), padBefore(W, OW, c.k[1]!, c.s[1]!, 1, c.padding)];
      const [xs, dws, pws, bs] = (await Promise.all([x, dw, pw, bias].map(values))) as [number[], number[], number[], number[]];
      const want: number[] = [];
      for (let n = 0; n < B; n++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
        const depth = new Array<number>(C * c.m).fill(0);
        for (let ch = 0; ch < C; ch++) for (let q = 0; q < c.m; q++) for (let a = 0; a < c.k[0]!; a++) for (let bb = 0; bb < c.k[1]!; bb++) {
          const [r, col] = [i * c.s[0]! - ph + a, j * c.s[1]! - pw0 + bb];
          if (r < 0 || r >= H || col < 0 || col >= W) continue;
          depth[ch * c.m + q]! += xs[((n * H + r) * W + col) * C + ch]! * dws[((a * c.k[1]! + bb) * C + ch) * c.m + q]!;
        }
        for (let f = 0; f < c.f; f++) want.push(bs[f]! + depth.reduce((acc, v, d) => acc + v * pws[d * c.f + f]!, 0));
      }
      expectClose(await values(y), want);
      const th = SeparableConvolution2D(c.f, c.k[0]!, c.k[1]!, { subsample: c.s, border_mode: c.padding, depth_multiplier: c.m, dim_ordering: 'th', weights: [dw, pw, bias] });
      expectClose(await values(transpose(th.apply(transpose(x, [0, 3, 1, 2])) as Tensor, [0, 2, 3, 1])), want);
    });
  }

  it('weights depthwise_kernel, pointwise_kernel, bias; Keras 1 config in, Keras 2 out; round trip', () => {
    const k1 = deserializeLayer({ class_name: 'SeparableConvolution2D', config: {
      name: 'sep', trainable: true, nb_filter: 4, nb_row: 3, nb_col: 3, init: 'he_normal', activation: 'relu', border_mode: 'same', subsample: [1, 1],
      depth_multiplier: 2, dim_ordering: 'tf', depthwise_regularizer: { name: 'WeightRegularizer', l1: 0, l2: 0.01 }, pointwise_regularizer: null,
      b_regularizer: null, activity_regularizer: null, depthwise_constraint: null, pointwise_constraint: null, b_constraint: null, bias: true,
    } });
    k1.ensureBuilt([null, 6, 6, 3]);
    expect(k1.weightNames).toEqual(['depthwise_kernel', 'pointwise_kernel', 'bias'].map((n) => `sep/${n}:0`));
    expect(k1.weights.map((v) => v.shape)).toEqual([[3, 3, 3, 2], [1, 1, 6, 4], [4]]);
    expect(k1.regularizationLosses()).toHaveLength(1);
    const cfg = k1.getConfig();
    expect(cfg).toMatchObject({
      filters: 4, kernel_size: [3, 3], padding: 'same', depth_multiplier: 2, activation: 'relu',
      depthwise_initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in' } }, depthwise_regularizer: { class_name: 'L1L2', config: { l2: 0.01 } },
    });
    expect(cfg).not.toHaveProperty('kernel_initializer');
    expect(deserializeLayer({ class_name: 'SeparableConv2D', config: cfg }).getConfig()).toEqual(cfg);
    expect(() => SeparableConv2D(2, 3, { kernel_regularizer: 'l2' })).toThrow(/SeparableConv2D: a separable convolution has depthwise and pointwise kernels/);
    expect(() => SeparableConv2D(2, 3, { depth_multiplier: 0 })).toThrow(/depth_multiplier must be a positive integer/);
  });

  checkLayerGrad('SeparableConv2D', () => SeparableConv2D(2, 2, { depth_multiplier: 2, padding: 'same', strides: 2 }), [1, 3, 4, 2]);
});
