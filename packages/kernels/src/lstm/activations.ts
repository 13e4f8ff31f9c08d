import { UNARY, type UnaryDef, type UnaryOp } from '../elementwise/ops.js';
import { CPU_ALGEBRA, WGSL_ALGEBRA } from '../elementwise/vjp-algebra.js';

/**
 * The activations an LSTM cell may use for its gates and state (the op table's `cell` entries),
 * each with its derivative as a function of the pre-activation x (the entry's VJP at dy = 1), for
 * the CPU reference and as WGSL.
 */
export interface CellActivation { f: (x: number) => number; df: (x: number) => number; wgsl: string; dwgsl: string }
export type CellActivationName = { [op in UnaryOp]: (typeof UNARY)[op] extends { cell: true } ? op : never }[UnaryOp];

function cellActivation({ cpu, wgsl, vjp }: UnaryDef): CellActivation {
  if (!vjp) throw new Error('a cell activation needs a VJP');
  return { f: cpu, df: (x) => vjp(CPU_ALGEBRA, 1, x, cpu(x)), wgsl, dwgsl: vjp(WGSL_ALGEBRA, '1.0', 'x', wgsl) };
}

export const CELL_ACTIVATIONS = Object.fromEntries(
  Object.entries(UNARY).filter(([, d]) => (d as UnaryDef).cell).map(([op, d]) => [op, cellActivation(d)]),
) as Record<CellActivationName, CellActivation>;
