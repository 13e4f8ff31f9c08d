import type { DataArray, DType } from '@kerasgpu/kernels';
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
  run<P extends KernelPrimitive>(prim: P, inputs: readonly TensorInfo[], attrs: PrimitiveAttrs[P], outputs: readonly OutputSpec[]): Storage[];
  /** Pool statistics: buffers held and bytes pooled (zero on cpu). */
  memory(): { numBuffers: number; numPooledBytes: number };
  /** Resolves when all queued work is done. */
  sync(): Promise<void>;
}
