import type { DataArray } from '../types.js';

/** Softmax (or log-softmax) over the last axis of rows of length `n`, max-shifted for stability. */
export function softmaxCpu(x: DataArray, n: number, log: boolean, out: DataArray): void {
  for (let r = 0; r < x.length / n; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, x[o + j]!);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(x[o + j]! - max);
    for (let j = 0; j < n; j++) {
      const shifted = x[o + j]! - max;
      out[o + j] = log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
    }
  }
}
