import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AFFINE_ROW_VALUES, affineResampleCpu, type FillMode } from '@kerasgpu/kernels';
import { NO_TRANSFORM, transformMatrix, type TransformParams } from '../src/preprocessing/affine.js';

/** Applies one transform to one HWC image with the affineResample reference kernel. */
function apply(img: number[], [h, w, c]: [number, number, number], p: Partial<TransformParams>, fill: FillMode = 'constant', cval = 0): number[] {
  const m = transformMatrix({ ...NO_TRANSFORM, ...p }, h, w);
  const out = new Float32Array(img.length);
  affineResampleCpu(Float32Array.from(img), [1, h, w, c], Float64Array.from(m.slice(0, AFFINE_ROW_VALUES)), { fillMode: fill, cval }, out);
  return Array.from(out);
}
const iota = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
/** Pixel (r, col, ch) of an HWC image as a flat array. */
const at = (img: number[], w: number, c: number) => (r: number, col: number, ch = 0) => img[(r * w + col) * c + ch]!;

describe('affine augmentation (one resampling pass)', () => {
  it('a rotation by 90 degrees is a transpose and a flip, for any square image', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), (n, c) => {
      const img = iota(n * n * c);
      const px = at(img, n, c);
      const plus = at(apply(img, [n, n, c], { theta: 90 }), n, c);
      const minus = at(apply(img, [n, n, c], { theta: -90 }), n, c);
      for (let r = 0; r < n; r++) for (let col = 0; col < n; col++) for (let ch = 0; ch < c; ch++) {
        expect(plus(r, col, ch)).toBe(px(n - 1 - col, r, ch));
        expect(minus(r, col, ch)).toBe(px(col, n - 1 - r, ch));
      }
    }));
  });

  it('a shift moves known pixels and fills what comes in', () => {
    // 3 x 4, one channel: row r holds 10r + col.
    const img = [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23];
    // tx = 1 (height shift): output row r samples input row r + 1, the last row is filled.
    expect(apply(img, [3, 4, 1], { tx: 1 }, 'constant', -1)).toEqual([10, 11, 12, 13, 20, 21, 22, 23, -1, -1, -1, -1]);
    // ty = -2 (width shift): output column c samples column c - 2, the image moves right.
    expect(apply(img, [3, 4, 1], { ty: -2 }, 'constant', -1)).toEqual([-1, -1, 0, 1, -1, -1, 10, 11, -1, -1, 20, 21]);
  });

  it.each<[FillMode, number[]]>([
    ['constant', [3, 4, 9, 9]],
    ['nearest', [3, 4, 4, 4]],
    ['reflect', [3, 4, 4, 3]], // d c b a | a b c d | d c b a
    ['wrap', [3, 4, 1, 2]], // a b c d | a b c d
  ])('fill mode %s fills as specified', (mode, want) => {
    expect(apply([1, 2, 3, 4], [1, 4, 1], { ty: 2 }, mode, 9)).toEqual(want);
    // And on the other side: output column c samples c - 3.
    const left = { constant: [9, 9, 9, 1], nearest: [1, 1, 1, 1], reflect: [3, 2, 1, 1], wrap: [2, 3, 4, 1] }[mode];
    expect(apply([1, 2, 3, 4], [1, 4, 1], { ty: -3 }, mode, 9)).toEqual(left);
  });

  it('flips mirror the columns (horizontal) or rows (vertical), also after another transform', () => {
    const img = iota(6); // 2 x 3
    expect(apply(img, [2, 3, 1], { flipCols: true })).toEqual([3, 2, 1, 6, 5, 4]);
    expect(apply(img, [2, 3, 1], { flipRows: true })).toEqual([4, 5, 6, 1, 2, 3]);
    // Shift then flip, in the same single pass: flip(shift(x)).
    const shifted = apply(img, [2, 3, 1], { ty: 1 }, 'constant', 0);
    expect(apply(img, [2, 3, 1], { ty: 1, flipCols: true }, 'constant', 0)).toEqual([shifted[2], shifted[1], shifted[0], shifted[5], shifted[4], shifted[3]]);
  });

  it('zoom scales sample positions about the centre (2 = show the middle half, enlarged)', () => {
    const img = iota(25); // 5 x 5, centre (2, 2)
    const out = at(apply(img, [5, 5, 1], { zx: 2, zy: 2 }, 'constant', 0), 5, 1);
    const px = at(img, 5, 1);
    for (const r of [1, 2, 3]) for (const c of [1, 2, 3]) expect(out(r, c)).toBe(px(2 * r - 2, 2 * c - 2));
    expect(out(0, 0)).toBe(0);
  });

  it('the identity transform returns the image unchanged', () => {
    const img = iota(2 * 3 * 4);
    expect(apply(img, [2, 3, 4], {})).toEqual(img);
  });
});
