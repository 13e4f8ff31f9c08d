import { argMax, cast, equal, max, mean, reshape, round, type Tensor } from '@kerasgpu/core';
import { binaryCrossentropy, lossName, losses, sparseCategoricalCrossentropy, type LossFn } from './losses.js';
import { didYouMean } from './utils/closest.js';
import { ValueError } from './utils/errors.js';
import { Registry } from './utils/registry.js';

/** A metric gives a value per sample (averaged by the loop) or a dict of named values. */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor | Record<string, Tensor>;

const asFloat = (t: Tensor) => cast(t, 'float32');
export const binaryAccuracy: MetricFn = (t, p) => mean(asFloat(equal(t, round(p))), -1);
export const categoricalAccuracy: MetricFn = (t, p) => asFloat(equal(argMax(t, -1), argMax(p, -1)));
export const sparseCategoricalAccuracy: MetricFn = (t, p) => {
  const labels = t.rank === p.rank ? reshape(max(t, -1), t.shape.slice(0, -1)) : t;
  return asFloat(equal(cast(labels, 'int32'), argMax(p, -1)));
};

export const metrics = new Registry<MetricFn>('metric');
metrics.register('binary_accuracy', binaryAccuracy);
metrics.register('categorical_accuracy', categoricalAccuracy);
metrics.register('sparse_categorical_accuracy', sparseCategoricalAccuracy);

export interface ResolvedMetric { name: string; fn: MetricFn }

/**
 * 'accuracy' / 'acc' picks binary, sparse or categorical accuracy from the loss and the output
 * width, as Keras 1.2 does, and logs as 'acc'. Loss names log under the loss's full name.
 */
export function resolveMetric(id: string | MetricFn, loss: LossFn, outputShape: readonly (number | null)[]): ResolvedMetric {
  if (typeof id === 'function') return { name: id.name || 'metric', fn: id };
  if (id === 'accuracy' || id === 'acc') {
    const fn = outputShape[outputShape.length - 1] === 1 || loss === binaryCrossentropy ? binaryAccuracy
      : loss === sparseCategoricalCrossentropy ? sparseCategoricalAccuracy : categoricalAccuracy;
    return { name: 'acc', fn };
  }
  if (metrics.has(id)) return { name: id, fn: metrics.get(id) };
  if (losses.has(id)) {
    const fn = losses.get(id);
    return { name: lossName(fn), fn };
  }
  throw new ValueError(`unknown metric '${id}'${didYouMean(id, ['accuracy', 'acc', ...metrics.names(), ...losses.names()])}`);
}
