import { forEachIndex, sizeOf, stridesOf, type Shape } from '../shape.js';
import type { DataArray } from '../types.js';

/** out = x with axes permuted: out.shape[i] = shape[perm[i]]. */
export function transposeCpu(x: DataArray, shape: Shape, perm: readonly number[], out: DataArray): void {
  const inStrides = stridesOf(shape);
  forEachIndex(perm.map((p) => shape[p]!), [perm.map((p) => inStrides[p]!)], (o, [i]) => {
    out[o] = x[i!]!;
  });
}

/** out = x[begin : begin + size] per axis. */
export function sliceCpu(x: DataArray, shape: Shape, begin: readonly number[], size: readonly number[], out: DataArray): void {
  const inStrides = stridesOf(shape);
  const base = begin.reduce((acc, b, d) => acc + b * inStrides[d]!, 0);
  forEachIndex(size, [inStrides], (o, [i]) => {
    out[o] = x[base + i!]!;
  });
}

/** Concatenates along `axis`. */
export function concatCpu(xs: readonly DataArray[], shapes: readonly Shape[], axis: number, out: DataArray): void {
  const outer = sizeOf(shapes[0]!.slice(0, axis));
  const rows = shapes.map((s) => sizeOf(s.slice(axis)));
  const outRow = rows.reduce((a, b) => a + b, 0);
  let col = 0;
  xs.forEach((x, t) => {
    const r = rows[t]!;
    for (let o = 0; o < outer; o++) for (let j = 0; j < r; j++) out[o * outRow + col + j] = x[o * r + j]!;
    col += r;
  });
}

/** Pads each axis by [before, after] with `value`. */
export function padCpu(x: DataArray, shape: Shape, paddings: readonly (readonly [number, number])[], value: number, out: DataArray): void {
  const outShape = shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const outStrides = stridesOf(outShape);
  out.fill(value);
  const base = paddings.reduce((acc, p, d) => acc + p[0] * outStrides[d]!, 0);
  forEachIndex(shape, [outStrides], (i, [o]) => {
    out[base + o!] = x[i]!;
  });
}

/** Repeats x `reps[d]` times along each axis. */
export function tileCpu(x: DataArray, shape: Shape, reps: readonly number[], out: DataArray): void {
  const outShape = shape.map((d, i) => d * reps[i]!);
  const inStrides = stridesOf(shape);
  const outStrides = stridesOf(outShape);
  for (let o = 0; o < out.length; o++) {
    let i = 0;
    for (let d = 0; d < shape.length; d++) i += (Math.floor(o / outStrides[d]!) % outShape[d]!) % shape[d]! * inStrides[d]!;
    out[o] = x[i]!;
  }
}

/** out = x indexed by `indices` along `axis` (indices of any shape, replacing that axis). */
export function gatherCpu(x: DataArray, shape: Shape, indices: DataArray, axis: number, out: DataArray): void {
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const n = shape[axis]!;
  const m = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < m; t++) {
      const k = indices[t]!;
      for (let j = 0; j < inner; j++) out[(o * m + t) * inner + j] = k >= 0 && k < n ? x[(o * n + k) * inner + j]! : 0;
    }
  }
}

/** The transpose of gather: out (axis length n) accumulates updates at `indices`. */
export function scatterAddCpu(updates: DataArray, indices: DataArray, outShape: Shape, axis: number, out: DataArray): void {
  const outer = sizeOf(outShape.slice(0, axis));
  const inner = sizeOf(outShape.slice(axis + 1));
  const n = outShape[axis]!;
  const m = indices.length;
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < m; t++) {
      const k = indices[t]!;
      if (k < 0 || k >= n) continue;
      for (let j = 0; j < inner; j++) out[(o * n + k) * inner + j]! += updates[(o * m + t) * inner + j]!;
    }
  }
}
