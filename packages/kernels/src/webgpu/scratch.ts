import { sizeOf } from '../shape.js';
import type { GpuContext } from './context.js';
import { GPU_ELEMENT_BYTES, type GpuTensor } from './wgsl.js';
import { BufferUsage } from './flags.js';

const scratchBuffers = new WeakMap<GpuContext, Map<string, GPUBuffer>>();

/**
 * A kernel family's scratch buffer, per context and name, grown as needed (never pooled). Reusing
 * one across ops is safe: the queue runs them in order, and each op writes its scratch before it
 * reads it, or (`zeros`-style) never writes it at all.
 */
export function scratch(ctx: GpuContext, name: string, shape: number[]): GpuTensor {
  const bytes = Math.max(sizeOf(shape), 1) * GPU_ELEMENT_BYTES;
  let byName = scratchBuffers.get(ctx);
  if (!byName) scratchBuffers.set(ctx, (byName = new Map()));
  let buffer = byName.get(name);
  if (!buffer || buffer.size < bytes) {
    // A smaller predecessor may still be used by recorded commands: dropped, not destroyed.
    buffer = ctx.device.createBuffer({ size: Math.ceil(bytes / 16) * 16, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, label: `scratch:${name}` });
    byName.set(name, buffer);
  }
  return { buffer, shape, dtype: 'float32' };
}
