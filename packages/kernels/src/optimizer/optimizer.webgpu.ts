import type { GpuContext, Uniform } from '../webgpu/context.js';
import { sizeOf } from '../shape.js';
import { dispatchFlatChunked, maxBindingElements } from '../webgpu/chunked.js';
import { dispatchFlat, type GpuTensor } from '../webgpu/wgsl.js';
import { optimizerWgsl } from './optimizer.wgsl.js';
import { OPTIMIZER_SLOTS, optimizerStep, type OptimizerHyper, type OptimizerRuleName } from './rules.js';

/** One variable's update: its parameter and slots (written in place) and its gradient. */
export interface OptimizerOperands { param: GpuTensor; grad: GpuTensor; slots: readonly GpuTensor[] }

/** Variables of fewer elements join the scalar dispatch: for them one dispatch less beats vec4 loads. */
const VEC4_MIN_ELEMENTS = 1024;
/** vec4s per invocation (the embedding's RMSprop over 2.56 M weights: 8.5 ms with one, 7.3 with two, 8.2 with four). */
const VEC4_PER_INVOCATION = 2;

/**
 * One fused optimizer step of many variables: as few dispatches as the adapter's bindings allow
 * (each variable binds its gradient, parameter and slots), large variables of a multiple of 4
 * elements together as vec4, the others together as scalars. A variable past one storage binding
 * has dispatches of its own, one per binding-sized chunk. The caller guarantees each variable's
 * written buffers are its own and not aliased by any gradient.
 */
export function optimizerUpdatesGpu<R extends OptimizerRuleName>(ctx: GpuContext, rule: R, hyper: OptimizerHyper[R], updates: readonly OptimizerOperands[]): void {
  const { program, scalars } = optimizerStep(rule, hyper);
  const perVar = 2 + OPTIMIZER_SLOTS[rule].length;
  const maxVars = Math.max(1, Math.floor(ctx.device.limits.maxStorageBuffersPerShaderStage / perVar));
  const size = (u: OptimizerOperands) => sizeOf(u.param.shape);
  const buffers = (u: OptimizerOperands) => [u.grad, u.param, ...u.slots].map((t) => t.buffer);
  const dispatch = (group: readonly OptimizerOperands[], vec4: boolean) => {
    const w = vec4 ? 4 : 1, per = vec4 ? VEC4_PER_INVOCATION : 1;
    const offsets = group.reduce((o, u) => [...o, o.at(-1)! + size(u) / w], [0]);
    const uniforms: Uniform[] = [...scalars.map((v): Uniform => ['f32', v]), ...offsets.map((o): Uniform => ['u32', o])];
    const [op, key, source] = [`optimizer:${rule}`, `opt:${rule}:${w}:${group.length}:${per}`, () => optimizerWgsl(rule, program, vec4, group.length, per)];
    // A variable alone may be split in binding-sized chunks (windows start at multiples of 64 elements, so a
    // chunk of a vec4 variable holds whole vec4s); a group's variables each fit one binding, bound whole.
    if (group.length === 1) dispatchFlatChunked(ctx, op, key, source, buffers(group[0]!).map((buffer) => ({ buffer, perElement: true })), uniforms, offsets.at(-1)! * w, w * per);
    else dispatchFlat(ctx, op, key, source, group.flatMap(buffers), uniforms, offsets.at(-1)! * w, w * per);
  };
  const vec4able = (u: OptimizerOperands) => size(u) % 4 === 0 && size(u) >= VEC4_MIN_ELEMENTS;
  const big = updates.filter((u) => size(u) > maxBindingElements(ctx));
  for (const u of big) dispatch([u], size(u) % 4 === 0);
  for (const vec4 of [true, false]) {
    let group: OptimizerOperands[] = [];
    for (const u of updates.filter((x) => !big.includes(x) && size(x) > 0 && vec4able(x) === vec4)) {
      // A gradient bound beside a buffer the same dispatch writes would be a usage conflict: such a variable starts a new group.
      const clash = group.some((v) => buffers(v).includes(u.grad.buffer) || buffers(u).includes(v.grad.buffer));
      if (group.length === maxVars || clash) {
        dispatch(group, vec4);
        group = [];
      }
      group.push(u);
    }
    if (group.length > 0) dispatch(group, vec4);
  }
}
