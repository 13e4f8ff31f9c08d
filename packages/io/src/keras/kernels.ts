import { KERAS1_LSTM_GATES, tfToThKernelPerm, thToTfKernelPerm } from '@kerasgpu/layers';
import type { NdArray } from '../hdf5/arrays.js';
import type { DimOrdering } from './version.js';
import { concatLastNd, reshapeNd, reverseAxesNd, splitLastNd, transposeNd } from './ndarray.js';

/** Conversions between weight layouts, each the inverse of its partner (tested as round trips). */

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** Keras 1 'th' kernel (out, in, *spatial) -> (*spatial, in, out), Keras 2's transpose (2,3,1,0). */
export function thKernelToTf(k: NdArray): NdArray {
  return transposeNd(k, thToTfKernelPerm(k.shape.length));
}

/** (*spatial, in, out) -> (out, in, *spatial). */
export function tfKernelToTh(k: NdArray): NdArray {
  return transposeNd(k, tfToThKernelPerm(k.shape.length));
}

/**
 * Keras's `convert_kernel`: reverses every spatial axis of a (*spatial, in, out) kernel, turning
 * Theano's true convolution into the cross-correlation TensorFlow (and we) compute, and back.
 */
export function flipKernel(k: NdArray): NdArray {
  return reverseAxesNd(k, range(0, k.shape.length - 2));
}

/**
 * Keras 1 LSTM's 12 arrays, stored per gate in the order i, c, f, o as (W, U, b) each, fused into
 * Keras 2's kernel / recurrent_kernel / bias with column blocks in the order i, f, c, o.
 */
export function lstmKeras1ToKeras2(ws: readonly NdArray[]): NdArray[] {
  if (ws.length !== 12) throw new RangeError(`Keras 1 LSTM weights: expected 12 arrays, got ${ws.length}`);
  return [0, 1, 2].map((j) => concatLastNd(KERAS1_LSTM_GATES.map((g) => ws[3 * g + j]!)));
}

/** Inverse of lstmKeras1ToKeras2. */
export function lstmKeras2ToKeras1(ws: readonly NdArray[]): NdArray[] {
  const [k, r, b] = ws.map((w) => splitLastNd(w, 4)); // blocks i, f, c, o
  // Stored gate s is fused block j where KERAS1_LSTM_GATES[j] = s.
  return [0, 1, 2, 3].map((stored) => KERAS1_LSTM_GATES.indexOf(stored)).flatMap((j) => [k![j]!, r![j]!, b![j]!]);
}

/**
 * Keras 1 ConvLSTM2D's 12 arrays (W, U, b per gate, stored i, c, f, o; 'th' kernels (filters,
 * stack, rows, cols)) fused as Keras 2's kernel / recurrent_kernel / bias. Keras 2's own loader
 * concatenates 'th' kernels before transposing them, which joins the gates along the kernel's
 * columns; transposing each gate's kernel first is what Keras 1 computed.
 */
export function convLstmKeras1ToKeras2(ws: readonly NdArray[], ordering: DimOrdering): NdArray[] {
  if (ws.length !== 12) throw new RangeError(`Keras 1 ConvLSTM2D weights: expected 12 arrays, got ${ws.length}`);
  return lstmKeras1ToKeras2(ws.map((w, i) => (ordering === 'th' && i % 3 !== 2 ? thKernelToTf(w) : w)));
}

/** Keras 1 GRU's 9 arrays (W, U, b for z, r, h) fused into Keras 2's three, blocks z, r, h. */
export function gruKeras1ToKeras2(ws: readonly NdArray[]): NdArray[] {
  if (ws.length !== 9) throw new RangeError(`Keras 1 GRU weights: expected 9 arrays, got ${ws.length}`);
  return [0, 1, 2].map((j) => concatLastNd([0, 1, 2].map((g) => ws[3 * g + j]!)));
}

/**
 * Keras's `convert_dense_weights_data_format`: a Dense kernel that follows a Flatten was trained
 * on features flattened in one image ordering; reorder its rows for the other. `featureShape` is
 * the feature map's shape in the `from` ordering ((C, H, W) for 'th', (H, W, C) for 'tf').
 */
export function permuteDenseRowsForFlatten(kernel: NdArray, featureShape: readonly number[], from: DimOrdering): NdArray {
  const n = featureShape.length;
  const units = kernel.shape[1]!;
  const perm = from === 'th' ? [...range(1, n), 0, n] : [n - 1, ...range(0, n - 1), n];
  const moved = transposeNd(reshapeNd(kernel, [...featureShape, units]), perm);
  return reshapeNd(moved, [kernel.shape[0]!, units]);
}
