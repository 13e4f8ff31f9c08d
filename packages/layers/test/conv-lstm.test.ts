import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvLSTM2D, Flatten, Dense, Sequential, deserializeLayer, randomUniform, slice, tensor, transpose, type Tensor } from '@kerasgpu/layers';
import { checkLayerGrad } from './grad-check.js';
import { ACTS, expectClose, useBackend, values, type Act } from './helpers.js';

beforeAll(useBackend);

interface Case {
  b: number; T: number; R: number; C: number; ch: number; F: number; k: [number, number]; stride: number; dilation: number; padding: 'valid' | 'same';
  x: number[]; W: number[]; U: number[]; bias: number[];
}

/** TensorFlow's window geometry: output size and padding before, per axis (k: the dilated kernel's extent). */
function axis(size: number, k: number, stride: number, padding: 'valid' | 'same'): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.ceil((size - k + 1) / stride), before: 0 };
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max(0, (out - 1) * stride + k - size) / 2) };
}

/** Cross-correlation of one channels-last image [R, C, cin] with a kernel [kr, kc, cin, cout], in float64. */
function conv(img: (r: number, c: number, ci: number) => number, R: number, C: number, cin: number, w: number[], k: [number, number], cout: number, stride: number, padding: 'valid' | 'same', d = 1): { out: number[]; R: number; C: number } {
  const ar = axis(R, (k[0] - 1) * d + 1, stride, padding);
  const ac = axis(C, (k[1] - 1) * d + 1, stride, padding);
  const out: number[] = [];
  for (let oy = 0; oy < ar.out; oy++) for (let ox = 0; ox < ac.out; ox++) for (let f = 0; f < cout; f++) {
    let s = 0;
    for (let ky = 0; ky < k[0]; ky++) for (let kx = 0; kx < k[1]; kx++) {
      const [y, xx] = [oy * stride - ar.before + ky * d, ox * stride - ac.before + kx * d];
      if (y < 0 || y >= R || xx < 0 || xx >= C) continue;
      for (let ci = 0; ci < cin; ci++) s += img(y, xx, ci) * w[((ky * k[1] + kx) * cin + ci) * cout + f]!;
    }
    out.push(s);
  }
  return { out, R: ar.out, C: ac.out };
}

/**
 * Keras's ConvLSTM2D in float64 from its equations (channels last): z = W * x_t + b + U * h (W with
 * the strides, padding and dilation; U with stride 1, 'same' padding, no dilation), gates i, f, c, o on the last axis; c' = σ(f)c + σ(i)act(z_c);
 * h' = σ(o)act(c'). Returns every step's h, [b, T, R', C', F].
 */
function reference(c: Case, act: Act, inner: Act): number[] {
  const { b, T, R, C, ch, F, k, stride, dilation, padding, x, W, U, bias } = c;
  const G = 4 * F;
  const seq: number[][] = Array.from({ length: b }, () => []);
  for (let n = 0; n < b; n++) {
    const [gr, gc] = outImage(c);
    const geo = { R: gr, C: gc };
    const cells = geo.R * geo.C;
    let h = new Array<number>(cells * F).fill(0);
    let cs = new Array<number>(cells * F).fill(0);
    for (let t = 0; t < T; t++) {
      const base = (n * T + t) * R * C * ch;
      const zx = conv((r, cc, ci) => x[base + (r * C + cc) * ch + ci]!, R, C, ch, W, k, G, stride, padding, dilation).out;
      const hPrev = h;
      const zh = conv((r, cc, ci) => hPrev[(r * geo.C + cc) * F + ci]!, geo.R, geo.C, F, U, k, G, 1, 'same').out;
      const hNext: number[] = [];
      const cNext: number[] = [];
      for (let p = 0; p < cells; p++) for (let f = 0; f < F; f++) {
        const z = (g: number) => zx[p * G + g * F + f]! + zh[p * G + g * F + f]! + bias[g * F + f]!;
        const cv = inner(z(1)) * cs[p * F + f]! + inner(z(0)) * act(z(2));
        cNext.push(cv);
        hNext.push(inner(z(3)) * act(cv));
      }
      h = hNext;
      cs = cNext;
      seq[n]!.push(...h);
    }
  }
  return seq.flat();
}

const caseArb = fc.record({
  b: fc.integer({ min: 1, max: 2 }), T: fc.integer({ min: 1, max: 3 }), R: fc.integer({ min: 2, max: 4 }), C: fc.integer({ min: 2, max: 4 }),
  ch: fc.integer({ min: 1, max: 2 }), F: fc.integer({ min: 1, max: 2 }), kr: fc.integer({ min: 1, max: 2 }), kc: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }), dilation: fc.integer({ min: 1, max: 2 }), padding: fc.constantFrom('valid' as const, 'same' as const),
}).filter((s) => (s.stride === 1 || s.dilation === 1) && (s.padding === 'same' || ((s.kr - 1) * s.dilation < s.R && (s.kc - 1) * s.dilation < s.C))).chain(({ kr, kc, ...s }) => {
  const vals = (n: number) => fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n });
  const G = 4 * s.F;
  return fc.record({ x: vals(s.b * s.T * s.R * s.C * s.ch), W: vals(kr * kc * s.ch * G), U: vals(kr * kc * s.F * G), bias: vals(G) })
    .map((v): Case => ({ ...s, k: [kr, kc], ...v }));
});

const outImage = (c: Case) => [0, 1].map((i) => axis([c.R, c.C][i]!, (c.k[i]! - 1) * c.dilation + 1, c.stride, c.padding).out) as [number, number];

function layerFor(c: Case, options: Record<string, unknown>) {
  const th = options.data_format === 'channels_first';
  const layer = ConvLSTM2D(c.F, c.k, { return_sequences: true, padding: c.padding, strides: c.stride, dilation_rate: c.dilation, ...options });
  layer.ensureBuilt(th ? [null, c.T, c.ch, c.R, c.C] : [null, c.T, c.R, c.C, c.ch]);
  layer.setWeights([tensor(c.W, [...c.k, c.ch, 4 * c.F]), tensor(c.U, [...c.k, c.F, 4 * c.F]), tensor(c.bias, [4 * c.F])]);
  return layer;
}

describe('ConvLSTM2D', () => {
  it('matches the float64 reference for random shapes, strides, dilations, paddings and activation pairs, channels last and first', async () => {
    await fc.assert(fc.asyncProperty(caseArb, fc.constantFrom(['tanh', 'hard_sigmoid'], ['tanh', 'sigmoid']), fc.boolean(), async (c, [a, i], th) => {
      const layer = layerFor(c, { activation: a, recurrent_activation: i, ...(th ? { data_format: 'channels_first' } : {}) });
      const x = tensor(c.x, [c.b, c.T, c.R, c.C, c.ch]);
      const y = th ? transpose(layer.apply(transpose(x, [0, 1, 4, 2, 3])) as Tensor, [0, 1, 3, 4, 2]) : (layer.apply(x) as Tensor);
      expect(y.shape).toEqual([c.b, c.T, ...outImage(c), c.F]);
      expectClose(await values(y), reference(c, ACTS[a]!, ACTS[i]!), 1e-4);
      layer.dispose();
    }), { numRuns: 20 });
  });

  it('return_sequences false gives the last step; go_backwards runs the sequence reversed', async () => {
    const c = fc.sample(caseArb, { seed: 3, numRuns: 1 })[0]!;
    const x = tensor(c.x, [c.b, c.T, c.R, c.C, c.ch]);
    const all = await values(layerFor(c, { activation: 'tanh' }).apply(x) as Tensor);
    const cells = outImage(c)[0] * outImage(c)[1] * c.F;
    const last = layerFor(c, { activation: 'tanh', return_sequences: false }).apply(x) as Tensor;
    expect(last.shape).toEqual([c.b, ...outImage(c), c.F]);
    const want = Array.from({ length: c.b }, (_, n) => all.slice((n * c.T + c.T - 1) * cells, (n * c.T + c.T) * cells)).flat();
    expectClose(await values(last), want);
    const reversed = Array.from({ length: c.b }, (_, n) => Array.from({ length: c.T }, (__, t) => c.x.slice((n * c.T + c.T - 1 - t) * c.R * c.C * c.ch, (n * c.T + c.T - t) * c.R * c.C * c.ch)).flat()).flat();
    expectClose(await values(layerFor(c, { activation: 'tanh', go_backwards: true }).apply(x) as Tensor), reference({ ...c, x: reversed }, Math.tanh, ACTS.hard_sigmoid!), 1e-4);
  });

  it('Keras 1 and Keras 2 spellings build the same layer; the config round-trips in Keras 2 form', () => {
    const k1 = ConvLSTM2D(3, 2, 2, {
      dim_ordering: 'th', border_mode: 'same', subsample: [1, 1], inner_activation: 'sigmoid', init: 'glorot_uniform', inner_init: 'orthogonal',
      forget_bias_init: 'one', dropout_W: 0.1, dropout_U: 0.2, return_sequences: true, go_backwards: true, W_regularizer: 'l2', name: 'c',
    });
    const k2 = ConvLSTM2D(3, [2, 2], {
      data_format: 'channels_first', padding: 'same', strides: 1, recurrent_activation: 'sigmoid', kernel_initializer: 'glorot_uniform',
      recurrent_initializer: 'orthogonal', unit_forget_bias: true, dropout: 0.1, recurrent_dropout: 0.2, return_sequences: true, go_backwards: true, kernel_regularizer: 'l2', name: 'c',
    });
    const cfg = k1.getConfig();
    expect(k2.getConfig()).toEqual(cfg);
    expect(cfg).toMatchObject({
      filters: 3, kernel_size: [2, 2], strides: [1, 1], padding: 'same', data_format: 'channels_first', dilation_rate: [1, 1], activation: 'tanh',
      recurrent_activation: 'sigmoid', unit_forget_bias: true, dropout: 0.1, recurrent_dropout: 0.2, return_sequences: true, go_backwards: true, stateful: false,
    });
    expect(cfg).not.toHaveProperty('units');
    expect(cfg).not.toHaveProperty('unroll');
    expect(deserializeLayer({ class_name: 'ConvLSTM2D', config: cfg }).getConfig()).toEqual(cfg);
  });

  it('a Keras 1.2.2 config loads', () => {
    const layer = deserializeLayer({ class_name: 'ConvLSTM2D', config: {
      name: 'convlstm2d_1', trainable: true, batch_input_shape: [null, 4, 6, 6, 1], input_dtype: 'float32', return_sequences: false, go_backwards: false, stateful: false,
      nb_filter: 2, nb_row: 3, nb_col: 3, init: 'glorot_uniform', inner_init: 'orthogonal', forget_bias_init: 'one', activation: 'tanh',
      dim_ordering: 'tf', border_mode: 'valid', inner_activation: 'hard_sigmoid',
    } }) as ConvLSTM2D;
    const m = Sequential([layer]);
    expect(m.outputs[0]!.shape).toEqual([null, 4, 4, 2]);
    expect(layer.getConfig()).toMatchObject({ filters: 2, kernel_size: [3, 3], padding: 'valid', data_format: 'channels_last', recurrent_activation: 'hard_sigmoid' });
  });

  it("weights kernel, recurrent_kernel, bias in Keras 2's layout; the forget block of the bias starts at one", async () => {
    const m = Sequential([ConvLSTM2D(3, [2, 3], { input_shape: [5, 4, 6, 2] })]);
    const l = m.layers[0]!;
    expect(l.weightNames).toEqual(['kernel', 'recurrent_kernel', 'bias'].map((n) => `${l.name}/${n}:0`));
    expect(l.weights.map((w) => w.shape)).toEqual([[2, 3, 2, 12], [2, 3, 3, 12], [12]]);
    expect(await values(l.getWeights()[2]!)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it("Keras 1's twelve per-gate arrays (i, c, f, o; 'th' kernels (filters, stack, rows, cols)) in `weights` equal the fused Keras 2 ones", async () => {
    const [ch, F, kr, kc] = [2, 3, 2, 3];
    const x = randomUniform([2, 2, 4, 5, ch], -1, 1);
    const fused = [randomUniform([kr, kc, ch, 4 * F], -1, 1), randomUniform([kr, kc, F, 4 * F], -1, 1), randomUniform([4 * F], -1, 1)];
    const block = async (t: Tensor, g: number) => {
      const v = await values(t);
      const G = 4 * F;
      return { values: v.filter((_, k) => Math.floor((k % G) / F) === g), shape: [...t.shape.slice(0, -1), F] };
    };
    const stored = [0, 2, 1, 3]; // Keras 1 stores gates i, c, f, o; Keras 2 block index of each
    for (const th of [false, true]) {
      const keras1: Tensor[] = [];
      for (const g of stored) {
        for (const t of fused) {
          const b = await block(t, g);
          const arr = tensor(b.values, b.shape);
          keras1.push(th && b.shape.length === 4 ? transpose(arr, [3, 2, 0, 1]) : arr);
        }
      }
      const opts = th ? { data_format: 'channels_first' } : {};
      const input = th ? transpose(x, [0, 1, 4, 2, 3]) : x;
      const a = ConvLSTM2D(F, [kr, kc], { ...opts, weights: keras1 }).apply(input) as Tensor;
      const b = ConvLSTM2D(F, [kr, kc], { ...opts, weights: fused }).apply(input) as Tensor;
      expectClose(await values(a), await values(b));
    }
  });

  it('stateful: two one-step batches continue one two-step sequence; reset_states starts over', async () => {
    const x = randomUniform([2, 2, 3, 3, 1], -1, 1);
    const whole = ConvLSTM2D(2, 2, 2, { border_mode: 'same', return_sequences: true, input_shape: [2, 3, 3, 1] });
    const model = Sequential([whole]);
    const stateful = Sequential([ConvLSTM2D(2, 2, 2, { border_mode: 'same', stateful: true, batch_input_shape: [2, 1, 3, 3, 1] })]);
    stateful.setWeights(model.getWeights());
    const steps = [0, 1].map((t) => slice(x, [0, t, 0, 0, 0], [2, 1, 3, 3, 1]));
    const first = await values(stateful.predict(steps[0]!) as Tensor);
    const second = await values(stateful.predict(steps[1]!) as Tensor);
    const all = await values(model.predict(x) as Tensor);
    const per = 3 * 3 * 2;
    expectClose(first, [...all.slice(0, per), ...all.slice(2 * per, 3 * per)]);
    expectClose(second, [...all.slice(per, 2 * per), ...all.slice(3 * per)]);
    stateful.resetStates();
    expectClose(await values(stateful.predict(steps[0]!) as Tensor), first);
  });

  it('return_state gives h and c shaped as the output, in the layer’s ordering', () => {
    const layer = ConvLSTM2D(2, 3, { data_format: 'channels_first', return_state: true });
    const out = layer.apply(randomUniform([1, 2, 1, 4, 5])) as unknown as Tensor[];
    expect(out.map((t) => t.shape)).toEqual([[1, 2, 2, 3], [1, 2, 2, 3], [1, 2, 2, 3]]);
  });

  it('bad input and options are refused with clear errors', () => {
    expect(() => Sequential([ConvLSTM2D(2, 3, { input_shape: [4, 5, 5] })])).toThrow(/ConvLSTM2D \(.*\) expects inputs \(batch, time, rows, cols, channels\).*got \(None, 4, 5, 5\)/);
    expect(() => Sequential([ConvLSTM2D(2, 3, { input_shape: [4, 2, 2, 1] })])).toThrow(/kernel 3x3 does not fit the input's 2x2 images with padding 'valid'/);
    expect(() => ConvLSTM2D(2, 3, { border_mode: 'full' })).toThrow(/ConvLSTM2D: padding \(border_mode\) must be 'valid' or 'same', got 'full'/);
    expect(() => ConvLSTM2D(2, 3, { unroll: true } as never)).toThrow(/ConvLSTM2D.*unroll/);
    expect(() => ConvLSTM2D({ kernel_size: 3 })).toThrow(/ConvLSTM2D: filters \(nb_filter\) must be a positive integer/);
    expect(() => ConvLSTM2D(2 as never)).toThrow(/ConvLSTM2D: the kernel size is required/);
  });

  it('a Sequential model with ConvLSTM2D trains', async () => {
    const model = Sequential([ConvLSTM2D(2, 2, 2, { input_shape: [3, 4, 4, 1], border_mode: 'same', dropout_W: 0.1, dropout_U: 0.1 }), Flatten(), Dense(1)]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const [x, y] = [randomUniform([8, 3, 4, 4, 1]), randomUniform([8, 1])];
    const h = await model.fit(x, y, { nb_epoch: 5, batch_size: 8, verbose: 0 });
    expect(h.history.loss![4]).toBeLessThan(h.history.loss![0]!);
  });

  checkLayerGrad('ConvLSTM2D (same, sigmoid)', () => ConvLSTM2D(2, 2, 2, { border_mode: 'same', inner_activation: 'sigmoid', return_sequences: true }), [2, 2, 3, 3, 2]);
  checkLayerGrad('ConvLSTM2D (th, valid, strides 2, last step)', () => ConvLSTM2D(2, 2, 1, { dim_ordering: 'th', subsample: [2, 1], inner_activation: 'sigmoid', bias: true }), [1, 3, 2, 4, 3]);
});
