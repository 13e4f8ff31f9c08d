import { concatCpu, transposeCpu } from '@kerasgpu/core';
import type { NdArray } from '../hdf5/arrays.js';

/** Host-side array rearrangements for weight conversion (the CPU layout kernels on NdArrays). */

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function reshapeNd(a: NdArray, shape: number[]): NdArray {
  if (size(shape) !== a.data.length) throw new RangeError(`cannot reshape [${a.shape.join(', ')}] to [${shape.join(', ')}]`);
  return { shape, data: a.data };
}

/** out.shape[i] = a.shape[perm[i]]. */
export function transposeNd(a: NdArray, perm: readonly number[]): NdArray {
  const out = new Float32Array(a.data.length);
  transposeCpu(a.data, a.shape, perm, out);
  return { shape: perm.map((p) => a.shape[p]!), data: out };
}

/** Reverses the listed axes (numpy's a[::-1] on each). */
export function reverseAxesNd(a: NdArray, axes: readonly number[]): NdArray {
  const strides = a.shape.map((_, i) => size(a.shape.slice(i + 1)));
  const out = new Float32Array(a.data.length);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < a.shape.length; d++) {
      const idx = Math.floor(o / strides[d]!) % a.shape[d]!;
      src += (axes.includes(d) ? a.shape[d]! - 1 - idx : idx) * strides[d]!;
    }
    out[o] = a.data[src]!;
  }
  return { shape: [...a.shape], data: out };
}

/** Concatenates along the last axis (all other dims equal). */
export function concatLastNd(xs: readonly NdArray[]): NdArray {
  const axis = xs[0]!.shape.length - 1;
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((n, x) => n + x.shape[axis]!, 0);
  const out = new Float32Array(size(shape));
  concatCpu(xs.map((x) => x.data), xs.map((x) => x.shape), axis, out);
  return { shape, data: out };
}

/** Splits the last axis into `n` equal parts (inverse of concatLastNd). */
export function splitLastNd(a: NdArray, n: number): NdArray[] {
  const last = a.shape.at(-1)!;
  const part = last / n;
  const rows = a.data.length / last;
  return Array.from({ length: n }, (_, k) => {
    const out = new Float32Array(rows * part);
    for (let r = 0; r < rows; r++) out.set(a.data.subarray(r * last + k * part, r * last + (k + 1) * part), r * part);
    return { shape: [...a.shape.slice(0, -1), part], data: out };
  });
}
