import type { DataArray, DType, OptimizerHyper, OptimizerRuleName } from '@kerasgpu/kernels';
import type { KernelPrimitive, PrimitiveAttrs } from './primitives.js';
import type { Shape } from './shape.js';

/** Backend-owned storage for one tensor's elements (a TypedArray on cpu, a GPUBuffer on webgpu). */
export type Storage = object;

export interface TensorInfo { readonly storage: Storage; readonly shape: Shape; readonly dtype: DType }
export interface OutputSpec { readonly shape: Shape; readonly dtype: DType }

/** What every backend implements; ops never see more than this. */
export interface Backend {
  readonly name: 'cpu' | 'webgpu';
  supportsDType(dtype: DType): boolean;
  upload(values: DataArray, dtype: DType): Storage;
  /** Resolves to a fresh copy of the elements. */
  read(storage: Storage, dtype: DType, size: number): Promise<DataArray>;
  free(storage: Storage): void;
  /** Runs one primitive; `inputs` and `outputs` in its signature's order (`PRIMITIVE_SIGNATURES`). */
  run<P extends KernelPrimitive>(prim: P, inputs: readonly TensorInfo[], attrs: PrimitiveAttrs[P], outputs: readonly OutputSpec[]): Storage[];
  /**
   * One fused optimizer step writing `param` and `slots` in place from `grad`. Not a primitive
   * (no tape, no VJP); the caller guarantees the written storages are unshared and distinct.
   */
  updateInPlace<R extends OptimizerRuleName>(rule: R, hyper: OptimizerHyper[R], param: TensorInfo, grad: TensorInfo, slots: readonly TensorInfo[]): void;
  /** Pool statistics: buffers held and bytes pooled (zero on cpu). */
  memory(): { numBuffers: number; numPooledBytes: number };
  /** Gives the pool's idle buffers back to the device (nothing to do on cpu). */
  releaseCachedMemory(): Promise<void>;
  /** Resolves when all queued work is done. */
  sync(): Promise<void>;
}
