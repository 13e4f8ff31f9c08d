import type { GpuContext } from '../webgpu/context.js';
import { sizeOf } from '../shape.js';
import { dispatchFlatChunked } from '../webgpu/chunked.js';
import type { GpuTensor } from '../webgpu/wgsl.js';
import { optimizerWgsl } from './optimizer.wgsl.js';
import { optimizerStep, type OptimizerHyper, type OptimizerRuleName } from './rules.js';

/**
 * One fused optimizer step: one dispatch (per binding-sized chunk) updating `param` and `slots` in place from `grad`.
 * The caller guarantees the written buffers are distinct and not aliased by `grad`. Every buffer
 * is read at the element's own index, so parameters past one storage binding are split in chunks.
 */
export function optimizerUpdateGpu<R extends OptimizerRuleName>(
  ctx: GpuContext, rule: R, hyper: OptimizerHyper[R], param: GpuTensor, grad: GpuTensor, slots: readonly GpuTensor[],
): void {
  const { program, scalars } = optimizerStep(rule, hyper);
  const bindings = [grad, param, ...slots].map((t) => ({ buffer: t.buffer, perElement: true }));
  // Chunk windows start at multiples of 64 elements, so n % 4 == 0 holds for every chunk.
  const n = sizeOf(param.shape), vec4 = n % 4 === 0;
  dispatchFlatChunked(ctx, `optimizer:${rule}`, `opt:${rule}:${vec4 ? 4 : 1}`, () => optimizerWgsl(rule, program, vec4), bindings, scalars.map((v) => ['f32', v]), n, vec4 ? 4 : 1);
}
