/**
 * The one expression table for elementwise ops. Each entry gives the CPU formula and the WGSL
 * expression (in terms of `x`, or `a` and `b`, all f32); kernels for both backends are generated
 * from it, so the two cannot drift apart. A unary entry is also the one definition of the op as
 * an activation: its VJP (core's gradient, the fused LSTM cell's derivative), its Keras name and
 * whether the fused LSTM cell takes it.
 */
import { isNanWgsl } from '../webgpu/indexing.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** The ops a VJP is written with (entries of the tables below, and `where`). */
export const VJP_UNARY_OPS = ['neg', 'square', 'abs', 'sign', 'step', 'sigmoid'] as const;
export const VJP_BINARY_OPS = ['add', 'sub', 'mul', 'div', 'greater'] as const;
/** A VJP operand: a value of the algebra or a constant. */
export type Operand<T> = T | number;
/**
 * What a VJP is written with, read three ways (`algebra` in vjp-algebra.ts): on numbers (the CPU
 * reference), as WGSL source, and in core as tensor ops, so that a gradient is itself differentiable.
 */
export type Algebra<T> =
  & { [op in (typeof VJP_UNARY_OPS)[number]]: (x: T) => T }
  & { [op in (typeof VJP_BINARY_OPS)[number]]: (a: Operand<T>, b: Operand<T>) => T }
  & { where: (cond: T, a: Operand<T>, b: Operand<T>) => T };
/** dy·f'(x), given dy, x and y = f(x) (whichever the formula reads more cheaply). */
export type UnaryVjp = <T>(m: Algebra<T>, dy: T, x: T, y: T) => T;

export interface UnaryDef {
  cpu: (x: number) => number;
  wgsl: string;
  /** Absent for piecewise-constant ops: no gradient flows through them. */
  vjp?: UnaryVjp;
  /** The Keras activation name, for ops that are one (layers resolve 'hard_sigmoid' by it). */
  keras?: string;
  /** The fused LSTM cell takes it (Keras's cell activations; others run the cell in ops). */
  cell?: true;
  /** Meaningful on int32 too; the rest are float-only. */
  int?: true;
}
export interface BinaryDef { cpu: (a: number, b: number) => number; wgsl: string; bool?: true }

const UNARY_FORMULAS = {
  neg: { cpu: (x) => -x, wgsl: '-x', vjp: (m, dy) => m.neg(dy), int: true },
  exp: { cpu: Math.exp, wgsl: 'exp(x)', vjp: (m, dy, _, y) => m.mul(dy, y) },
  log: { cpu: Math.log, wgsl: 'log(x)', vjp: (m, dy, x) => m.div(dy, x) },
  log1p: { cpu: Math.log1p, wgsl: 'select(log(1.0 + x), x - 0.5 * x * x, abs(x) < 1e-4)', vjp: (m, dy, x) => m.div(dy, m.add(x, 1)) },
  sqrt: { cpu: Math.sqrt, wgsl: 'sqrt(x)', vjp: (m, dy, _, y) => m.div(dy, m.mul(y, 2)) },
  square: { cpu: (x) => x * x, wgsl: 'x * x', vjp: (m, dy, x) => m.mul(dy, m.mul(x, 2)), int: true },
  reciprocal: { cpu: (x) => 1 / x, wgsl: '1.0 / x', vjp: (m, dy, _, y) => m.neg(m.mul(dy, m.square(y))) },
  abs: { cpu: Math.abs, wgsl: 'abs(x)', vjp: (m, dy, x) => m.mul(dy, m.sign(x)), int: true },
  sign: { cpu: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), wgsl: 'sign(x)', int: true },
  step: { cpu: (x) => (x > 0 ? 1 : 0), wgsl: 'select(0.0, 1.0, x > 0.0)', int: true },
  // y > 0 exactly where x > 0: reading y, the backward leaves x unread, so the forward can fuse
  // relu into the kernel producing x (a GEMM's epilogue) instead of storing x for the gradient.
  relu: { cpu: (x) => (x > 0 ? x : 0), wgsl: 'max(x, 0.0)', vjp: (m, dy, _, y) => m.mul(dy, m.step(y)), keras: 'relu', cell: true, int: true },
  elu: {
    cpu: (x) => (x > 0 ? x : Math.expm1(x)), wgsl: 'select(exp(x) - 1.0, x, x > 0.0)',
    vjp: (m, dy, _, y) => m.mul(dy, m.where(m.greater(y, 0), 1, m.add(y, 1))), keras: 'elu',
  },
  selu: {
    cpu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
    wgsl: `${SELU_SCALE} * select(${SELU_ALPHA} * (exp(x) - 1.0), x, x > 0.0)`,
    vjp: (m, dy, x, y) => m.mul(dy, m.where(m.greater(x, 0), SELU_SCALE, m.add(y, SELU_SCALE * SELU_ALPHA))), keras: 'selu',
  },
  softplus: {
    cpu: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
    wgsl: 'max(x, 0.0) + log(1.0 + exp(-abs(x)))',
    vjp: (m, dy, x) => m.mul(dy, m.sigmoid(x)), keras: 'softplus',
  },
  softsign: { cpu: (x) => x / (1 + Math.abs(x)), wgsl: 'x / (1.0 + abs(x))', vjp: (m, dy, x) => m.div(dy, m.square(m.add(m.abs(x), 1))), keras: 'softsign' },
  sigmoid: { cpu: (x) => 1 / (1 + Math.exp(-x)), wgsl: '1.0 / (1.0 + exp(-x))', vjp: (m, dy, _, y) => m.mul(dy, m.mul(y, m.sub(1, y))), keras: 'sigmoid', cell: true },
  hardSigmoid: {
    cpu: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)), wgsl: 'clamp(0.2 * x + 0.5, 0.0, 1.0)',
    // Slope 0.2 where |x| < 2.5 (step(2.5 − |x|) is 1 exactly there), flat outside.
    vjp: (m, dy, x) => m.mul(dy, m.mul(m.step(m.sub(2.5, m.abs(x))), 0.2)), keras: 'hard_sigmoid', cell: true,
  },
  tanh: { cpu: Math.tanh, wgsl: 'tanh(clamp(x, -15.0, 15.0))', vjp: (m, dy, _, y) => m.mul(dy, m.sub(1, m.square(y))), keras: 'tanh', cell: true },
  swish: {
    cpu: (x) => x / (1 + Math.exp(-x)), wgsl: 'x / (1.0 + exp(-x))',
    // d(x·σ(x)) = σ(x) + x·σ(x)·(1 − σ(x)) = y + σ(x)·(1 − y).
    vjp: (m, dy, x, y) => m.mul(dy, m.add(y, m.mul(m.sigmoid(x), m.sub(1, y)))), keras: 'swish', cell: true,
  },
  linear: { cpu: (x) => x, wgsl: 'x', vjp: (_, dy) => dy, keras: 'linear', cell: true, int: true },
  floor: { cpu: Math.floor, wgsl: 'floor(x)', int: true },
  round: { cpu: (x) => x - Math.floor(x) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x), wgsl: 'round(x)', int: true },
} satisfies Record<string, UnaryDef>;

/**
 * NaN in gives NaN out on the GPU wherever the CPU formula gives it: WGSL builtins need not
 * (lavapipe's tanh(NaN) is -1 and clamp drops a NaN), so the guard is derived from the CPU side.
 */
function propagateNan<T extends Record<string, UnaryDef>>(table: T): T {
  const guard = (d: UnaryDef): UnaryDef => ({ ...d, wgsl: `select(${d.wgsl}, x, ${isNanWgsl('x')})` });
  return Object.fromEntries(Object.entries(table).map(([op, d]) => [op, Number.isNaN(d.cpu(NaN)) ? guard(d) : d])) as T;
}
export const UNARY = propagateNan(UNARY_FORMULAS);
export type UnaryOp = keyof typeof UNARY;

/** WGSL: either operand NaN (tested by its bits, see isNanWgsl). */
const EITHER_NAN = `(${isNanWgsl('a')} || ${isNanWgsl('b')})`;

export const BINARY = {
  add: { cpu: (a, b) => a + b, wgsl: 'a + b' },
  sub: { cpu: (a, b) => a - b, wgsl: 'a - b' },
  mul: { cpu: (a, b) => a * b, wgsl: 'a * b' },
  div: { cpu: (a, b) => a / b, wgsl: 'a / b' },
  pow: { cpu: Math.pow, wgsl: 'pow_signed(a, b)' },
  // NaN propagates as in JS and NumPy; WGSL's max/min may return either operand.
  maximum: { cpu: Math.max, wgsl: `select(max(a, b), a + b, ${EITHER_NAN})` },
  minimum: { cpu: Math.min, wgsl: `select(min(a, b), a + b, ${EITHER_NAN})` },
  equal: { cpu: (a, b) => +(a === b), wgsl: 'select(0.0, 1.0, a == b)', bool: true },
  notEqual: { cpu: (a, b) => +(a !== b), wgsl: `select(0.0, 1.0, a != b || ${EITHER_NAN})`, bool: true },
  less: { cpu: (a, b) => +(a < b), wgsl: 'select(0.0, 1.0, a < b)', bool: true },
  lessEqual: { cpu: (a, b) => +(a <= b), wgsl: 'select(0.0, 1.0, a <= b)', bool: true },
  greater: { cpu: (a, b) => +(a > b), wgsl: 'select(0.0, 1.0, a > b)', bool: true },
  greaterEqual: { cpu: (a, b) => +(a >= b), wgsl: 'select(0.0, 1.0, a >= b)', bool: true },
  // NaN is truthy, as in JS and NumPy; the compiled `!=` is false for a NaN operand.
  logicalAnd: { cpu: (a, b) => +(a !== 0 && b !== 0), wgsl: `select(0.0, 1.0, (a != 0.0 || ${isNanWgsl('a')}) && (b != 0.0 || ${isNanWgsl('b')}))`, bool: true },
  logicalOr: { cpu: (a, b) => +(a !== 0 || b !== 0), wgsl: `select(0.0, 1.0, a != 0.0 || b != 0.0 || ${EITHER_NAN})`, bool: true },
} satisfies Record<string, BinaryDef>;
export type BinaryOp = keyof typeof BINARY;

/** WGSL helpers the expressions above rely on (WGSL's pow is undefined for negative bases). */
export const WGSL_ELEMENTWISE_HELPERS = `
fn pow_signed(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; } // even for a NaN base, as in JS
  if (${isNanWgsl('b')}) { return b; }
  if (a >= 0.0) { return pow(a, b); }
  let r = pow(-a, b);
  if (b == floor(b)) { return select(r, -r, fract(b * 0.5) != 0.0); }
  if (a < -3.40282346e38) { return r; } // (-inf)^b for a fractional b is +inf or +0, as in JS
  let nan_bits = 0x7fc00000u; // a runtime value: a NaN constant expression is rejected
  return bitcast<f32>(nan_bits);
}`;

export function isBoolOp(op: BinaryOp): boolean {
  return (BINARY[op] as BinaryDef).bool === true;
}
