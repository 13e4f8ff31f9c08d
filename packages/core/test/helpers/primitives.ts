import type { DType, Tensor } from '@kerasgpu/core';
import { run1 as runNamed } from '../../src/ops/run.js';
import { toNamed, type PrimitiveAttrs, type SingleOutputPrimitive } from '../../src/primitives.js';

/** `run1` taking the inputs as a list in signature order, the way grad checks pass them. */
export function run1<P extends SingleOutputPrimitive>(op: string, prim: P, inputs: readonly Tensor[], attrs: PrimitiveAttrs[P], shape: readonly number[], dtype: DType): Tensor {
  return runNamed(op, prim, toNamed(prim, 'inputs', inputs), attrs, shape, dtype);
}
