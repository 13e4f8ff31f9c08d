import type { DType } from '@kerasgpu/kernels';
import type { OutputSpec } from '../backend.js';
import { engine } from '../engine.js';
import {
  toNamed, toPositional, type Primitive, type PrimitiveAttrs, type PrimitiveInputs, type PrimitiveOutputs, type SingleOutputPrimitive,
} from '../primitives.js';
import type { Tensor } from '../tensor.js';

/** Runs one primitive for the user-facing op `op` (named in errors): named inputs and output specs in, named outputs out. */
export function run<P extends Primitive>(op: string, prim: P, inputs: PrimitiveInputs<P, Tensor>, attrs: PrimitiveAttrs[P], outputs: PrimitiveOutputs<P, OutputSpec>): PrimitiveOutputs<P, Tensor> {
  const results = engine.run(op, prim, toPositional(prim, 'inputs', inputs), attrs, toPositional(prim, 'outputs', outputs));
  return toNamed(prim, 'outputs', results);
}

/** Single-output shorthand. */
export function run1<P extends SingleOutputPrimitive>(op: string, prim: P, inputs: PrimitiveInputs<P, Tensor>, attrs: PrimitiveAttrs[P], shape: readonly number[], dtype: DType): Tensor {
  return engine.run(op, prim, toPositional(prim, 'inputs', inputs), attrs, [{ shape, dtype }])[0]!;
}

/** What a VJP sees of its primitive's application: attributes, inputs and outputs by name. */
export interface Application<P extends Primitive> {
  attrs: PrimitiveAttrs[P];
  inputs: PrimitiveInputs<P, Tensor>;
  outputs: PrimitiveOutputs<P, Tensor>;
}

/**
 * A vector-Jacobian product: output gradients in, one gradient (or null) per input out, all by
 * name. `needs.x` is false when input x does not lead to a watched tensor: its gradient may be
 * skipped (null), which saves e.g. the data gradient of a first layer's matMul or conv2d.
 */
export type Vjp<P extends Primitive> = (dys: PrimitiveOutputs<P, Tensor>, node: Application<P>, needs: PrimitiveInputs<P, boolean>) => PrimitiveInputs<P, Tensor | null>;
