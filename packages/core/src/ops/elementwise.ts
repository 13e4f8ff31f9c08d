import { algebra, isBoolOp, UNARY, type Algebra, type BinaryOp, type DType, type UnaryDef, type UnaryOp } from '@kerasgpu/kernels';
import { DTypeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertSameDType, toTensor, type TensorLike } from './convert.js';
import { reduceToShape } from './broadcast.js';
import { run1, type Vjp } from './run.js';

// ---- unary ----

/** Ops with integer meaning (the table's `int`) accept int32 too; the rest are float-only. */
export function unary(op: UnaryOp, x: TensorLike): Tensor {
  const t = toTensor(op, x);
  const def: UnaryDef = UNARY[op];
  if (!def.int) assertFloat(op, t);
  else if (t.dtype === 'bool') throw new DTypeError(`${op}: expected a numeric tensor, got bool [${t.shape.join(', ')}]`);
  return run1(op, 'unary', { x: t }, { op }, t.shape, t.dtype);
}

export const neg = (x: TensorLike) => unary('neg', x);
export const exp = (x: TensorLike) => unary('exp', x);
export const log = (x: TensorLike) => unary('log', x);
export const log1p = (x: TensorLike) => unary('log1p', x);
export const sqrt = (x: TensorLike) => unary('sqrt', x);
export const square = (x: TensorLike) => unary('square', x);
export const reciprocal = (x: TensorLike) => unary('reciprocal', x);
export const abs = (x: TensorLike) => unary('abs', x);
export const sign = (x: TensorLike) => unary('sign', x);
export const step = (x: TensorLike) => unary('step', x);
export const floor = (x: TensorLike) => unary('floor', x);
export const round = (x: TensorLike) => unary('round', x);
export const relu = (x: TensorLike) => unary('relu', x);
export const elu = (x: TensorLike) => unary('elu', x);
export const selu = (x: TensorLike) => unary('selu', x);
export const softplus = (x: TensorLike) => unary('softplus', x);
export const softsign = (x: TensorLike) => unary('softsign', x);
export const sigmoid = (x: TensorLike) => unary('sigmoid', x);
export const hardSigmoid = (x: TensorLike) => unary('hardSigmoid', x);
export const tanh = (x: TensorLike) => unary('tanh', x);
export const linear = (x: TensorLike) => unary('linear', x);

/** The table's VJPs read as ops, so that a gradient is itself differentiable. */
const OPS_ALGEBRA: Algebra<Tensor> = algebra((op, x) => unary(op, x), (op, a, b) => binary(op, a, b), where);

export const unaryVjp: Vjp<'unary'> = ({ y: dy }, { attrs, inputs: { x }, outputs: { y } }) => {
  const { vjp }: UnaryDef = UNARY[attrs.op];
  return { x: vjp ? vjp(OPS_ALGEBRA, dy, x, y) : null };
};

// ---- binary ----

export function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const ta = toTensor(op, a, typeof b === 'object' && 'dtype' in b ? b.dtype : undefined);
  const tb = toTensor(op, b, ta.dtype);
  assertSameDType(op, ta, tb);
  const bool = isBoolOp(op);
  if (!bool && ta.dtype === 'bool') throw new DTypeError(`${op}: arithmetic on bool tensors; cast them first`);
  const shape = broadcastShapes(op, ta.shape, tb.shape);
  const dtype: DType = bool ? 'bool' : ta.dtype;
  return run1(op, 'binary', { a: ta, b: tb }, { op }, shape, dtype);
}

export const add = (a: TensorLike, b: TensorLike) => binary('add', a, b);
export const sub = (a: TensorLike, b: TensorLike) => binary('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike) => binary('mul', a, b);
export const div = (a: TensorLike, b: TensorLike) => binary('div', a, b);
export const pow = (a: TensorLike, b: TensorLike) => binary('pow', a, b);
export const maximum = (a: TensorLike, b: TensorLike) => binary('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike) => binary('minimum', a, b);
export const equal = (a: TensorLike, b: TensorLike) => binary('equal', a, b);
export const notEqual = (a: TensorLike, b: TensorLike) => binary('notEqual', a, b);
export const less = (a: TensorLike, b: TensorLike) => binary('less', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike) => binary('lessEqual', a, b);
export const greater = (a: TensorLike, b: TensorLike) => binary('greater', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike) => binary('greaterEqual', a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike) => binary('logicalAnd', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike) => binary('logicalOr', a, b);

const asFloat = (mask: Tensor, like: Tensor) => cast(mask, like.dtype);

/** Per input, its gradient from (dy, a, b, y) before broadcasting is undone; null: none flows. */
type BinaryGrad = ((dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => Tensor) | null;
const NONE: [BinaryGrad, BinaryGrad] = [null, null];
const BINARY_VJP: Record<BinaryOp, [BinaryGrad, BinaryGrad]> = {
  add: [(dy) => dy, (dy) => dy],
  sub: [(dy) => dy, (dy) => neg(dy)],
  mul: [(dy, _a, b) => mul(dy, b), (dy, a) => mul(dy, a)],
  div: [(dy, _a, b) => div(dy, b), (dy, a, b) => neg(div(mul(dy, a), square(b)))],
  pow: [
    (dy, a, b) => mul(dy, mul(b, pow(a, sub(b, 1)))),
    // d/db a^b = a^b ln a, defined for a > 0 only.
    (dy, a, _b, y) => mul(dy, where(greater(a, 0), mul(y, log(where(greater(a, 0), a, 1))), 0)),
  ],
  maximum: [(dy, a, b) => mul(dy, asFloat(greaterEqual(a, b), dy)), (dy, a, b) => mul(dy, asFloat(less(a, b), dy))],
  minimum: [(dy, a, b) => mul(dy, asFloat(lessEqual(a, b), dy)), (dy, a, b) => mul(dy, asFloat(greater(a, b), dy))],
  equal: NONE,
  notEqual: NONE,
  less: NONE,
  lessEqual: NONE,
  greater: NONE,
  greaterEqual: NONE,
  logicalAnd: NONE,
  logicalOr: NONE,
};

/** Only the gradients asked for are computed: `mul(x, 2)` does not reduce dy·x to a scalar for the 2. */
export const binaryVjp: Vjp<'binary'> = ({ y: dy }, { attrs, inputs: { a, b }, outputs: { y } }, needs) => {
  const [ga, gb] = BINARY_VJP[attrs.op];
  const grad = (g: BinaryGrad, need: boolean, x: Tensor) => (g === null || !need ? null : reduceToShape(g(dy, a, b, y), x.shape));
  return { a: grad(ga, needs.a, a), b: grad(gb, needs.b, b) };
};

// ---- where, cast, clip ----

/** Elementwise `cond ? a : b` with broadcasting; no gradient flows through `cond`. */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const tc = toTensor('where', cond, 'bool');
  const ta = toTensor('where', a, typeof b === 'object' && 'dtype' in b ? b.dtype : undefined);
  const tb = toTensor('where', b, ta.dtype);
  if (tc.dtype !== 'bool') throw new DTypeError(`where: condition must be bool, got ${tc.dtype} [${tc.shape.join(', ')}]`);
  assertSameDType('where', ta, tb);
  const shape = broadcastShapes('where', tc.shape, ta.shape, tb.shape);
  return run1('where', 'where', { condition: tc, a: ta, b: tb }, {}, shape, ta.dtype);
}

export const whereVjp: Vjp<'where'> = ({ y: dy }, { inputs: { condition, a, b } }) => ({
  condition: null,
  a: reduceToShape(where(condition, dy, 0), a.shape),
  b: reduceToShape(where(condition, 0, dy), b.shape),
});

export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = toTensor('cast', x);
  if (t.dtype === dtype) return t;
  return run1('cast', 'cast', { x: t }, { dtype }, t.shape, dtype);
}

export const castVjp: Vjp<'cast'> = ({ y: dy }, { inputs: { x } }) =>
  ({ x: x.dtype === 'float32' || x.dtype === 'float64' ? cast(dy, x.dtype) : null });

export function clip(x: TensorLike, min: number, max: number): Tensor {
  return minimum(maximum(x, min), max);
}
