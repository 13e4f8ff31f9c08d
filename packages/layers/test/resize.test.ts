import { describe, beforeAll, expect, it } from 'vitest';
import {
  Cropping1D, Cropping2D, Cropping3D, Sequential, UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D,
  deserializeLayer, randomUniform, type Layer, type Tensor,
} from '@kerasgpu/layers';
import { checkLayerGrad } from './grad-check.js';
import { expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

type Pair = [number, number];
/**
 * The reference on plain arrays: output element at index `o` reads input index `src(o)` along
 * each spatial axis, or is 0 where that falls outside (padding).
 */
function reference(x: number[], shape: number[], spatial: number[], outSize: (d: number, i: number) => number, src: (o: number, i: number) => number): number[] {
  const out = shape.map((d, ax) => (spatial.includes(ax) ? outSize(d, spatial.indexOf(ax)) : d));
  const strides = shape.map((_, ax) => shape.slice(ax + 1).reduce((a, b) => a * b, 1));
  const total = out.reduce((a, b) => a * b, 1);
  return Array.from({ length: total }, (_, flat) => {
    let rest = flat, at = 0;
    for (let ax = out.length - 1; ax >= 0; ax--) {
      const o = rest % out[ax]!;
      rest = Math.floor(rest / out[ax]!);
      const i = spatial.indexOf(ax);
      const s = i < 0 ? o : src(o, i);
      if (s < 0 || s >= shape[ax]!) return 0;
      at += s * strides[ax]!;
    }
    return x[at]!;
  });
}

const spatialAxes = (rank: number, th: boolean) => Array.from({ length: rank }, (_, i) => i + (th ? 2 : 1));
const CASES: [rank: 1 | 2 | 3, th: boolean, shape: number[]][] = [
  [1, false, [2, 5, 3]], [2, false, [2, 4, 5, 3]], [2, true, [2, 3, 4, 5]], [3, false, [1, 3, 4, 5, 2]], [3, true, [1, 2, 3, 4, 5]],
];
const PADS: Pair[] = [[1, 2], [0, 1], [2, 0]];
const CROPS: Pair[] = [[1, 0], [1, 2], [0, 1]];
const SIZES = [2, 3, 1];
const LAYERS = {
  pad: [ZeroPadding1D, ZeroPadding2D, ZeroPadding3D],
  crop: [Cropping1D, Cropping2D, Cropping3D],
  up: [UpSampling1D, UpSampling2D, UpSampling3D],
} as const;

describe('ZeroPadding, Cropping, UpSampling over 1, 2 and 3 spatial axes, both orderings', () => {
  for (const [rank, th, shape] of CASES) {
    const ordering = rank === 1 ? {} : { dim_ordering: th ? 'th' : 'tf' };
    const spatial = spatialAxes(rank, th);
    it(`rank ${rank}${rank > 1 ? (th ? ' th' : ' tf') : ''}: values match an index-by-index reference`, async () => {
      const x = randomUniform(shape);
      const xs = await values(x);
      const pads = PADS.slice(0, rank), crops = CROPS.slice(0, rank), sizes = SIZES.slice(0, rank);
      const check = async (layer: Layer, want: number[]) => {
        const y = layer.apply(x) as Tensor;
        expect([null, ...y.shape.slice(1)]).toEqual(layer.computeOutputShape([null, ...shape.slice(1)]));
        expectClose(await values(y), want);
      };
      await check(LAYERS.pad[rank - 1]!({ padding: rank === 1 ? pads[0] : pads, ...ordering }),
        reference(xs, shape, spatial, (d, i) => d + pads[i]![0] + pads[i]![1], (o, i) => o - pads[i]![0]));
      await check(LAYERS.crop[rank - 1]!({ cropping: rank === 1 ? crops[0] : crops, ...ordering }),
        reference(xs, shape, spatial, (d, i) => d - crops[i]![0] - crops[i]![1], (o, i) => o + crops[i]![0]));
      await check(LAYERS.up[rank - 1]!({ size: rank === 1 ? sizes[0] : sizes, ...ordering }),
        reference(xs, shape, spatial, (d, i) => d * sizes[i]!, (o, i) => Math.floor(o / sizes[i]!)));
    });
  }
});

describe('Keras 1 and Keras 2 arguments and configs', () => {
  const spec = (l: Layer) => ({ ...l.getConfig(), name: undefined, trainable: undefined });
  it('Keras 1 forms: ints, 4-tuples, {top_pad, ...} dictionaries, UpSampling1D length', () => {
    expect(ZeroPadding1D(2).padding).toEqual([[2, 2]]);
    expect(ZeroPadding1D({ padding: { left_pad: 3 } }).padding).toEqual([[3, 0]]);
    expect(ZeroPadding2D([1, 2]).padding).toEqual([[1, 1], [2, 2]]);
    expect(ZeroPadding2D([1, 2, 3, 4]).padding).toEqual([[1, 2], [3, 4]]);
    expect(ZeroPadding2D({ padding: { top_pad: 1, right_pad: 2 } }).padding).toEqual([[1, 0], [0, 2]]);
    expect(ZeroPadding3D([1, 2, 3]).padding).toEqual([[1, 1], [2, 2], [3, 3]]);
    expect(Cropping1D().cropping).toEqual([[1, 1]]);
    expect(Cropping2D().cropping).toEqual([[0, 0], [0, 0]]);
    expect(Cropping3D().cropping).toEqual([[1, 1], [1, 1], [1, 1]]);
    expect(UpSampling1D({ length: 3 }).size).toEqual([3]);
    expect(deserializeLayer({ class_name: 'UpSampling1D', config: { name: 'u', length: 4, trainable: true } }).getConfig()).toEqual({ name: 'u', trainable: true, size: 4 });
    expect(deserializeLayer({ class_name: 'ZeroPadding2D', config: { name: 'z', padding: [1, 1], dim_ordering: 'th' } }).getConfig())
      .toEqual({ name: 'z', trainable: true, padding: [[1, 1], [1, 1]], data_format: 'channels_first' });
  });

  it('Keras 2 forms (data_format, pairs per axis) and getConfig round trips', () => {
    const layers = [
      ZeroPadding1D([1, 2]), ZeroPadding2D({ padding: [[1, 0], [2, 3]], data_format: 'channels_first' }), ZeroPadding3D(2),
      Cropping1D([0, 2]), Cropping2D({ cropping: 1 }), Cropping3D({ cropping: [[1, 0], [0, 1], [2, 2]], data_format: 'channels_last' }),
      UpSampling1D(2), UpSampling2D({ size: [1, 3] }), UpSampling3D({ size: 2, data_format: 'channels_first' }),
    ];
    for (const l of layers) expect(spec(deserializeLayer({ class_name: l.className, config: l.getConfig() }))).toEqual(spec(l));
    expect(layers[0]!.getConfig()).toMatchObject({ padding: [1, 2] });
    expect(layers[1]!.getConfig()).toMatchObject({ padding: [[1, 0], [2, 3]], data_format: 'channels_first' });
    expect(layers[4]!.getConfig()).toMatchObject({ cropping: [[1, 1], [1, 1]] });
    expect(layers[8]!.getConfig()).toMatchObject({ size: [2, 2, 2], data_format: 'channels_first' });
    expect(layers[6]!.getConfig()).not.toHaveProperty('data_format');
  });

  it('bad arguments and shapes are refused, naming the layer', () => {
    expect(() => ZeroPadding2D([1, 2, 3])).toThrow(/ZeroPadding2D: padding must be a non-negative integer, 2 of them or 2 \(before, after\) pairs/);
    expect(() => Cropping1D(-1)).toThrow(/Cropping1D: cropping must be/);
    expect(() => ZeroPadding2D({ padding: { top: 1 } })).toThrow(/dictionary keys must be among top_pad/);
    expect(() => UpSampling2D({ length: 2 })).toThrow(/UpSampling2D: 'length' is UpSampling1D's option/);
    expect(() => Sequential([Cropping2D({ cropping: [[2, 2], [0, 0]], input_shape: [4, 4, 1] })])).toThrow(/Cropping2D: input \(None, 4, 4, 1\) leaves nothing along spatial axis 1/);
    expect(() => UpSampling3D().computeOutputShape([null, 2, 2, 2])).toThrow(/UpSampling3D expects inputs of rank 5/);
  });
});

describe('gradients', () => {
  checkLayerGrad('ZeroPadding2D th', () => ZeroPadding2D({ padding: [[1, 0], [0, 2]], dim_ordering: 'th' }), [1, 2, 2, 3]);
  checkLayerGrad('Cropping3D', () => Cropping3D({ cropping: [[1, 0], [0, 1], [1, 1]] }), [1, 3, 3, 3, 2]);
  checkLayerGrad('UpSampling1D', () => UpSampling1D(3), [2, 3, 2]);
  checkLayerGrad('ZeroPadding1D', () => ZeroPadding1D([2, 1]), [2, 3, 2]);
  checkLayerGrad('ZeroPadding3D', () => ZeroPadding3D({ padding: [1, 0, 1] }), [1, 2, 2, 2, 2]);
  checkLayerGrad('Cropping1D', () => Cropping1D([1, 2]), [2, 5, 2]);
  checkLayerGrad('Cropping2D', () => Cropping2D({ cropping: [[1, 0], [1, 1]] }), [1, 3, 4, 2]);
  checkLayerGrad('UpSampling3D th', () => UpSampling3D({ size: [2, 1, 2], dim_ordering: 'th' }), [1, 2, 2, 2, 2]);
});
