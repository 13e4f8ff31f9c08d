import { sizeOf } from '../shape.js';
import type { GpuContext } from '../webgpu/context.js';
import type { GpuTensor } from '../webgpu/wgsl.js';
import { softmaxXentWgsl, XENT_WG, type XentDirection } from './softmax-xent.wgsl.js';

function xentGpu(ctx: GpuContext, direction: XentDirection, z: GpuTensor, buffers: GPUBuffer[]): void {
  const classes = z.shape[z.shape.length - 1]!;
  const rows = classes === 0 ? 0 : sizeOf(z.shape) / classes;
  if (rows === 0) return;
  const pipeline = ctx.pipeline(`softmaxXent:${direction}`, () => softmaxXentWgsl(direction));
  ctx.dispatch(direction === 'forward' ? 'softmaxCrossEntropy' : 'softmaxCrossEntropyGrad', pipeline, buffers,
    [['u32', rows], ['u32', classes]], ctx.grid(rows * XENT_WG, XENT_WG));
}

/** Loss per row of logits z against labels y (both [..., classes]); see softmaxCrossEntropyCpu. */
export function softmaxCrossEntropyGpu(ctx: GpuContext, z: GpuTensor, y: GpuTensor, loss: GpuTensor): void {
  xentGpu(ctx, 'forward', z, [z.buffer, y.buffer, loss.buffer]);
}

/** Gradients w.r.t. the logits and the labels, weighted by dLoss; see softmaxCrossEntropyGradCpu. */
export function softmaxCrossEntropyGradGpu(ctx: GpuContext, z: GpuTensor, y: GpuTensor, dLoss: GpuTensor, dz: GpuTensor, dy: GpuTensor): void {
  xentGpu(ctx, 'backward', z, [z.buffer, y.buffer, dLoss.buffer, dz.buffer, dy.buffer]);
}
