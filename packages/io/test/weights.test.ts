import { conv2dCpu, conv2dGeometry } from '@kerasgpu/kernels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NdArray } from '../src/hdf5/arrays.js';
import { readKerasH5, type KerasH5 } from '../src/keras/h5-file.js';
import { flipKernel, gruKeras1ToKeras2, lstmKeras1ToKeras2, lstmKeras2ToKeras1, permuteDenseRowsForFlatten, tfKernelToTh, thKernelToTf } from '../src/keras/kernels.js';
import { transposeNd } from '../src/keras/ndarray.js';
import { preprocessWeights, type LayerDesc } from '../src/keras/preprocess.js';
import { fixture, readJson } from './helpers.js';

const shapes = (ws: readonly NdArray[]) => ws.map((w) => w.shape.join('x')).join(' ');
const LSTM12 = (i: number, u: number) => Array(4).fill(`${i}x${u} ${u}x${u} ${u}`).join(' ');

/**
 * Every Keras file among the fixtures: layers with weights (a few for the U-Net), their stored shapes (SOURCES.md)
 * and the shapes after conversion to the Keras 2 / channels-last layout our layers hold.
 */
const FILES: Record<string, { version: string | null; backend: string | null; stored: Record<string, string>; converted?: Record<string, string> }> = {
  'k1_bnconv_tf.h5': { version: '1.2.2', backend: null, stored: { dense_1: '100x490 490', batchnormalization_1: '10 10 10 10', convolution2d_1: '3x3x10x5 5' } },
  'k1_cnn_tf_model.h5': { version: '1.1.2', backend: null, stored: { convolution2d_1: '3x2x3x2 2', convolution2d_2: '2x3x2x1 1', dense_1: '1x2 2', dense_2: '2x3 3' } },
  'k1_cnn_tf_weights.h5': { version: null, backend: null, stored: { convolution2d_1: '3x2x3x2 2', convolution2d_2: '2x3x2x1 1', dense_1: '1x2 2', dense_2: '2x3 3' } },
  'k1_conv2d_tf.h5': { version: '1.2.2', backend: null, stored: { convolution2d_1: '3x3x5x6 6' } },
  'k1_conv2d_th.h5': { version: '1.2.2', backend: null, stored: { convolution2d_1: '3x3x5x6 6' } },
  'k1_dense_th.h5': { version: '1.2.2', backend: null, stored: { dense_1: '4x6 6' } },
  'k1_emblstm_th.h5': { version: '1.2.2', backend: null, stored: { embedding_1: '4x5', lstm_1: LSTM12(5, 6) }, converted: { lstm_1: '5x24 6x24 24' } },
  'k1_lstm_th_model.h5': { version: '1.2.2', backend: null, stored: { lstm_1: LSTM12(1, 50), dense_1: '50x1 1' }, converted: { lstm_1: '1x200 50x200 200' } },
  'k1_lstm_th_weights.h5': { version: null, backend: null, stored: { lstm_1: LSTM12(1, 50), dense_1: '50x1 1' }, converted: { lstm_1: '1x200 50x200 200' } },
  'k1_tdd_tf.h5': { version: '1.1.0', backend: null, stored: { lstm_1: LSTM12(2, 3), lstm_2: LSTM12(3, 2), timedistributeddense_1: '2x3 3' }, converted: { lstm_1: '2x12 3x12 12', lstm_2: '3x8 2x8 8' } },
  'k1_tfscope_tf.h5': { version: '1.2.2', backend: null, stored: { dense_1: '70x256 256', dense_2: '256x2 2' } },
  'k1_unet_th_weights.h5': {
    version: null, backend: null,
    stored: { convolution2d_1: '32x1x3x3 32', convolution2d_7: '64x192x3x3 64', convolution2d_11: '2x32x1x1 2' },
    converted: { convolution2d_1: '3x3x1x32 32', convolution2d_7: '3x3x192x64 64', convolution2d_11: '1x1x32x2 2' },
  },
  'k2_bnconv_tf.h5': { version: '2.1.3', backend: 'tensorflow', stored: { dense_1: '100x490 490', batch_normalization_1: '10 10 10 10', conv2d_1: '3x3x10x5 5' } },
  'k2_conv2d_tf.h5': { version: '2.1.3', backend: 'tensorflow', stored: { conv2d_1: '3x3x5x6 6' } },
  'k2_conv2d_th.h5': { version: '2.1.3', backend: 'theano', stored: { conv2d_1: '3x3x5x6 6' } },
  'k2_dense_tf.h5': { version: '2.1.3', backend: 'tensorflow', stored: { dense_1: '4x6 6' } },
  'k2_emblstm_tf.h5': { version: '2.1.3', backend: 'tensorflow', stored: { embedding_1: '4x5', lstm_1: '5x24 6x24 24' } },
  'k2_lstm2_th_weights.h5': { version: '2.0.8', backend: 'theano', stored: { lstm_1: '12x384 96x384 384', lstm_2: '96x384 96x384 384', dense_1: '96x1 1' } },
  'k2_lstm_tf_model.h5': { version: '2.0.6', backend: 'tensorflow', stored: { lstm_1: '1x200 50x200 200', dense_1: '50x1 1' } },
  'k2_lstm_tf_weights.h5': { version: '2.0.6', backend: 'tensorflow', stored: { lstm_1: '1x200 50x200 200', dense_1: '50x1 1' } },
};

/** The layers of a Keras config (Sequential list, Sequential {layers}, or functional Model). */
function configLayers(config: Record<string, unknown>): LayerDesc[] {
  const c = config.config as unknown;
  const list = (Array.isArray(c) ? c : (c as { layers: unknown[] }).layers) as { class_name: string; config: Record<string, unknown> }[];
  return list.map((l) => ({ className: l.class_name, config: l.config }));
}

/** The file's model config, or for weights-only files the JSON config that came with it. */
function modelLayers(name: string, file: KerasH5): Map<string, LayerDesc> {
  const config = file.modelConfig ?? readJson<Record<string, unknown>>(name.replace(/_weights\.h5$/, '_config.json'));
  return new Map(configLayers(config).map((l) => [String(l.config.name), l]));
}

describe('every fixture file parses with the expected weight shapes', () => {
  for (const [name, want] of Object.entries(FILES)) {
    it(name, async () => {
      const file = await readKerasH5(fixture(name));
      expect([file.kerasVersion, file.backend]).toEqual([want.version, want.backend]);
      const withWeights = file.layers.filter((l) => l.weights.length > 0);
      expect(Object.fromEntries(withWeights.filter((l) => l.name in want.stored).map((l) => [l.name, shapes(l.weights)]))).toEqual(want.stored);
      for (const l of file.layers) expect(l.weights).toHaveLength(l.weightNames.length);
      const layers = modelLayers(name, file);
      for (const l of withWeights.filter((w) => w.name in want.stored)) {
        const out = preprocessWeights(layers.get(l.name)!, l.weights, file);
        expect(shapes(out), l.name).toBe(want.converted?.[l.name] ?? want.stored[l.name]);
      }
    });
  }

  it('TF variable scopes nest the datasets; names resolve as paths', async () => {
    const file = await readKerasH5(fixture('k1_tfscope_tf.h5'));
    expect(file.layers.find((l) => l.name === 'dense_1')!.weightNames).toEqual(['global/shared/dense_1_W:0', 'global/shared/dense_1_b:0']);
  });

  it('optimizer state is read in weight_names order', async () => {
    const k1 = await readKerasH5(fixture('k1_lstm_th_model.h5'));
    expect(k1.optimizerWeights!.weightNames).toEqual(Array.from({ length: 14 }, (_, i) => `param_${i}`));
    const k2 = await readKerasH5(fixture('k2_lstm_tf_model.h5'));
    expect(shapes(k2.optimizerWeights!.weights)).toBe('1x200 50x200 200 50x1 1');
    expect((await readKerasH5(fixture('k1_cnn_tf_model.h5'))).trainingConfig).toMatchObject({ loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  });
});

const arange = (shape: number[]): NdArray => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: n }, (_, i) => i) };
};
const shapeArb = (rank: number) => fc.array(fc.integer({ min: 1, max: 4 }), { minLength: rank, maxLength: rank });

describe('layout conversions', () => {
  it('th <-> tf kernels are inverse transposes; th (out, in, r, c)[o,i,r,c] = tf[r,c,i,o]', () => {
    fc.assert(fc.property(fc.integer({ min: 3, max: 5 }).chain(shapeArb), (shape) => {
      const k = arange(shape);
      expect(Array.from(tfKernelToTh(thKernelToTf(k)).data)).toEqual(Array.from(k.data));
    }));
    const th = arange([2, 3, 4, 5]);
    const tf = thKernelToTf(th);
    expect(tf.shape).toEqual([4, 5, 3, 2]);
    // tf[r=1, c=2, i=2, o=1] = th[1, 2, 1, 2] = ((1*3 + 2)*4 + 1)*5 + 2
    expect(tf.data[((1 * 5 + 2) * 3 + 2) * 2 + 1]).toBe(((1 * 3 + 2) * 4 + 1) * 5 + 2);
  });

  it('flipKernel reverses the spatial axes only and is an involution', () => {
    const k = arange([2, 3, 1, 2]);
    const f = flipKernel(k);
    // f[r, c, 0, o] = k[1 - r, 2 - c, 0, o]
    const at = (r: number, c: number, i: number, o: number) => ((r * 3 + c) * 1 + i) * 2 + o;
    expect(f.data[at(0, 0, 0, 1)]).toBe(at(1, 2, 0, 1));
    fc.assert(fc.property(fc.integer({ min: 3, max: 5 }).chain(shapeArb), (shape) => {
      const x = arange(shape);
      expect(Array.from(flipKernel(flipKernel(x)).data)).toEqual(Array.from(x.data));
    }));
  });

  it('Keras 1 LSTM (W,U,b per gate i, c, f, o) fuses into Keras 2 blocks i, f, c, o', () => {
    const [inDim, units] = [2, 3];
    // Each array filled with a gate tag: W = 10g + 1, U = 10g + 2, b = 10g + 3 for stored gate g.
    const ws = [0, 1, 2, 3].flatMap((g) => [[inDim, units], [units, units], [units]].map((shape, j) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return { shape, data: new Float32Array(n).fill(10 * g + j + 1) };
    }));
    const [kernel, rec, bias] = lstmKeras1ToKeras2(ws);
    expect(kernel!.shape).toEqual([inDim, 4 * units]);
    const row = (a: NdArray, r: number) => Array.from(a.data.subarray(r * 4 * units, (r + 1) * 4 * units));
    const blocks = (tags: number[]) => tags.flatMap((t) => Array(units).fill(t));
    expect(row(kernel!, 1)).toEqual(blocks([1, 21, 11, 31])); // i, f (stored 3rd), c (stored 2nd), o
    expect(row(rec!, 2)).toEqual(blocks([2, 22, 12, 32]));
    expect(Array.from(bias!.data)).toEqual(blocks([3, 23, 13, 33]));
    expect(lstmKeras2ToKeras1([kernel!, rec!, bias!]).map((a) => a.data[0])).toEqual(ws.map((a) => a.data[0]));
  });

  it('Keras 1 GRU (z, r, h) fuses in the same order', () => {
    const ws = [0, 1, 2].flatMap((g) => [[2, 3], [3, 3], [3]].map((shape, j) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(10 * g + j) })));
    const [k, , b] = gruKeras1ToKeras2(ws);
    expect(Array.from(k!.data.subarray(0, 9))).toEqual([0, 0, 0, 10, 10, 10, 20, 20, 20]);
    expect(Array.from(b!.data)).toEqual([2, 2, 2, 12, 12, 12, 22, 22, 22]);
  });

  it('a Dense kernel after Flatten, permuted for the other ordering, gives the same outputs', () => {
    fc.assert(fc.property(shapeArb(3), fc.integer({ min: 1, max: 3 }), ([c, h, w], units) => {
      const chw = arange([c!, h!, w!]);
      const hwc = transposeNd(chw, [1, 2, 0]);
      const kernel = { shape: [c! * h! * w!, units], data: Float32Array.from({ length: c! * h! * w! * units }, (_, i) => Math.sin(i)) };
      const dense = (x: NdArray, k: NdArray) => Array.from({ length: units }, (_, u) => x.data.reduce((s, v, r) => s + v * k.data[r * units + u]!, 0));
      const permuted = permuteDenseRowsForFlatten(kernel, [c!, h!, w!], 'th');
      dense(hwc, permuted).forEach((v, u) => expect(v).toBeCloseTo(dense(chw, kernel)[u]!, 4));
      const back = permuteDenseRowsForFlatten(permuted, [h!, w!, c!], 'tf');
      expect(Array.from(back.data)).toEqual(Array.from(kernel.data));
    }));
  });
});

interface RefIO { name: string; shape: number[]; data: number[] }
interface Ref { inputs: RefIO[]; outputs: RefIO[]; outputs_without_kernel_flip?: Omit<RefIO, 'name'>; tolerance: { abs: number; rel?: number } }

/** Runs the single valid Conv2D of the small conv fixtures on the CPU kernel with the converted weights. */
async function convFixture(name: string, backend?: string): Promise<Float32Array> {
  const file = await readKerasH5(fixture(`${name}.h5`));
  const stored = file.layers.find((l) => l.weights.length > 0)!;
  const [kernel, bias] = preprocessWeights(modelLayers(name, file).get(stored.name)!, stored.weights, backend === undefined ? file : { ...file, backend });
  const ref = readJson<Ref>(`${name}.ref.json`);
  const x = Float32Array.from(ref.inputs[0]!.data);
  const [kh, kw, , out] = kernel!.shape as [number, number, number, number];
  const g = conv2dGeometry(ref.inputs[0]!.shape, kh, kw, out, [1, 1], [1, 1], 'valid');
  const y = new Float32Array(g.batch * g.outH * g.outW * out);
  conv2dCpu(x, kernel!.data, y, g);
  return y.map((v, i) => v + bias!.data[i % out]!);
}

describe('converted kernels compute what the reference computes (CPU conv kernel, no layers)', () => {
  const close = (y: Float32Array, want: Omit<RefIO, 'name'>, tol: Ref['tolerance']) => {
    expect(y.length).toBe(want.data.length);
    const worst = Math.max(...want.data.map((e, i) => Math.abs(y[i]! - e) - tol.abs - (tol.rel ?? 0) * Math.abs(e)));
    expect(worst).toBeLessThanOrEqual(0);
  };
  for (const name of ['k1_conv2d_tf', 'k2_conv2d_tf', 'k2_conv2d_th']) {
    it(`${name}: stored kernel (flipped when the file says theano)`, async () => {
      const ref = readJson<Ref>(`${name}.ref.json`);
      close(await convFixture(name), ref.outputs[0]!, ref.tolerance);
    });
  }
  it('k1_conv2d_th: no flip by default (as Keras 2 loads it); backend "theano" reproduces Keras 1 on Theano', async () => {
    const ref = readJson<Ref>('k1_conv2d_th.ref.json');
    close(await convFixture('k1_conv2d_th'), ref.outputs_without_kernel_flip!, ref.tolerance);
    close(await convFixture('k1_conv2d_th', 'theano'), ref.outputs[0]!, ref.tolerance);
  });
});
