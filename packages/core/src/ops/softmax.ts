import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, toTensor, type TensorLike } from './convert.js';
import { exp, mul, sub } from './elementwise.js';
import { sum } from './reduce.js';
import { run1, type Vjp } from './run.js';

function softmaxOp(op: string, x: TensorLike, log: boolean): Tensor {
  const t = toTensor(op, x);
  assertFloat(op, t);
  if (t.rank < 1) throw new ShapeError(`${op}: needs rank >= 1, got a scalar`);
  return run1(op, 'softmax', { x: t }, { log }, t.shape, t.dtype);
}

/** Softmax over the last axis. */
export const softmax = (x: TensorLike) => softmaxOp('softmax', x, false);
/** log(softmax(x)) over the last axis, computed stably. */
export const logSoftmax = (x: TensorLike) => softmaxOp('logSoftmax', x, true);

export const softmaxVjp: Vjp<'softmax'> = ({ y: g }, { attrs, outputs: { y } }) => {
  if (attrs.log) return { x: sub(g, mul(exp(y), sum(g, -1, true))) };
  return { x: mul(y, sub(g, sum(mul(g, y), -1, true))) };
};
