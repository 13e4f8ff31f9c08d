import { BINARY, UNARY, WGSL_ELEMENTWISE_HELPERS, type BinaryOp, type UnaryOp } from './ops.js';
import { broadcastIndex, broadcastUniformFields, ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';

type Elem = 'f32' | 'i32' | 'u32';

/**
 * One template for every elementwise kernel: `inputs` are read as f32 at their broadcast index,
 * `expr` (from the op table, over x or a, b, c) is computed in f32, and the result is converted to
 * the output element type. Rank is a specialisation parameter so index math unrolls.
 */
export function elementwiseWgsl(expr: string, inputs: readonly (readonly [string, Elem])[], out: Elem, rank: number): string {
  const names = inputs.map(([n]) => n);
  const fields: [string, 'u32'][] = [['n', 'u32'], ...broadcastUniformFields(rank, names)];
  const reads = inputs.map(([n]) => `let ${n} = f32(${n.toUpperCase()}[${n}_i]);`).join('\n  ');
  return `${uniformStruct(fields)}
${storageBindings(1, [...inputs.map(([n, t]) => [n.toUpperCase(), t, 'read'] as const), ['Y', out, 'read_write'] as const])}
${WGSL_ELEMENTWISE_HELPERS}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n) { return; }
  ${broadcastIndex(rank, names)}
  ${reads}
  Y[i] = ${out}(${expr});
}`;
}

export const unaryExpr = (op: UnaryOp): string => UNARY[op].wgsl;
export const binaryExpr = (op: BinaryOp): string => BINARY[op].wgsl;
/** `where`: c is read as f32 (bool stored as 0/1). */
export const WHERE_EXPR = 'select(b, a, c != 0.0)';
/** Cast to int truncates toward zero; to bool tests non-zero; from bool gives 0/1. */
export const castExpr = (to: Elem): string => (to === 'u32' ? 'select(0.0, 1.0, x != 0.0)' : to === 'i32' ? 'trunc(x)' : 'x');

/** Writes one 32-bit pattern to every element (zero-fill, NaN poisoning in tests). */
export function fillWgsl(): string {
  return `${uniformStruct([['n', 'u32'], ['bits', 'u32']])}
${storageBindings(1, [['Y', 'u32', 'read_write']])}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i < u.n) { Y[i] = u.bits; }
}`;
}
