import type { DataArray } from '../types.js';

/**
 * Batched matrix product C[b] = op(A[b]) · op(B[b]), op = optional transpose.
 * A batch is [..., m, k] (or [..., k, m] transposed); batch dims broadcast: `aBatch[i]`/`bBatch[i]`
 * give, for output batch i, which matrix of A/B to read.
 */
export interface MatMulGeometry {
  m: number; n: number; k: number;
  transposeA: boolean; transposeB: boolean;
  aBatch: readonly number[]; bBatch: readonly number[];
}

export function matMulCpu(a: DataArray, b: DataArray, out: DataArray, g: MatMulGeometry): void {
  const { m, n, k, transposeA, transposeB } = g;
  for (let batch = 0; batch < g.aBatch.length; batch++) {
    const aOff = g.aBatch[batch]! * m * k;
    const bOff = g.bBatch[batch]! * k * n;
    const cOff = batch * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = a[aOff + (transposeA ? p * m + i : i * k + p)]!;
          const bv = b[bOff + (transposeB ? j * k + p : p * n + j)]!;
          acc += av * bv;
        }
        out[cOff + i * n + j] = acc;
      }
    }
  }
}
