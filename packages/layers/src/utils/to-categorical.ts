import { cast, oneHot, reshape, Tensor, tensor, tidy, type TensorLike } from '@kerasgpu/core';
import { firstBadLabel } from './class-labels.js';
import { ValueError } from './errors.js';

/** Host labels flattened, for checking before they are uploaded. */
function hostLabels(labels: Exclude<TensorLike, Tensor>): number[] {
  if (typeof labels === 'number' || typeof labels === 'boolean') return [Number(labels)];
  if (ArrayBuffer.isView(labels)) return Array.from(labels, Number);
  return (labels as unknown[]).flat(Infinity).map((v) => (typeof v === 'boolean' ? Number(v) : (v as number)));
}

/** Host labels must be class indices (see firstBadLabel); without nbClasses, Keras's max + 1. */
function checkHostLabels(values: readonly number[], nbClasses: number | undefined): number {
  if (values.length === 0) throw new ValueError('toCategorical: no labels given');
  const k = firstBadLabel(values, nbClasses);
  if (k >= 0) {
    const v = values[k]!;
    throw new ValueError(nbClasses !== undefined && Number.isInteger(v) && v >= nbClasses
      ? `toCategorical: label ${v} at flat index ${k} is out of range for nbClasses ${nbClasses} (classes are 0..${nbClasses - 1})`
      : `toCategorical: labels must be non-negative integer class indices, got ${String(v)} at flat index ${k}`);
  }
  return nbClasses ?? values.reduce((m, v) => Math.max(m, v), 0) + 1; // no spread: label arrays can be long
}

/**
 * Keras's to_categorical: integer class labels (any shape, e.g. (n, 1)) to one-hot rows of
 * length nbClasses, shape (n, nbClasses). Host labels are checked, and without nbClasses the
 * count is max + 1 as in Keras. A Tensor's labels live on the device and cannot be read here
 * synchronously, so a Tensor needs nbClasses.
 */
export function toCategorical(labels: TensorLike, nbClasses?: number): Tensor {
  if (nbClasses !== undefined && !(Number.isInteger(nbClasses) && nbClasses > 0)) {
    throw new ValueError(`toCategorical: nbClasses must be a positive integer, got ${nbClasses}`);
  }
  if (labels instanceof Tensor) {
    if (nbClasses === undefined) throw new ValueError('toCategorical: a Tensor of labels needs nbClasses (its values are on the device); pass toCategorical(y, nbClasses)');
    return tidy(() => oneHot(cast(reshape(labels, [-1]), 'int32'), nbClasses));
  }
  const n = checkHostLabels(hostLabels(labels), nbClasses);
  return tidy(() => oneHot(cast(reshape(tensor(labels), [-1]), 'int32'), n));
}
