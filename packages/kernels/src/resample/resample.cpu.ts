import type { DataArray } from '../types.js';

/**
 * Affine resampling of NHWC images (image augmentation): output pixel (row, col) of image b
 * takes the input pixel nearest to M_b · (row, col, 1), as scipy.ndimage.affine_transform with
 * order=0 (Keras 1's apply_transform); positions outside the image are mapped back by the fill
 * mode, or take `cval` ('constant').
 */
export type FillMode = 'constant' | 'nearest' | 'reflect' | 'wrap';
export const FILL_MODES: readonly FillMode[] = ['constant', 'nearest', 'reflect', 'wrap'];

export interface AffineResampleAttrs { fillMode: FillMode; cval: number }

/** Values per image in the matrices input: rows 0 and 1 of the 3x3 map (row 2 is 0 0 1). */
export const AFFINE_ROW_VALUES = 6;

/**
 * The sample index along an axis of length n: round half up, saturated to the i32 range (as
 * WGSL's f32 -> i32 conversion), then mapped into [0, n) by the fill mode; -1 means "use cval".
 */
export function fillIndex(position: number, n: number, mode: FillMode): number {
  const i = Math.max(-2147483648, Math.min(2147483647, Math.floor(position + 0.5)));
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant': return -1;
    case 'nearest': return i < 0 ? 0 : n - 1;
    case 'wrap': return ((i % n) + n) % n;
    case 'reflect': {
      // Half-sample symmetric: d c b a | a b c d | d c b a.
      const period = 2 * n;
      const k = ((i % period) + period) % period;
      return k < n ? k : period - 1 - k;
    }
  }
}

/** Reference: `out` [n, h, w, c] from `images` [n, h, w, c] and `matrices` [n, 6]. */
export function affineResampleCpu(images: DataArray, shape: readonly number[], matrices: DataArray, a: AffineResampleAttrs, out: DataArray): void {
  const [n, h, w, c] = shape as [number, number, number, number];
  for (let b = 0; b < n; b++) {
    const m = matrices.subarray(b * AFFINE_ROW_VALUES, (b + 1) * AFFINE_ROW_VALUES);
    const base = b * h * w * c;
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        const sr = fillIndex(m[0]! * r + m[1]! * col + m[2]!, h, a.fillMode);
        const sc = fillIndex(m[3]! * r + m[4]! * col + m[5]!, w, a.fillMode);
        const o = base + (r * w + col) * c;
        if (sr < 0 || sc < 0) out.fill(a.cval, o, o + c);
        else out.set(images.subarray(base + (sr * w + sc) * c, base + (sr * w + sc + 1) * c), o);
      }
    }
  }
}
