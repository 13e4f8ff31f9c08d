import { beforeAll, describe, expect, it } from 'vitest';
import {
  ActivityRegularization, Dense, Dropout, SGD, Sequential, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, deserializeLayer, ones, type Tensor,
} from '@kerasgpu/layers';
import { checkLayerGrad } from './grad-check.js';
import { expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

/** Groups the values of a [b, ...] array by (sample, channel): each group is one feature map. */
function featureMaps(v: number[], shape: number[], channelAxis: number): Map<string, number[]> {
  const maps = new Map<string, number[]>();
  const strides = shape.map((_, ax) => shape.slice(ax + 1).reduce((a, b) => a * b, 1));
  v.forEach((x, i) => {
    const key = `${Math.floor(i / strides[0]!)}:${Math.floor(i / strides[channelAxis]!) % shape[channelAxis]!}`;
    maps.set(key, [...(maps.get(key) ?? []), x]);
  });
  return maps;
}

describe('SpatialDropout1D/2D/3D drop whole feature maps in training', () => {
  const cases = [
    ['SpatialDropout1D', () => SpatialDropout1D(0.5), [3, 6, 4], 2],
    ['SpatialDropout2D tf', () => SpatialDropout2D({ p: 0.5, dim_ordering: 'tf' }), [3, 4, 3, 4], 3],
    ['SpatialDropout2D th', () => SpatialDropout2D({ rate: 0.5, data_format: 'channels_first' }), [3, 4, 3, 2], 1],
    ['SpatialDropout3D th', () => SpatialDropout3D({ p: 0.5, dim_ordering: 'th' }), [2, 4, 2, 3, 2], 1],
    ['SpatialDropout3D tf', () => SpatialDropout3D(0.5), [2, 2, 3, 2, 4], 4],
  ] as const;
  for (const [name, make, shape, channel] of cases) {
    it(name, async () => {
      const layer = make();
      const x = ones([...shape]);
      layer.ensureBuilt([null, ...shape.slice(1)]);
      expect(await values(layer.apply(x) as Tensor)).toEqual(Array(x.size).fill(1));
      const maps = featureMaps(await values(layer.invoke(x, { training: true }) as Tensor), [...shape], channel);
      expect(maps.size).toBe(shape[0] * shape[channel]!);
      const levels = [...maps.values()].map((m) => {
        expect(new Set(m).size).toBe(1);
        return m[0]!;
      });
      expect(new Set(levels)).toEqual(new Set([0, 2])); // some maps dropped, the rest scaled by 1 / (1 − 0.5)
    });
  }

  it('Dropout honours noise_shape (None = the input size)', async () => {
    const d = Dropout(0.5, { noise_shape: [null, 1, 4], seed: 1 });
    d.ensureBuilt([null, 5, 4]);
    const y = await values(d.invoke(ones([6, 5, 4]), { training: true }) as Tensor);
    const maps = featureMaps(y, [6, 5, 4], 2);
    for (const m of maps.values()) expect(new Set(m).size).toBe(1);
    expect(d.getConfig()).toMatchObject({ rate: 0.5, noise_shape: [null, 1, 4], seed: 1 });
  });

  it('configs: Keras 1 p / dim_ordering, Keras 2 rate / data_format; round trip; noise_shape refused', () => {
    const k1 = deserializeLayer({ class_name: 'SpatialDropout2D', config: { name: 'sd', trainable: true, p: 0.25, dim_ordering: 'th' } });
    expect(k1.getConfig()).toEqual({ name: 'sd', trainable: true, rate: 0.25, seed: null, data_format: 'channels_first' });
    for (const l of [SpatialDropout1D(0.1), SpatialDropout2D(0.2), SpatialDropout3D({ rate: 0.3, data_format: 'channels_first', seed: 4 })]) {
      const cfg = l.getConfig();
      expect(deserializeLayer({ class_name: l.className, config: cfg }).getConfig()).toEqual(cfg);
    }
    expect(SpatialDropout1D(0.1).getConfig()).not.toHaveProperty('data_format');
    expect(() => SpatialDropout2D(0.5, { noise_shape: [1, 1, 1, 1] })).toThrow(/SpatialDropout2D: unknown option 'noise_shape'/);
    expect(() => SpatialDropout3D(1)).toThrow(/SpatialDropout3D: rate \(p\) must be in \[0, 1\)/);
    expect(SpatialDropout1D({ p: 0.5, input_dim: 3, input_length: 4 }).batchInputShape).toEqual([null, 4, 3]);
  });

  checkLayerGrad('SpatialDropout2D in training (fixed seed)', () => SpatialDropout2D({ rate: 0.5, seed: 7 }), [2, 2, 3, 4], undefined, { training: true });
  checkLayerGrad('SpatialDropout1D in training (fixed seed)', () => SpatialDropout1D({ rate: 0.5, seed: 3 }), [2, 4, 3], undefined, { training: true });
  checkLayerGrad('SpatialDropout3D th in training (fixed seed)', () => SpatialDropout3D({ rate: 0.5, seed: 5, data_format: 'channels_first' }), [2, 3, 2, 2, 2], undefined, { training: true });
});

describe('ActivityRegularization', () => {
  it('is the identity and adds l1·Σ|y| + l2·Σy² per sample to the training loss', async () => {
    const m = Sequential([Dense(1, { input_dim: 1, weights: [[[1]], [0]] }), ActivityRegularization(0.1, 0.5)]);
    m.compile({ optimizer: SGD({ lr: 0 }), loss: 'mse' });
    expectClose(await values(m.predict([[1], [-3]]) as Tensor), [1, -3]);
    // outputs 1 and −3, targets equal: mse 0; penalty (0.1·(1 + 3) + 0.5·(1 + 9)) / 2 = 2.7
    expect(await m.trainOnBatch([[1], [-3]], [[1], [-3]])).toBeCloseTo(2.7, 5);
    expect(await m.testOnBatch([[1], [-3]], [[1], [-3]])).toBeCloseTo(0, 6);
  });

  it('Keras 1 / 2 config {l1, l2} round trips; bad values refused', () => {
    const l = deserializeLayer({ class_name: 'ActivityRegularization', config: { name: 'ar', trainable: true, l1: 0.01, l2: 0 } });
    expect(l.getConfig()).toEqual({ name: 'ar', trainable: true, l1: 0.01, l2: 0 });
    expect(ActivityRegularization({ l2: 0.3 }).getConfig()).toMatchObject({ l1: 0, l2: 0.3 });
    expect(() => ActivityRegularization({ l1: -1 })).toThrow(/ActivityRegularization: l1 must be a non-negative number/);
  });
});
