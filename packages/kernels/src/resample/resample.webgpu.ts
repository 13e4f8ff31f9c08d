import type { GpuContext } from '../webgpu/context.js';
import { dispatchFlat, GPU_ELEMENT_BYTES, type GpuTensor } from '../webgpu/wgsl.js';
import type { AffineResampleAttrs } from './resample.cpu.js';
import { affineResampleWgsl } from './resample.wgsl.js';

/** Affine resampling (see affineResampleCpu): `out` [n, h, w, c] from images and matrices [n, 6]. */
export function affineResampleGpu(ctx: GpuContext, images: GpuTensor, matrices: GpuTensor, a: AffineResampleAttrs, out: GpuTensor): void {
  const [n, h, w, c] = images.shape as [number, number, number, number];
  const size = n * h * w * c;
  if (size * GPU_ELEMENT_BYTES > ctx.facts.maxStorageBindingBytes) {
    throw new Error(`affineResample: images [${images.shape.join(', ')}] exceed one storage binding (${ctx.facts.maxStorageBindingBytes} bytes); resample fewer images at a time`);
  }
  dispatchFlat(ctx, 'affineResample', `affineResample:${a.fillMode}`, () => affineResampleWgsl(a.fillMode), [images.buffer, matrices.buffer, out.buffer],
    [['u32', h], ['u32', w], ['u32', c], ['f32', a.cval]], size);
}
