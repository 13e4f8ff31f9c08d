/**
 * The one expression table for elementwise ops. Each entry gives the CPU formula and the WGSL
 * expression (in terms of `x`, or `a` and `b`, all f32); kernels for both backends are generated
 * from it, so the two cannot drift apart.
 */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

export interface UnaryDef { cpu: (x: number) => number; wgsl: string }
export interface BinaryDef { cpu: (a: number, b: number) => number; wgsl: string; bool?: true }

export const UNARY = {
  neg: { cpu: (x) => -x, wgsl: '-x' },
  exp: { cpu: Math.exp, wgsl: 'exp(x)' },
  log: { cpu: Math.log, wgsl: 'log(x)' },
  log1p: { cpu: Math.log1p, wgsl: 'select(log(1.0 + x), x - 0.5 * x * x, abs(x) < 1e-4)' },
  sqrt: { cpu: Math.sqrt, wgsl: 'sqrt(x)' },
  square: { cpu: (x) => x * x, wgsl: 'x * x' },
  reciprocal: { cpu: (x) => 1 / x, wgsl: '1.0 / x' },
  abs: { cpu: Math.abs, wgsl: 'abs(x)' },
  sign: { cpu: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), wgsl: 'sign(x)' },
  step: { cpu: (x) => (x > 0 ? 1 : 0), wgsl: 'select(0.0, 1.0, x > 0.0)' },
  relu: { cpu: (x) => (x > 0 ? x : 0), wgsl: 'max(x, 0.0)' },
  elu: { cpu: (x) => (x > 0 ? x : Math.expm1(x)), wgsl: 'select(exp(x) - 1.0, x, x > 0.0)' },
  selu: {
    cpu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
    wgsl: `${SELU_SCALE} * select(${SELU_ALPHA} * (exp(x) - 1.0), x, x > 0.0)`,
  },
  softplus: {
    cpu: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
    wgsl: 'max(x, 0.0) + log(1.0 + exp(-abs(x)))',
  },
  softsign: { cpu: (x) => x / (1 + Math.abs(x)), wgsl: 'x / (1.0 + abs(x))' },
  sigmoid: { cpu: (x) => 1 / (1 + Math.exp(-x)), wgsl: '1.0 / (1.0 + exp(-x))' },
  hardSigmoid: { cpu: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)), wgsl: 'clamp(0.2 * x + 0.5, 0.0, 1.0)' },
  tanh: { cpu: Math.tanh, wgsl: 'tanh(clamp(x, -15.0, 15.0))' },
  linear: { cpu: (x) => x, wgsl: 'x' },
  floor: { cpu: Math.floor, wgsl: 'floor(x)' },
  round: { cpu: (x) => x - Math.floor(x) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x), wgsl: 'round(x)' },
} satisfies Record<string, UnaryDef>;
export type UnaryOp = keyof typeof UNARY;

export const BINARY = {
  add: { cpu: (a, b) => a + b, wgsl: 'a + b' },
  sub: { cpu: (a, b) => a - b, wgsl: 'a - b' },
  mul: { cpu: (a, b) => a * b, wgsl: 'a * b' },
  div: { cpu: (a, b) => a / b, wgsl: 'a / b' },
  pow: { cpu: Math.pow, wgsl: 'pow_signed(a, b)' },
  maximum: { cpu: Math.max, wgsl: 'max(a, b)' },
  minimum: { cpu: Math.min, wgsl: 'min(a, b)' },
  equal: { cpu: (a, b) => +(a === b), wgsl: 'select(0.0, 1.0, a == b)', bool: true },
  notEqual: { cpu: (a, b) => +(a !== b), wgsl: 'select(0.0, 1.0, a != b)', bool: true },
  less: { cpu: (a, b) => +(a < b), wgsl: 'select(0.0, 1.0, a < b)', bool: true },
  lessEqual: { cpu: (a, b) => +(a <= b), wgsl: 'select(0.0, 1.0, a <= b)', bool: true },
  greater: { cpu: (a, b) => +(a > b), wgsl: 'select(0.0, 1.0, a > b)', bool: true },
  greaterEqual: { cpu: (a, b) => +(a >= b), wgsl: 'select(0.0, 1.0, a >= b)', bool: true },
  logicalAnd: { cpu: (a, b) => +(a !== 0 && b !== 0), wgsl: 'select(0.0, 1.0, a != 0.0 && b != 0.0)', bool: true },
  logicalOr: { cpu: (a, b) => +(a !== 0 || b !== 0), wgsl: 'select(0.0, 1.0, a != 0.0 || b != 0.0)', bool: true },
} satisfies Record<string, BinaryDef>;
export type BinaryOp = keyof typeof BINARY;

/** WGSL helpers the expressions above rely on (WGSL's pow is undefined for negative bases). */
export const WGSL_ELEMENTWISE_HELPERS = `
fn pow_signed(a: f32, b: f32) -> f32 {
  if (a >= 0.0) { return pow(a, b); }
  let r = pow(-a, b);
  if (b == floor(b)) { return select(r, -r, fract(b * 0.5) != 0.0); }
  let nan_bits = 0x7fc00000u; // a runtime value: a NaN constant expression is rejected
  return bitcast<f32>(nan_bits);
}`;

export function isBoolOp(op: BinaryOp): boolean {
  return (BINARY[op] as BinaryDef).bool === true;
}
