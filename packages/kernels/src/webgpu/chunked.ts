import type { GpuContext, Uniform } from './context.js';
import { dispatchFlat, GPU_ELEMENT_BYTES } from './wgsl.js';

/**
 * A buffer of a flat kernel: `perElement` buffers are indexed only by the invocation index i
 * (so they can be split with the work); the others are read whole (at an index that does not
 * depend on i, e.g. a broadcast scalar).
 */
export interface FlatBinding { buffer: GPUBuffer; perElement: boolean }

/** Binding offsets must be multiples of 256 bytes on every adapter: chunks are multiples of this. */
const CHUNK_ALIGN_ELEMENTS = 256 / GPU_ELEMENT_BYTES;

/** The most elements of 32 bits one storage binding may hold on this adapter, rounded to the alignment. */
export function maxBindingElements(ctx: GpuContext): number {
  return Math.floor(ctx.facts.maxStorageBindingBytes / GPU_ELEMENT_BYTES / CHUNK_ALIGN_ELEMENTS) * CHUNK_ALIGN_ELEMENTS;
}

/**
 * `dispatchFlat` for kernels whose per-element buffers are indexed only by i: when the `n`
 * elements do not fit one storage binding (maxStorageBufferBindingSize, 128 MiB on lavapipe),
 * the work is split into chunks, each binding its window ({buffer, offset, size}) of every
 * per-element buffer, so the kernel sees a smaller tensor at local indices.
 */
export function dispatchFlatChunked(ctx: GpuContext, op: string, key: string, source: () => string, bindings: readonly FlatBinding[], uniforms: Uniform[], n: number, perInvocation = 1): void {
  const max = maxBindingElements(ctx);
  if (n <= max) {
    dispatchFlat(ctx, op, key, source, bindings.map((b) => b.buffer), uniforms, n, perInvocation);
    return;
  }
  for (let start = 0; start < n; start += max) {
    const len = Math.min(max, n - start);
    const window = (b: FlatBinding) => (b.perElement ? { buffer: b.buffer, offset: start * GPU_ELEMENT_BYTES, size: len * GPU_ELEMENT_BYTES } : b.buffer);
    dispatchFlat(ctx, op, key, source, bindings.map(window), uniforms, len, perInvocation);
  }
}
