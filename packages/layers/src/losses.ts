import {
  abs, add, cast, clip, div, log, maximum, mean, mul, neg, oneHot, reshape, sqrt, square, sub, sum, type Tensor,
} from '@kerasgpu/core';
import { Registry } from './utils/registry.js';

/** Keras's fuzz factor (K.epsilon()). */
export const EPSILON = 1e-7;

/** Keras 2 argument order (yTrue, yPred); returns one value per sample (or per timestep). */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

const clipP = (p: Tensor) => clip(p, EPSILON, 1 - EPSILON);
const l2Normalize = (x: Tensor) => div(x, sqrt(maximum(sum(square(x), -1, true), 1e-12)));

export const meanSquaredError: LossFn = (t, p) => mean(square(sub(p, t)), -1);
export const meanAbsoluteError: LossFn = (t, p) => mean(abs(sub(p, t)), -1);
export const meanAbsolutePercentageError: LossFn = (t, p) =>
  mul(mean(abs(div(sub(t, p), clip(abs(t), EPSILON, Number.MAX_VALUE))), -1), 100);
export const meanSquaredLogarithmicError: LossFn = (t, p) =>
  mean(square(sub(log(add(clip(p, EPSILON, Number.MAX_VALUE), 1)), log(add(clip(t, EPSILON, Number.MAX_VALUE), 1)))), -1);
export const squaredHinge: LossFn = (t, p) => mean(square(maximum(sub(1, mul(t, p)), 0)), -1);
export const hinge: LossFn = (t, p) => mean(maximum(sub(1, mul(t, p)), 0), -1);
export const binaryCrossentropy: LossFn = (t, p) => {
  const q = clipP(p);
  return mean(neg(add(mul(t, log(q)), mul(sub(1, t), log(sub(1, q))))), -1);
};
/** Normalises the predictions to sum 1, clips, sums over classes (Keras). */
export const categoricalCrossentropy: LossFn = (t, p) => neg(sum(mul(t, log(clipP(div(p, sum(p, -1, true))))), -1));
/** Integer targets, shape [..., 1] or [...] (Keras accepts both). */
export const sparseCategoricalCrossentropy: LossFn = (t, p) => {
  const depth = p.shape[p.rank - 1]!;
  const labels = cast(t.rank === p.rank ? reshape(t, t.shape.slice(0, -1)) : t, 'int32');
  return categoricalCrossentropy(oneHot(labels, depth, p.dtype), p);
};
export const kullbackLeiblerDivergence: LossFn = (t, p) => {
  const tc = clip(t, EPSILON, 1), pc = clip(p, EPSILON, 1);
  return sum(mul(tc, log(div(tc, pc))), -1);
};
export const poisson: LossFn = (t, p) => mean(sub(p, mul(t, log(add(p, EPSILON)))), -1);
export const cosineProximity: LossFn = (t, p) => neg(sum(mul(l2Normalize(t), l2Normalize(p)), -1));

/** Keras names and abbreviations; user code extends with `losses.register`. */
export const losses = new Registry<LossFn>('loss');
const TABLE: [string[], LossFn][] = [
  [['mean_squared_error', 'mse', 'MSE'], meanSquaredError],
  [['mean_absolute_error', 'mae', 'MAE'], meanAbsoluteError],
  [['mean_absolute_percentage_error', 'mape', 'MAPE'], meanAbsolutePercentageError],
  [['mean_squared_logarithmic_error', 'msle', 'MSLE'], meanSquaredLogarithmicError],
  [['squared_hinge'], squaredHinge],
  [['hinge'], hinge],
  [['binary_crossentropy'], binaryCrossentropy],
  [['categorical_crossentropy'], categoricalCrossentropy],
  [['sparse_categorical_crossentropy'], sparseCategoricalCrossentropy],
  [['kullback_leibler_divergence', 'kld', 'KLD'], kullbackLeiblerDivergence],
  [['poisson'], poisson],
  [['cosine_proximity', 'cosine'], cosineProximity],
];
for (const [names, fn] of TABLE) for (const n of names) losses.register(n, fn);
/** The canonical Keras name of a built-in loss (the first in its row), for metric names and configs. */
export function lossName(fn: LossFn): string {
  return TABLE.find(([, f]) => f === fn)?.[0][0] ?? (fn.name || 'custom_loss');
}

export type LossId = string | LossFn;
export function getLoss(id: LossId): LossFn {
  return typeof id === 'function' ? id : losses.get(id);
}
