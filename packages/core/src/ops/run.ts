import type { DType } from '@kerasgpu/kernels';
import type { OutputSpec } from '../backend.js';
import { engine, type TapeNode } from '../engine.js';
import type { Primitive, PrimitiveAttrs } from '../primitives.js';
import type { Tensor } from '../tensor.js';

/** Runs one primitive for the user-facing op `op` (named in errors). */
export function run<P extends Primitive>(op: string, prim: P, inputs: readonly Tensor[], attrs: PrimitiveAttrs[P], outputs: readonly OutputSpec[]): Tensor[] {
  return engine.run(op, prim, inputs, attrs, outputs);
}

/** Single-output shorthand. */
export function run1<P extends Primitive>(op: string, prim: P, inputs: readonly Tensor[], attrs: PrimitiveAttrs[P], shape: readonly number[], dtype: DType): Tensor {
  return engine.run(op, prim, inputs, attrs, [{ shape, dtype }])[0]!;
}

/**
 * A vector-Jacobian product: output gradients in, one gradient (or null) per input out.
 * `needs[k]` is false when input k does not lead to a watched tensor: its gradient may be
 * skipped (null), which saves e.g. the data gradient of a first layer's matMul or conv2d.
 */
export type Vjp<P extends Primitive> = (dys: Tensor[], node: TapeNode<P>, needs: readonly boolean[]) => (Tensor | null)[];
