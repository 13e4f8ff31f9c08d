import { beforeAll, describe, expect, it } from 'vitest';
import {
  AveragePooling3D, GlobalAveragePooling3D, GlobalMaxPooling3D, MaxPooling3D, deserializeLayer, mul, randomUniform, sum, transpose, valueAndGrads, type Tensor,
} from '@kerasgpu/layers';
import { checkLayerGrad } from './grad-check.js';
import { expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

/** TensorFlow's window geometry along one axis: output size and padding before. */
function axis(size: number, k: number, s: number, same: boolean): { out: number; before: number } {
  if (!same) return { out: Math.ceil((size - k + 1) / s), before: 0 };
  const out = Math.ceil(size / s);
  return { out, before: Math.floor(Math.max(0, (out - 1) * s + k - size) / 2) };
}

/** 3-D pooling of a channels-last [b, d, h, w, c] array by loops; padded cells are skipped (TensorFlow). */
function pool3d(x: number[], [b, d, h, w, c]: number[], k: number[], s: number[], same: boolean, kind: 'max' | 'avg'): number[] {
  const g = [d, h, w].map((n, i) => axis(n!, k[i]!, s[i]!, same));
  const out: number[] = [];
  for (let n = 0; n < b!; n++) for (let od = 0; od < g[0]!.out; od++) for (let oh = 0; oh < g[1]!.out; oh++) for (let ow = 0; ow < g[2]!.out; ow++) for (let ch = 0; ch < c!; ch++) {
    const cells: number[] = [];
    for (let i = 0; i < k[0]!; i++) for (let j = 0; j < k[1]!; j++) for (let l = 0; l < k[2]!; l++) {
      const [z, y, xx] = [od * s[0]! - g[0]!.before + i, oh * s[1]! - g[1]!.before + j, ow * s[2]! - g[2]!.before + l];
      if (z < 0 || z >= d! || y < 0 || y >= h! || xx < 0 || xx >= w!) continue;
      cells.push(x[(((n * d! + z) * h! + y) * w! + xx) * c! + ch]!);
    }
    out.push(kind === 'max' ? Math.max(...cells) : cells.reduce((a, v) => a + v, 0) / cells.length);
  }
  return out;
}

describe('MaxPooling3D and AveragePooling3D', () => {
  const cases = [
    [[2, 3, 3], [1, 2, 2], false], [[2, 2, 2], null, true], [[3, 2, 2], [2, 1, 2], true], [[2, 3, 2], [2, 2, 1], false],
  ] as const;
  for (const [k, s, same] of cases) {
    it(`pool ${k.join('x')}, strides ${s?.join('x') ?? 'pool'}, ${same ? 'same' : 'valid'}: tf and th match loops`, async () => {
      const shape = [2, 5, 4, 5, 3];
      const x = randomUniform(shape, -1, 1);
      const xs = await values(x);
      for (const [Cls, kind] of [[MaxPooling3D, 'max'], [AveragePooling3D, 'avg']] as const) {
        const opts = { pool_size: [...k], strides: s === null ? null : [...s], border_mode: same ? 'same' : 'valid' };
        const want = pool3d(xs, shape, [...k], [...(s ?? k)], same, kind);
        const tf = Cls(opts).apply(x) as Tensor;
        expectClose(await values(tf), want);
        const th = Cls({ ...opts, dim_ordering: 'th' }).apply(transpose(x, [0, 4, 1, 2, 3])) as Tensor;
        expectClose(await values(transpose(th, [0, 2, 3, 4, 1])), want);
      }
    });
  }

  it('configs: Keras 1 (border_mode, dim_ordering) in, Keras 2 out, round trip', () => {
    const l = deserializeLayer({ class_name: 'AveragePooling3D', config: { name: 'p', trainable: true, pool_size: [2, 2, 2], strides: null, border_mode: 'same', dim_ordering: 'th' } });
    expect(l.getConfig()).toEqual({ name: 'p', trainable: true, pool_size: [2, 2, 2], strides: [2, 2, 2], padding: 'same', data_format: 'channels_first' });
    const cfg = MaxPooling3D([1, 2, 3], { strides: 1, padding: 'valid' }).getConfig();
    expect(deserializeLayer({ class_name: 'MaxPooling3D', config: cfg }).getConfig()).toEqual(cfg);
    expect(() => AveragePooling3D([2, 2])).toThrow(/AveragePooling3D: pool size must be a positive integer or 3 of them/);
  });

  checkLayerGrad('AveragePooling3D same', () => AveragePooling3D({ pool_size: [2, 2, 3], strides: [1, 2, 2], padding: 'same' }), [1, 3, 3, 4, 2]);
});

describe('GlobalMaxPooling3D and GlobalAveragePooling3D', () => {
  it('reduce every spatial axis, by ordering; configs round trip', async () => {
    const x = randomUniform([2, 3, 2, 4, 5]);
    const xs = await values(x);
    const reduce = (axes: number[], f: (v: number[]) => number) => {
      const keep = [0, 1, 2, 3, 4].filter((a) => !axes.includes(a));
      const strides = [120, 40, 20, 5, 1];
      const groups = new Map<string, number[]>();
      xs.forEach((v, i) => {
        const key = keep.map((a) => Math.floor(i / strides[a]!) % [2, 3, 2, 4, 5][a]!).join();
        groups.set(key, [...(groups.get(key) ?? []), v]);
      });
      return [...groups.values()].map(f);
    };
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expectClose(await values(GlobalMaxPooling3D().apply(x) as Tensor), reduce([1, 2, 3], (v) => Math.max(...v)));
    expectClose(await values(GlobalAveragePooling3D().apply(x) as Tensor), reduce([1, 2, 3], mean));
    const th = GlobalAveragePooling3D({ dim_ordering: 'th' });
    expect(th.computeOutputShape([null, 3, 2, 4, 5])).toEqual([null, 3]);
    expectClose(await values(th.apply(x) as Tensor), reduce([2, 3, 4], mean));
    const cfg = th.getConfig();
    expect(cfg).toMatchObject({ data_format: 'channels_first' });
    expect(deserializeLayer({ class_name: 'GlobalAveragePooling3D', config: cfg }).getConfig()).toEqual(cfg);
    expect(() => GlobalMaxPooling3D().computeOutputShape([null, 3, 4])).toThrow(/GlobalMaxPooling3D expects inputs of rank 5/);
  });

  checkLayerGrad('GlobalAveragePooling3D', () => GlobalAveragePooling3D(), [2, 2, 3, 2, 3]);

  // Finite differences are unreliable across a max's near-ties, so the max gradient is checked exactly:
  // each output's weight lands on its window's arg-max and nowhere else.
  it('GlobalMaxPooling3D and MaxPooling3D route the gradient to each window\'s arg-max', async () => {
    const x = randomUniform([2, 2, 3, 2, 3]);
    const xs = await values(x);
    for (const [layer, windowOf] of [
      [GlobalMaxPooling3D(), (i: number) => `${Math.floor(i / 36)},${i % 3}`],
      [MaxPooling3D([2, 1, 2]), (i: number) => `${Math.floor(i / 36)},${Math.floor(i / 6) % 3},${i % 3}`], // windows 2×1×2 over (2, 3, 2): one per (batch, row, channel)
    ] as const) {
      const y = layer.apply(x) as Tensor;
      const w = randomUniform(y.shape as number[], 1, 2);
      const { grads } = valueAndGrads((xx) => sum(mul(layer.call(xx!) as Tensor, w)))([x]);
      const g = await values(grads[0]!);
      const ws = await values(w);
      const groups = new Map<string, number[]>();
      xs.forEach((_, i) => groups.set(windowOf(i), [...(groups.get(windowOf(i)) ?? []), i]));
      const want = new Array<number>(xs.length).fill(0);
      [...groups.values()].forEach((idx, o) => { want[idx.reduce((a, b) => (xs[b]! > xs[a]! ? b : a))] = ws[o]!; });
      expectClose(g, want);
    }
  });
});
