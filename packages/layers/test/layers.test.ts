import { beforeAll, describe, expect, it } from 'vitest';
import {
  AveragePooling2D, BatchNormalization, GlobalAveragePooling1D, Bidirectional, Conv1D, Conv2D, Convolution2D, Dense, Embedding, Flatten, GRU, GlobalAveragePooling2D,
  Input, LSTM, Masking, MaxPooling1D, MaxPooling2D, Merge, Model, Permute, RepeatVector, Reshape, Sequential, SimpleRNN, TimeDistributed,
  TimeDistributedDense, UpSampling2D, ZeroPadding2D, Concatenate, Add, Lambda, Layer, MaxoutDense, deserializeLayer, tensor, transpose, type Tensor,
} from '@kerasgpu/layers';
import { expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

const hs = (x: number) => Math.min(1, Math.max(0, 0.2 * x + 0.5));

describe('layer numerics against hand-computed values', () => {
  it('Dense: x·W + b then the activation', async () => {
    const d = Dense(2, { activation: 'relu', weights: [[[1, -1], [2, 0.5]], [0.5, -3]] });
    const y = d.apply(tensor([[1, 2], [-1, 1]])) as Tensor;
    // [1+4+0.5, -1+1-3] = [5.5, -3] → relu; [-1+2+0.5, 1+0.5-3] = [1.5, -1.5] → relu
    expectClose(await values(y), [5.5, 0, 1.5, 0]);
  });

  it("Dense with Keras 2.2's 'swish': x·sigmoid(x)", async () => {
    const d = Dense(1, { activation: 'swish', weights: [[[1], [2]], [0]] });
    const y = d.apply(tensor([[1, 0.5], [-1, -1]])) as Tensor;
    expectClose(await values(y), [2 / (1 + Math.exp(-2)), -3 / (1 + Math.exp(3))]);
    expect(d.getConfig().activation).toBe('swish');
  });

  it('LSTM with the default hard_sigmoid inner activation over two steps', async () => {
    const k = [0.1, 0.2, 0.3, 0.4], u = [0.5, 0.6, 0.7, 0.8], b = [0, 1, 0, 0];
    const lstm = LSTM(1, { input_shape: [2, 1], weights: [[k], [u], b] });
    const y = lstm.apply(tensor([[[1], [2]]])) as Tensor;
    let h = 0, c = 0;
    for (const x of [1, 2]) {
      const z = k.map((kk, j) => x * kk + h * u[j]! + b[j]!);
      const [i, f, o] = [hs(z[0]!), hs(z[1]!), hs(z[3]!)];
      c = f * c + i * Math.tanh(z[2]!);
      h = o * Math.tanh(c);
    }
    expectClose(await values(y), [h]);
    expect(lstm.getConfig().recurrent_activation).toBe('hard_sigmoid');
  });

  it('LSTM with activations the fused cell lacks (softsign) uses the same math in ops', async () => {
    const k = [0.1, 0.2, 0.3, 0.4], u = [0.5, 0.6, 0.7, 0.8], b = [0, 1, 0, 0];
    const lstm = LSTM(1, { input_shape: [1, 1], activation: 'softsign', weights: [[k], [u], b] });
    const ss = (x: number) => x / (1 + Math.abs(x));
    const z = k.map((kk, j) => kk + b[j]!);
    const c = hs(z[0]!) * ss(z[2]!);
    expectClose(await values(lstm.apply(tensor([[[1]]])) as Tensor), [hs(z[3]!) * ss(c)]);
  });

  it('GRU and SimpleRNN single steps', async () => {
    const gru = GRU(1, { input_shape: [1, 1], weights: [[[0.1, 0.2, 0.3]], [[0.4, 0.5, 0.6]], [0, 0, 0.1]] });
    // h0 = 0: z = hs(0.1), r = hs(0.2), hh = tanh(0.3 + 0.1), h = (1 - z)·hh
    expectClose(await values(gru.apply(tensor([[[1]]])) as Tensor), [(1 - hs(0.1)) * Math.tanh(0.4)]);
    const rnn = SimpleRNN(1, { input_shape: [2, 1], weights: [[[0.5]], [[2]], [0.1]] });
    const h1 = Math.tanh(0.5 + 0.1);
    expectClose(await values(rnn.apply(tensor([[[1], [1]]])) as Tensor), [Math.tanh(0.5 + 2 * h1 + 0.1)]);
  });

  it('Conv2D: window sums by hand, and th ordering equals tf on transposed data', async () => {
    const x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
    const ones = [[[[1]], [[1]]], [[[1]], [[1]]]]; // [2, 2, 1, 1]
    const tf = Conv2D(1, 2, { input_shape: [3, 3, 1], weights: [ones, [0]] });
    const yTf = tf.apply(tensor(x.map((r) => r.map((v) => [v])), [1, 3, 3, 1])) as Tensor;
    expectClose(await values(yTf), [12, 16, 24, 28]);
    // Random kernel, 2 input channels: th on NCHW equals tf on NHWC, transposed back.
    const kernel = Array.from({ length: 3 * 3 * 2 * 3 }, (_, i) => Math.sin(i));
    const data = Array.from({ length: 2 * 5 * 4 * 2 }, (_, i) => Math.cos(i));
    const nhwc = tensor(data, [2, 5, 4, 2]);
    const w = tensor(kernel, [3, 3, 2, 3]);
    const a = Convolution2D(3, 3, 3, { border_mode: 'same', subsample: [2, 1], dim_ordering: 'tf', input_shape: [5, 4, 2], weights: [w, [0.1, 0.2, 0.3]] });
    const b = Convolution2D(3, 3, 3, { border_mode: 'same', subsample: [2, 1], dim_ordering: 'th', input_shape: [2, 5, 4], weights: [w, [0.1, 0.2, 0.3]] });
    const ya = a.apply(nhwc) as Tensor;
    const yb = b.apply(transpose(nhwc, [0, 3, 1, 2])) as Tensor;
    expect(yb.shape).toEqual([2, 3, 3, 4]);
    expectClose(await values(transpose(yb, [0, 2, 3, 1])), await values(ya));
    expect(b.computeOutputShape([null, 2, 5, 4])).toEqual([null, 3, 3, 4]);
  });

  it('Conv1D and MaxPooling1D on sequences', async () => {
    const conv = Conv1D(1, 2, { input_shape: [4, 1], weights: [[[[1]], [[-1]]], [0]] });
    const y = conv.apply(tensor([[[1], [3], [2], [5]]])) as Tensor;
    expectClose(await values(y), [-2, 1, -3]);
    const pool = MaxPooling1D({ pool_length: 2 });
    expectClose(await values(pool.apply(tensor([[[1], [3], [2], [5]]])) as Tensor), [3, 5]);
  });

  it("Conv1D padding 'causal': y_t = w0·x_(t-d) + w1·x_t, earlier steps padded with zeros, any stride", async () => {
    const x = tensor([[[1], [2], [3], [4]]]);
    const causal = (strides: number) => Conv1D(1, 2, { input_shape: [4, 1], padding: 'causal', dilation_rate: 2, strides, weights: [[[[1]], [[10]]], [0]] });
    const conv = causal(1);
    expectClose(await values(conv.apply(x) as Tensor), [10, 20, 31, 42]);
    expect(conv.computeOutputShape([null, 4, 1])).toEqual([null, 4, 1]);
    expect(conv.getConfig().padding).toBe('causal');
    // Keras: a causal output has ceil(steps / strides) steps, the window ending at steps 0, 2, ...
    expectClose(await values(causal(2).apply(x) as Tensor), [10, 31]);
    expect(causal(2).computeOutputShape([null, 4, 1])).toEqual([null, 2, 1]);
    expect(() => Conv2D(1, 2, { padding: 'causal' })).toThrow(/causal.*1-D/);
  });

  it("Conv1D data_format 'channels_first' equals channels_last on the transposed input", async () => {
    const weights = [[[[1, 0.5], [2, -1]], [[0, 3], [-2, 1]]], [0.1, -0.2]];
    const x = tensor([[[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]]); // (1, 2 channels, 5 steps)
    const first = Conv1D(2, 2, { data_format: 'channels_first', padding: 'same', dilation_rate: 2, weights });
    const last = Conv1D(2, 2, { padding: 'same', dilation_rate: 2, weights });
    const y = first.apply(x) as Tensor;
    expect(y.shape).toEqual([1, 2, 5]);
    expectClose(await values(y), await values(transpose(last.apply(transpose(x, [0, 2, 1])) as Tensor, [0, 2, 1])));
  });

  it("Keras 2's data_format 'channels_first' on Flatten, MaxPooling1D and GlobalAveragePooling1D: the channel axis moved last first", async () => {
    const x = tensor([[[1, 2, 3, 4], [5, 6, 7, 8]]]); // (1, 2 channels, 4 steps)
    const xt = transpose(x, [0, 2, 1]);
    const cf = { data_format: 'channels_first' } as const;
    const same = async (first: Layer, last: Layer, back: boolean) => {
      const y = first.apply(x) as Tensor;
      const want = last.apply(xt) as Tensor;
      expectClose(await values(y), await values(back ? transpose(want, [0, 2, 1]) : want));
      return y.shape;
    };
    expect(await same(Flatten(cf), Flatten(), false)).toEqual([1, 8]);
    expectClose(await values(Flatten(cf).apply(x) as Tensor), [1, 5, 2, 6, 3, 7, 4, 8]);
    expect(await same(MaxPooling1D(cf), MaxPooling1D(), true)).toEqual([1, 2, 2]);
    expect(await same(GlobalAveragePooling1D(cf), GlobalAveragePooling1D(), false)).toEqual([1, 2]);
    // Without data_format these layers are channels_last, as Keras 1 (which had none) and Keras 2's default.
    expect(Flatten().getConfig().data_format).toBeUndefined();
    expect(deserializeLayer({ class_name: 'Flatten', config: Flatten(cf).getConfig() }).getConfig().data_format).toBe('channels_first');
  });

  it("BatchNormalization takes tf.keras's one-axis list ([2]) as that axis; several axes are refused", async () => {
    const weights = [[2, 3], [1, -1], [0.5, 1], [4, 9]];
    const x = tensor([[[1, 2], [3, 4]]]);
    const fromList = BatchNormalization({ axis: [2], epsilon: 0, weights }).apply(x) as Tensor;
    expectClose(await values(fromList), await values(BatchNormalization({ axis: 2, epsilon: 0, weights }).apply(x) as Tensor));
    expectClose(await values(fromList), [2 * 0.25 + 1, 3 * (1 / 3) - 1, 2 * 1.25 + 1, 3 * 1 - 1]);
    expect(() => BatchNormalization({ axis: [1, 2] as never })).toThrow(/axis must be one integer.*\[1,2\]/);
  });

  it('pooling, padding, upsampling and global pooling', async () => {
    const x = tensor([[[[1], [2]], [[3], [4]]]]); // [1, 2, 2, 1]
    expectClose(await values(MaxPooling2D().apply(x) as Tensor), [4]);
    expectClose(await values(AveragePooling2D().apply(x) as Tensor), [2.5]);
    expectClose(await values(GlobalAveragePooling2D().apply(x) as Tensor), [2.5]);
    const p = ZeroPadding2D([1, 0]).apply(x) as Tensor;
    expect(p.shape).toEqual([1, 4, 2, 1]);
    expectClose(await values(p), [0, 0, 1, 2, 3, 4, 0, 0]);
    const u = UpSampling2D([1, 2]).apply(x) as Tensor;
    expectClose(await values(u), [1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('BatchNormalization: batch statistics in training, moving statistics at inference', async () => {
    const bn = BatchNormalization({ input_shape: [1] });
    const x = tensor([[1], [3]]);
    bn.ensureBuilt([null, 1]);
    const yTrain = bn.invoke(x, { training: true }) as Tensor;
    const s = Math.sqrt(1 + 1e-3);
    expectClose(await values(yTrain), [-1 / s, 1 / s]);
    const [, , mean, variance] = bn.getWeights();
    expectClose(await values(mean!), [0.02]);
    expectClose(await values(variance!), [0.99 + 0.01]);
    const yTest = bn.apply(x) as Tensor;
    expectClose(await values(yTest), [(1 - 0.02) / s, (3 - 0.02) / s]);
    expect(bn.weightNames).toEqual([`${bn.name}/gamma:0`, `${bn.name}/beta:0`, `${bn.name}/moving_mean:0`, `${bn.name}/moving_variance:0`]);
    expect(bn.trainableWeights).toHaveLength(2);
  });

  it('Embedding looks rows up; maskZero masks padding for the LSTM after it', async () => {
    const emb = Embedding(3, 2, { input_length: 2, weights: [[[0, 0], [1, 2], [3, 4]]] });
    expectClose(await values(emb.apply(tensor([[2, 1]], undefined, 'int32')) as Tensor), [3, 4, 1, 2]);
    const m = Sequential([Embedding(5, 2, { input_length: 3, mask_zero: true }), LSTM(2, { return_sequences: true })]);
    const out = m.predict(tensor([[1, 2, 0]])) as Tensor;
    const v = await values(out);
    // At the masked last step the output repeats the previous one.
    expectClose(v.slice(4), v.slice(2, 4));
  });

  it('Masking zeroes masked timesteps and masks the RNN', async () => {
    const m = Sequential([Masking({ mask_value: 0, input_shape: [3, 1] }), SimpleRNN(1, { weights: [[[1]], [[0]], [0]], return_sequences: true })]);
    const v = await values(m.predict(tensor([[[1], [0], [2]]])) as Tensor);
    expectClose(v, [Math.tanh(1), Math.tanh(1), Math.tanh(2)]);
  });

  it('shape layers: Flatten, Reshape, Permute, RepeatVector, Lambda', async () => {
    const m = Sequential([Reshape([2, 3], { input_shape: [6] }), Permute([2, 1]), Flatten(), RepeatVector(2), Lambda((x) => transpose(x as Tensor, [0, 2, 1]))]);
    expect(m.outputs[0]!.shape).toEqual([null, 6, 2]);
    const v = await values(m.predict(tensor([[0, 1, 2, 3, 4, 5]])) as Tensor);
    expectClose(v, [0, 0, 3, 3, 1, 1, 4, 4, 2, 2, 5, 5]);
  });

  it('merge modes: concat, sum, mul, ave, max, dot, cos', async () => {
    const a = Input({ shape: [2] }), b = Input({ shape: [2] });
    const modes = ['concat', 'sum', 'mul', 'ave', 'max', 'dot', 'cos'] as const;
    const outs = modes.map((mode) => Merge({ mode }).apply([a, b]));
    const model = Model({ inputs: [a, b], outputs: outs as never });
    const r = model.predict([tensor([[1, 2]]), tensor([[3, -1]])]) as Tensor[];
    const got = await Promise.all(r.map(values));
    expect(got[0]).toEqual([1, 2, 3, -1]);
    expectClose(got[1]!, [4, 1]);
    expectClose(got[2]!, [3, -2]);
    expectClose(got[3]!, [2, 0.5]);
    expectClose(got[4]!, [3, 2]);
    expectClose(got[5]!, [1]);
    expectClose(got[6]!, [1 / (Math.sqrt(5) * Math.sqrt(10))]);
  });

  it('wrappers: TimeDistributed(Dense), TimeDistributedDense, Bidirectional, MaxoutDense', async () => {
    const td = Sequential([TimeDistributed(Dense(2, { weights: [[[1, 2]], [0, 1]] }), { input_shape: [3, 1] })]);
    expectClose(await values(td.predict(tensor([[[1], [2], [3]]])) as Tensor), [1, 3, 2, 5, 3, 7]);
    const tdd = Sequential([TimeDistributedDense(4, { input_dim: 3, input_length: 5 })]);
    expect(tdd.outputs[0]!.shape).toEqual([null, 5, 4]);
    const bi = Sequential([Bidirectional(LSTM(3, { return_sequences: true }), { input_shape: [4, 2] })]);
    expect(bi.outputs[0]!.shape).toEqual([null, 4, 6]);
    expect(bi.weights).toHaveLength(6);
    expect((bi.predict(tensor(new Float32Array(8), [1, 4, 2])) as Tensor).shape).toEqual([1, 4, 6]);
    const mo = MaxoutDense(1, { input_dim: 1, nb_feature: 2, weights: [[[[1]], [[-1]]], [[0], [0.5]]] });
    expectClose(await values(mo.apply(tensor([[2], [-2]])) as Tensor), [2, 2.5]);
  });

  it('Keras 2 merge layers in a functional model with two outputs', () => {
    const a = Input({ shape: [4] });
    const h1 = Dense(3).apply(a);
    const h2 = Dense(3).apply(a);
    const m = Model({ inputs: a, outputs: [Concatenate().apply([h1, h2]), Add().apply([h1, h2])] as never });
    expect(m.outputs.map((o) => o.shape)).toEqual([[null, 6], [null, 3]]);
  });

  it('wrappers build their inner layer from its config; TimeDistributedDense reads a Keras 1 config', async () => {
    const td = TimeDistributed.fromConfig({ name: 'td', layer: { class_name: 'Dense', config: { units: 3, activation: 'tanh' } } });
    expect(td.layer.className).toBe('Dense');
    expect(td.applySymbolic(Input({ shape: [5, 4] }))).toMatchObject({ shape: [null, 5, 3] });
    const bi = Bidirectional.fromConfig({ layer: { class_name: 'LSTM', config: { units: 2, return_sequences: true } }, merge_mode: 'sum' });
    expect(bi.applySymbolic(Input({ shape: [5, 4] }))).toMatchObject({ shape: [null, 5, 2] });
    for (const l of [td, bi]) expect(deserializeLayer({ class_name: l.className, config: l.getConfig() }).getConfig()).toEqual(l.getConfig());
    // A user class inside a wrapper comes from customObjects.
    class Twice extends Layer {}
    const custom = deserializeLayer({ class_name: 'TimeDistributed', config: { layer: { class_name: 'Twice', config: {} } } }, { Twice });
    expect((custom as TimeDistributed).layer).toBeInstanceOf(Twice);
    // Keras 1.2's TimeDistributedDense config (nulls, Keras 1 names and an input_dtype it no longer needs).
    const keras1 = {
      name: 'timedistributeddense_1', output_dim: 3, init: 'glorot_uniform', activation: 'linear', W_regularizer: null, b_regularizer: null,
      activity_regularizer: null, W_constraint: null, b_constraint: null, bias: true, input_dim: 4, input_length: 5, trainable: true,
      batch_input_shape: [null, 5, 4], input_dtype: 'float32',
    };
    const tdd = deserializeLayer({ class_name: 'TimeDistributedDense', config: keras1 });
    expect(tdd).toBeInstanceOf(TimeDistributedDense);
    expect(tdd.name).toBe('timedistributeddense_1');
    const m = Sequential([tdd]);
    expect(m.outputs[0]!.shape).toEqual([null, 5, 3]);
    expect(tdd.getConfig()).toMatchObject({ name: 'timedistributeddense_1', layer: { class_name: 'Dense', config: { units: 3, activation: 'linear', use_bias: true } } });
  });

  it('getConfig / fromConfig round trip rebuilds an identical layer (Keras 2 names)', () => {
    const layers = [
      Dense(3, { input_dim: 4, activation: 'tanh', W_regularizer: 'l2' }), Conv2D(2, [3, 3], { padding: 'same', strides: 2 }),
      LSTM(4, { return_sequences: true, go_backwards: true }), Embedding(10, 3, { input_length: 4 }), BatchNormalization({ momentum: 0.9 }),
      MaxPooling2D({ pool_size: [3, 3] }), Flatten(), Merge({ mode: 'concat', concat_axis: 1 }),
    ];
    for (const l of layers) {
      const cfg = l.getConfig();
      const copy = deserializeLayer({ class_name: l.className, config: cfg });
      expect(copy.getConfig()).toEqual(cfg);
    }
    const c = layers[1]!.getConfig();
    expect(c).toMatchObject({ filters: 2, kernel_size: [3, 3], strides: [2, 2], padding: 'same', data_format: 'channels_last' });
    expect(layers[0]!.getConfig()).toMatchObject({ units: 3, activation: 'tanh', use_bias: true, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } } });
  });
});

describe('3-D layers', () => {
  it('Convolution3D sums 2-D convolutions over depth; MaxPooling3D takes the window max', async () => {
    const { Convolution3D, MaxPooling3D } = await import('@kerasgpu/layers');
    const data = Array.from({ length: 3 * 2 * 2 }, (_, i) => i + 1); // [1, 3, 2, 2, 1]
    const ones = Array.from({ length: 2 * 2 * 2 }, () => 1);
    const conv = Convolution3D(1, 2, 2, 2, { input_shape: [3, 2, 2, 1], weights: [tensor(ones, [2, 2, 2, 1, 1]), [0]] });
    const y = conv.apply(tensor(data, [1, 3, 2, 2, 1])) as Tensor;
    expect(y.shape).toEqual([1, 2, 1, 1, 1]);
    // depth 0-1: 1..8 sum 36; depth 1-2: 5..12 sum 68
    expectClose(await values(y), [36, 68]);
    const p = MaxPooling3D([2, 2, 2], { strides: [1, 2, 2] }).apply(tensor(data, [1, 3, 2, 2, 1])) as Tensor;
    expectClose(await values(p), [8, 12]);
    const th = Convolution3D(1, 2, 2, 2, { input_shape: [1, 3, 2, 2], dim_ordering: 'th', weights: [tensor(ones, [2, 2, 2, 1, 1]), [0]] });
    expectClose(await values(th.apply(tensor(data, [1, 1, 3, 2, 2])) as Tensor), [36, 68]);
  });
});

describe('training-only behaviour and state', () => {
  it('GaussianNoise, GaussianDropout and Dropout act only in training', async () => {
    const { GaussianNoise, GaussianDropout, Dropout } = await import('@kerasgpu/layers');
    const x = tensor([[1, 2, 3, 4]]);
    for (const l of [GaussianNoise(0.5), GaussianDropout(0.3), Dropout(0.5)]) {
      l.ensureBuilt([null, 4]);
      expectClose(await values(l.apply(x) as Tensor), [1, 2, 3, 4]);
      const t = await values(l.invoke(x, { training: true }) as Tensor);
      expect(t).not.toEqual([1, 2, 3, 4]);
    }
  });

  it('activity regularizer adds l·Σ out² / batch to the training loss', async () => {
    const { activityL2, SGD } = await import('@kerasgpu/layers');
    const m = Sequential([Dense(1, { input_dim: 1, weights: [[[1]], [0]], activity_regularizer: activityL2(0.5) })]);
    m.compile({ optimizer: SGD({ lr: 0 }), loss: 'mse' });
    // outputs 1 and 3 with targets equal: mse 0; penalty 0.5·(1 + 9)/2 = 2.5
    expect(await m.trainOnBatch([[1], [3]], [[1], [3]])).toBeCloseTo(2.5, 5);
    expect(await m.testOnBatch([[1], [3]], [[1], [3]])).toBeCloseTo(0, 6);
  });

  it('stateful LSTM carries its state across batches until resetStates', async () => {
    const lstm = LSTM(2, { batch_input_shape: [1, 1, 1], stateful: true });
    const m = Sequential([lstm]);
    const x = tensor([[[1]]]);
    const a = await values(m.predict(x) as Tensor);
    const b = await values(m.predict(x) as Tensor);
    expect(b).not.toEqual(a);
    lstm.resetStates();
    expectClose(await values(m.predict(x) as Tensor), a);
    expect(() => Sequential([LSTM(2, { input_shape: [1, 1], stateful: true })])).toThrow(/stateful RNN needs a fixed batch size: give the model's first layer batchInputShape/);
  });
});
