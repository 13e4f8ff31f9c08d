import type { GpuContext } from '../webgpu/context.js';
import { sizeOf } from '../shape.js';
import { dispatchFlat, type GpuTensor } from '../webgpu/wgsl.js';
import { GPU_RULES, optimizerWgsl, type GpuRule } from './optimizer.wgsl.js';
import type { OptimizerHyper, OptimizerRuleName } from './rules.js';

/**
 * One fused optimizer step: a single dispatch updating `param` and `slots` in place from `grad`.
 * The caller guarantees the written buffers are distinct and not aliased by `grad`.
 */
export function optimizerUpdateGpu<R extends OptimizerRuleName>(
  ctx: GpuContext, rule: R, hyper: OptimizerHyper[R], param: GpuTensor, grad: GpuTensor, slots: readonly GpuTensor[],
): void {
  const scalars = Object.entries((GPU_RULES[rule] as GpuRule<R>).scalars(hyper));
  const names = scalars.map(([n]) => n);
  dispatchFlat(ctx, `optimizer:${rule}`, `opt:${rule}`, () => optimizerWgsl(rule, names),
    [grad.buffer, param.buffer, ...slots.map((s) => s.buffer)], scalars.map(([, v]) => ['f32', v]), sizeOf(param.shape));
}
