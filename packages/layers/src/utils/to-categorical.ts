import { cast, oneHot, reshape, Tensor, tensor, tidy, type TensorLike } from '@kerasgpu/core';
import { ValueError } from './errors.js';

/**
 * Keras's to_categorical: integer class labels (any shape, e.g. (n, 1)) to one-hot rows of
 * length nbClasses, shape (n, nbClasses). Without nbClasses it takes max + 1 (a readback).
 */
export function toCategorical(labels: TensorLike, nbClasses: number): Tensor {
  if (!(Number.isInteger(nbClasses) && nbClasses > 0)) throw new ValueError(`toCategorical: nbClasses must be a positive integer, got ${nbClasses}`);
  return tidy(() => {
    const t = labels instanceof Tensor ? labels : tensor(labels);
    return oneHot(cast(reshape(t, [-1]), 'int32'), nbClasses);
  });
}
