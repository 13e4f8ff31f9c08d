import { sizeOf } from '../shape.js';
import type { GpuContext } from '../webgpu/context.js';
import type { GpuTensor } from '../webgpu/wgsl.js';
import { softmaxWgsl } from './softmax.wgsl.js';

/** Workgroup width per row: enough invocations for the row, a power of two in [32, 256]. */
function rowWorkgroup(len: number): number {
  return Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(len, 1)))));
}

/** Softmax (log-softmax) over the last axis of x. */
export function softmaxGpu(ctx: GpuContext, x: GpuTensor, log: boolean, y: GpuTensor): void {
  if (x.dtype !== 'float32') throw new Error(`softmax: needs float32, got ${x.dtype} [${x.shape.join(', ')}]`);
  const len = x.shape[x.shape.length - 1]!;
  const rows = len === 0 ? 0 : sizeOf(x.shape) / len;
  if (rows === 0) return;
  const size = rowWorkgroup(len);
  const pipeline = ctx.pipeline(`softmax:${size}:${log}`, () => softmaxWgsl(size, log));
  ctx.dispatch(log ? 'logSoftmax' : 'softmax', pipeline, [x.buffer, y.buffer], [['u32', rows], ['u32', len]], ctx.grid(rows * size, size));
}
