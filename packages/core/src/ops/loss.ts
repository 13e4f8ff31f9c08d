import { GradientError, ShapeError } from '../errors.js';
import { fmt, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertSameDType, toTensor, type TensorLike } from './convert.js';
import { run, run1, type Vjp } from './run.js';

/**
 * Fused softmax cross-entropy of `logits` against `labels` (both [..., classes]; labels one-hot
 * or a distribution): −Σ labels · logSoftmax(logits) over the last axis, computed stably in one
 * kernel. Returns the loss per row ([...]). Unlike Keras's categorical_crossentropy on softmax
 * outputs, nothing is clipped (the logits never pass through a probability).
 */
export function softmaxCrossEntropy(logits: TensorLike, labels: TensorLike): Tensor {
  const op = 'softmaxCrossEntropy';
  const z = toTensor(op, logits);
  const y = toTensor(op, labels);
  assertFloat(op, z);
  assertSameDType(op, z, y);
  if (z.rank < 1 || !sameShape(z.shape, y.shape)) {
    throw new ShapeError(`${op}: logits and labels must have the same shape [..., classes], got logits ${fmt(z.shape)} and labels ${fmt(y.shape)}`);
  }
  return run1(op, 'softmaxCrossEntropy', { logits: z, labels: y }, {}, z.shape.slice(0, -1), z.dtype);
}

// One kernel gives both gradients: dLoss·(softmax·Σy − y) for the logits, −dLoss·logSoftmax for the labels.
export const softmaxCrossEntropyVjp: Vjp<'softmaxCrossEntropy'> = ({ loss: dLoss }, { inputs: { logits, labels } }) => {
  const { dLogits, dLabels } = run('softmaxCrossEntropy', 'softmaxCrossEntropyGrad', { logits, labels, dLoss }, {},
    { dLogits: { shape: logits.shape, dtype: logits.dtype }, dLabels: { shape: labels.shape, dtype: labels.dtype } });
  return { logits: dLogits, labels: dLabels };
};

export const softmaxCrossEntropyGradVjp: Vjp<'softmaxCrossEntropyGrad'> = () => {
  throw new GradientError('softmaxCrossEntropy: second-order gradients are not supported');
};
