import { forEachSoftmaxRow } from '../softmax/softmax.cpu.js';
import type { DataArray } from '../types.js';

/**
 * Softmax cross-entropy over rows of length `classes`: loss = −Σ_j y_j · log softmax(z)_j, with
 * labels y one-hot or any distribution; per row log softmax(z)_j = z_j − m − log S
 * (`forEachSoftmaxRow`).
 */
export function softmaxCrossEntropyCpu(z: DataArray, y: DataArray, classes: number, loss: DataArray): void {
  forEachSoftmaxRow(z, classes, (r, base, m, s) => {
    const logS = Math.log(s);
    let l = 0;
    for (let j = 0; j < classes; j++) l -= y[base + j]! * (z[base + j]! - m - logS);
    loss[r] = l;
  });
}

/**
 * Gradients of the loss weighted by dLoss (one per row): w.r.t. the logits
 * dLoss · (softmax(z) · Σ_j y_j − y) (= softmax − onehot for one-hot labels), and w.r.t. the
 * labels −dLoss · log softmax(z).
 */
export function softmaxCrossEntropyGradCpu(z: DataArray, y: DataArray, dLoss: DataArray, classes: number, dz: DataArray, dy: DataArray): void {
  forEachSoftmaxRow(z, classes, (r, base, m, s) => {
    const logS = Math.log(s);
    let ySum = 0;
    for (let j = 0; j < classes; j++) ySum += y[base + j]!;
    for (let j = 0; j < classes; j++) {
      const logP = z[base + j]! - m - logS;
      dz[base + j] = dLoss[r]! * (Math.exp(logP) * ySum - y[base + j]!);
      dy[base + j] = -dLoss[r]! * logP;
    }
  });
}
