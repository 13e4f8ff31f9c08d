/**
 * Keras's backend functions for custom losses and metrics: `import { backend as K } from
 * '@kerasgpu/layers'`, then `K.mean(yPred)`. Axis arguments follow Keras (keepdims last).
 */
import * as ops from '@kerasgpu/core';
import type { DType, Tensor, TensorLike } from '@kerasgpu/core';
import { EPSILON } from './losses.js';
import { imageDimOrdering } from './utils/image-ordering.js';

type Axis = number | number[] | undefined;
export const epsilon = (): number => EPSILON;
export const floatx = (): DType => 'float32';
export const image_dim_ordering = imageDimOrdering;

export const mean = (x: TensorLike, axis?: Axis, keepdims = false) => ops.mean(x, axis, keepdims);
export const sum = (x: TensorLike, axis?: Axis, keepdims = false) => ops.sum(x, axis, keepdims);
export const max = (x: TensorLike, axis?: Axis, keepdims = false) => ops.max(x, axis, keepdims);
export const min = (x: TensorLike, axis?: Axis, keepdims = false) => ops.min(x, axis, keepdims);
export const prod = (x: TensorLike, axis?: Axis, keepdims = false) => ops.prod(x, axis, keepdims);
export const std = (x: TensorLike, axis?: Axis, keepdims = false) => ops.sqrt(variance(x, axis, keepdims));
export function variance(x: TensorLike, axis?: Axis, keepdims = false): Tensor {
  const m = ops.mean(x, axis, true);
  return ops.mean(ops.square(ops.sub(x, m)), axis, keepdims);
}
export const argmax = (x: TensorLike, axis = -1) => ops.argMax(x, axis);
export const argmin = (x: TensorLike, axis = -1) => ops.argMin(x, axis);
export const square = ops.square;
export const abs = ops.abs;
export const sqrt = ops.sqrt;
export const exp = ops.exp;
export const log = ops.log;
export const round = ops.round;
export const sign = ops.sign;
export const pow = ops.pow;
export const clip = (x: TensorLike, minValue: number, maxValue: number) => ops.clip(x, minValue, maxValue);
export const equal = ops.equal;
export const not_equal = ops.notEqual;
export const notEqual = ops.notEqual;
export const greater = ops.greater;
export const greater_equal = ops.greaterEqual;
export const greaterEqual = ops.greaterEqual;
export const less = ops.less;
export const less_equal = ops.lessEqual;
export const lessEqual = ops.lessEqual;
export const maximum = ops.maximum;
export const minimum = ops.minimum;
export const cast = (x: TensorLike, dtype: DType) => ops.cast(x, dtype);
export const dot = (a: TensorLike, b: TensorLike) => ops.matMul(a, b);
export const transpose = ops.transpose;
export const reshape = ops.reshape;
export const flatten = (x: Tensor) => ops.reshape(x, [-1]);
export const batch_flatten = (x: Tensor) => ops.reshape(x, [x.shape[0]!, -1]);
export const expand_dims = ops.expandDims;
export const squeeze = ops.squeeze;
export const concatenate = (xs: TensorLike[], axis = -1) => ops.concat(xs, axis);
export const stack = ops.stack;
export const zeros = ops.zeros;
export const ones = ops.ones;
export const zeros_like = ops.zerosLike;
export const ones_like = ops.onesLike;
export const eye = ops.eye;
export const relu = ops.relu;
export const sigmoid = ops.sigmoid;
export const hard_sigmoid = ops.hardSigmoid;
export const tanh = ops.tanh;
export const softmax = ops.softmax;
export const softplus = ops.softplus;
export const softsign = ops.softsign;
export const elu = ops.elu;
export const one_hot = ops.oneHot;
export const gather = ops.gather;
export const switch_ = (cond: TensorLike, a: TensorLike, b: TensorLike) => ops.where(cond, a, b);
export const binary_crossentropy = (output: Tensor, target: Tensor) => {
  const p = ops.clip(output, EPSILON, 1 - EPSILON);
  return ops.neg(ops.add(ops.mul(target, ops.log(p)), ops.mul(ops.sub(1, target), ops.log(ops.sub(1, p)))));
};
export const categorical_crossentropy = (output: Tensor, target: Tensor) =>
  ops.neg(ops.sum(ops.mul(target, ops.log(ops.clip(ops.div(output, ops.sum(output, -1, true)), EPSILON, 1 - EPSILON))), -1));
