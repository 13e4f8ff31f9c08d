import type { DataArray } from '../types.js';

/**
 * Calls `fn` for each row of length `n` of x with the row's max m and S = Σ exp(x − m) (the
 * max-shift keeps exp finite; a NaN in the row makes both NaN). The one row softmax of the CPU
 * references: softmax(x)_j = exp(x_j − m) / S, log softmax(x)_j = x_j − m − log S.
 */
export function forEachSoftmaxRow(x: DataArray, n: number, fn: (row: number, base: number, m: number, s: number) => void): void {
  const rows = n === 0 ? 0 : x.length / n;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[base + j]!);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(x[base + j]! - m);
    fn(r, base, m, s);
  }
}

/** Softmax (or log-softmax) over the last axis of rows of length `n`, max-shifted for stability. */
export function softmaxCpu(x: DataArray, n: number, log: boolean, out: DataArray): void {
  forEachSoftmaxRow(x, n, (_, o, max, sum) => {
    for (let j = 0; j < n; j++) {
      const shifted = x[o + j]! - max;
      out[o + j] = log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
    }
  });
}
