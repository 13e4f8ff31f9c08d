import { sizeOf, stridesOf, type Shape } from '../shape.js';
import type { DataArray } from '../types.js';

/** `mean`: the sum, stored as the output's dtype, divided by the number of reduced elements (as sum then divide). */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min' | 'prod';
export type ArgReduceOp = 'argmax' | 'argmin';

const INIT: Record<ReduceOp, number> = { sum: 0, mean: 0, prod: 1, max: -Infinity, min: Infinity };
const COMBINE: Record<ReduceOp, (acc: number, v: number) => number> = {
  sum: (acc, v) => acc + v,
  mean: (acc, v) => acc + v,
  prod: (acc, v) => acc * v,
  // NaN propagates, as in NumPy.
  max: (acc, v) => (v > acc || Number.isNaN(v) ? v : acc),
  min: (acc, v) => (v < acc || Number.isNaN(v) ? v : acc),
};

/** Maps every input element to its output element when `axes` are reduced away (keepDims layout). */
function outIndexer(shape: Shape, axes: readonly number[]): (i: number) => number {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const inStrides = stridesOf(shape);
  const outStrides = stridesOf(outShape);
  return (i) => {
    let o = 0;
    for (let d = 0; d < shape.length; d++) {
      if (axes.includes(d)) continue;
      o += Math.floor(i / inStrides[d]!) % shape[d]! * outStrides[d]!;
    }
    return o;
  };
}

/** Reduces `x` over `axes`; `out` has the size of the shape with those axes removed. */
export function reduceCpu(op: ReduceOp, x: DataArray, shape: Shape, axes: readonly number[], out: DataArray): void {
  // Accumulate in float64: an Int32Array cannot hold the ±Infinity that max/min start from.
  const acc = new Float64Array(out.length).fill(INIT[op]);
  const f = COMBINE[op];
  const at = outIndexer(shape, axes);
  for (let i = 0; i < sizeOf(shape); i++) {
    const o = at(i);
    acc[o] = f(acc[o]!, x[i]!);
  }
  out.set(acc);
  if (op !== 'mean') return;
  const count = axes.reduce((n, a) => n * shape[a]!, 1);
  for (let o = 0; o < out.length; o++) out[o] = out[o]! / count;
}

/** Index of the first max (min) along `axis`; a NaN beats every number (NumPy: the first NaN's index). */
export function argReduceCpu(op: ArgReduceOp, x: DataArray, shape: Shape, axis: number, out: DataArray): void {
  const n = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const beats = op === 'argmax' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  const better = (v: number, b: number) => beats(v, b) || (Number.isNaN(v) && !Number.isNaN(b));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let best = x[o * n * inner + j]!;
      let bestK = 0;
      for (let k = 1; k < n; k++) {
        const v = x[(o * n + k) * inner + j]!;
        if (better(v, best)) { best = v; bestK = k; }
      }
      out[o * inner + j] = bestK;
    }
  }
}
