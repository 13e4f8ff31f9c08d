import { BINARY, UNARY, VJP_BINARY_OPS, VJP_UNARY_OPS, type Algebra, type Operand } from './ops.js';
import { WHERE_EXPR } from './elementwise.wgsl.js';

type VjpUnary = (typeof VJP_UNARY_OPS)[number];
type VjpBinary = (typeof VJP_BINARY_OPS)[number];

/** An algebra from how it applies a unary op, a binary op and `where` (core passes its tensor ops). */
export function algebra<T>(
  unary: (op: VjpUnary, x: T) => T,
  binary: (op: VjpBinary, a: Operand<T>, b: Operand<T>) => T,
  where: (cond: T, a: Operand<T>, b: Operand<T>) => T,
): Algebra<T> {
  const m: Record<string, unknown> = { where };
  for (const op of VJP_UNARY_OPS) m[op] = (x: T) => unary(op, x);
  for (const op of VJP_BINARY_OPS) m[op] = (a: Operand<T>, b: Operand<T>) => binary(op, a, b);
  return m as Algebra<T>;
}

/** On numbers, with the table's CPU formulas. */
export const CPU_ALGEBRA = algebra<number>((op, x) => UNARY[op].cpu(x), (op, a, b) => BINARY[op].cpu(a, b), (c, a, b) => (c !== 0 ? a : b));

const literal = (v: Operand<string>) => (typeof v === 'string' ? v : Number.isInteger(v) ? v.toFixed(1) : String(v));
/** `expr` with its variables replaced, all at once (an argument may itself mention a variable), by parenthesised arguments. */
const bind = (expr: string, args: Record<string, Operand<string>>) =>
  expr.replace(new RegExp(`\\b(${Object.keys(args).join('|')})\\b`, 'g'), (v) => `(${literal(args[v]!)})`);

/** As WGSL source (f32 expressions), with the table's expressions. */
export const WGSL_ALGEBRA = algebra<string>(
  (op, x) => bind(UNARY[op].wgsl, { x }),
  (op, a, b) => bind(BINARY[op].wgsl, { a, b }),
  (c, a, b) => bind(WHERE_EXPR, { c, a, b }),
);
