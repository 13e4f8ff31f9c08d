import type { ElementwiseStep } from '../elementwise/fuse.js';
import type { GpuContext, Uniform } from './context.js';
import { dispatchFlat, GPU_ELEMENT_BYTES } from './wgsl.js';

/**
 * A buffer of a flat kernel: `perElement` buffers are indexed only by the invocation index i
 * (so they can be split with the work); the others are read whole (at an index that does not
 * depend on i, e.g. a broadcast scalar).
 */
export interface FlatBinding { buffer: GPUBuffer; perElement: boolean }

/** Binding offsets must be multiples of 256 bytes on every adapter: chunks are multiples of this. */
export const CHUNK_ALIGN_ELEMENTS = 256 / GPU_ELEMENT_BYTES;

/** The most elements of 32 bits one storage binding may hold on this adapter, rounded to the alignment. */
export function maxBindingElements(ctx: GpuContext): number {
  return Math.floor(ctx.facts.maxStorageBindingBytes / GPU_ELEMENT_BYTES / CHUNK_ALIGN_ELEMENTS) * CHUNK_ALIGN_ELEMENTS;
}

/**
 * `dispatchFlat` for kernels whose per-element buffers are indexed only by i, over elements
 * [start, start + n): when they do not fit one storage binding (maxStorageBufferBindingSize,
 * 128 MiB on lavapipe), or `start` > 0 (a multiple of CHUNK_ALIGN_ELEMENTS), each chunk binds
 * its window ({buffer, offset, size}) of every per-element buffer, so the kernel sees a smaller
 * tensor at local indices. Chunks other than the last hold a multiple of CHUNK_ALIGN_ELEMENTS.
 */
export function dispatchFlatChunked(ctx: GpuContext, op: string, key: string, source: () => string, bindings: readonly FlatBinding[], uniforms: Uniform[], n: number, perInvocation = 1, start = 0, elementwise?: ElementwiseStep): void {
  const max = maxBindingElements(ctx);
  if (n <= max && start === 0) {
    dispatchFlat(ctx, op, key, source, bindings.map((b) => b.buffer), uniforms, n, perInvocation, elementwise);
    return;
  }
  if (start % CHUNK_ALIGN_ELEMENTS !== 0) throw new Error(`${op}: a window must start at a multiple of ${CHUNK_ALIGN_ELEMENTS} elements (got ${start})`);
  for (let at = start; at < start + n; at += max) {
    const len = Math.min(max, start + n - at);
    const window = (b: FlatBinding) => (b.perElement ? { buffer: b.buffer, offset: at * GPU_ELEMENT_BYTES, size: len * GPU_ELEMENT_BYTES } : b.buffer);
    dispatchFlat(ctx, op, key, source, bindings.map(window), uniforms, len, perInvocation);
  }
}
