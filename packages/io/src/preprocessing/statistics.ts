import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import type { HostArray } from './host.js';

/** Per-channel mean and (population) standard deviation of NHWC images, as numpy over axes (0, 1, 2). */
export function channelMoments(x: HostArray): { mean: Float64Array; std: Float64Array } {
  const c = x.shape[3]!;
  const n = x.data.length / c;
  const mean = new Float64Array(c), sq = new Float64Array(c);
  for (let i = 0; i < x.data.length; i++) mean[i % c]! += x.data[i]!;
  for (let k = 0; k < c; k++) mean[k]! /= n;
  for (let i = 0; i < x.data.length; i++) sq[i % c]! += (x.data[i]! - mean[i % c]!) ** 2;
  return { mean, std: sq.map((s) => Math.sqrt(s / n)) };
}

/**
 * Keras's ZCA whitening matrix: sigma = XᵀX / N over the flattened images, its SVD U S Uᵀ, and
 * U diag(1 / sqrt(S + 1e-6)) Uᵀ. Returned row-major, D x D.
 */
export function zcaMatrix(x: HostArray): Float64Array {
  const n = x.shape[0]!;
  const d = x.data.length / n;
  const flat = new Matrix(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) flat.set(i, j, x.data[i * d + j]!);
  const sigma = flat.transpose().mmul(flat).div(n);
  const svd = new SingularValueDecomposition(sigma, { autoTranspose: true });
  const u = svd.leftSingularVectors;
  const scaled = u.clone();
  svd.diagonal.forEach((s, k) => {
    const f = 1 / Math.sqrt(s + 1e-6);
    for (let i = 0; i < d; i++) scaled.set(i, k, scaled.get(i, k) * f);
  });
  return Float64Array.from(scaled.mmul(u.transpose()).to1DArray());
}
