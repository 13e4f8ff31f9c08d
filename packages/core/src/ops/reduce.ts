import type { ArgReduceOp, ReduceOp } from '@kerasgpu/kernels';
import { DTypeError } from '../errors.js';
import { normalizeAxes, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast.js';
import { toTensor, type TensorLike } from './convert.js';
import { cast, div, equal, exp, log, mul, sub, add } from './elementwise.js';
import { reshape } from './layout.js';
import { run1, type Vjp } from './run.js';

type Axes = number | readonly number[];

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

export function reduce(op: ReduceOp, x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = toTensor(op, x);
  if (t.dtype === 'bool') throw new DTypeError(`${op}: cannot reduce a bool tensor; cast it first`);
  const axes = normalizeAxes(op, axis, t.rank);
  const outShape = t.shape.filter((_, i) => !axes.includes(i));
  // Over axes of size 1 every reduction is its one element: a reshape, no kernel.
  if (axes.every((a) => t.shape[a] === 1)) return reshape(t, keepDims ? t.shape : outShape);
  const y = run1(op, 'reduce', { x: t }, { op, axes }, outShape, t.dtype);
  return keepDims ? reshape(y, keptShape(t.shape, axes)) : y;
}

export const sum = (x: TensorLike, axis?: Axes, keepDims = false) => reduce('sum', x, axis, keepDims);
export const max = (x: TensorLike, axis?: Axes, keepDims = false) => reduce('max', x, axis, keepDims);
export const min = (x: TensorLike, axis?: Axes, keepDims = false) => reduce('min', x, axis, keepDims);
export const prod = (x: TensorLike, axis?: Axes, keepDims = false) => reduce('prod', x, axis, keepDims);

/** The sum divided by the number of elements summed: one reduction for floats; integers' sum is divided (a float). */
export function mean(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = toTensor('mean', x);
  if (t.dtype.startsWith('float')) return reduce('mean', t, axis, keepDims);
  const axes = normalizeAxes('mean', axis, t.rank);
  return div(sum(t, axes, keepDims), axes.reduce((n, a) => n * t.shape[a]!, 1));
}

/** log(Σ exp(x)) computed as m + log(Σ exp(x − m)), m the max, for stability. */
export function logSumExp(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = toTensor('logSumExp', x);
  const axes = normalizeAxes('logSumExp', axis, t.rank);
  const m = max(t, axes, true);
  const s = log(sum(exp(sub(t, m)), axes, true));
  const y = add(s, m);
  return keepDims ? y : reshape(y, t.shape.filter((_, i) => !axes.includes(i)));
}

export const reduceVjp: Vjp<'reduce'> = ({ y: dy }, { attrs, inputs: { x }, outputs: { y } }) => {
  const shape = keptShape(x.shape, attrs.axes);
  /** A kept-shape value over the reduced axes. */
  const spread = (t: Tensor) => broadcastTo(reshape(t, shape), x.shape);
  switch (attrs.op) {
    case 'sum': return { x: spread(dy) };
    // Divided before the broadcast: what sum-then-divide's gradient computes.
    case 'mean': return { x: spread(div(dy, attrs.axes.reduce((n, a) => n * x.shape[a]!, 1))) };
    // Every tied extreme gets the full gradient (as TensorFlow); ties have measure zero.
    case 'max':
    case 'min': return { x: mul(spread(dy), cast(equal(x, reshape(y, shape)), x.dtype)) };
    // d/dx_i Π x = Π x / x_i, for non-zero x.
    case 'prod': return { x: mul(spread(dy), div(reshape(y, shape), x)) };
  }
};

export function argReduce(op: ArgReduceOp, x: TensorLike, axis = 0): Tensor {
  const t = toTensor(op, x);
  const a = normalizeAxis(op, axis, t.rank);
  return run1(op, 'argReduce', { x: t }, { op, axis: a }, t.shape.filter((_, i) => i !== a), 'int32');
}

export const argMax = (x: TensorLike, axis = 0) => argReduce('argmax', x, axis);
export const argMin = (x: TensorLike, axis = 0) => argReduce('argmin', x, axis);
export const argReduceVjp: Vjp<'argReduce'> = () => ({ x: null });
