import { sizeOf } from '../shape.js';
import type { GpuContext } from '../webgpu/context.js';
import { dispatchFlat, wgslType, type GpuTensor } from '../webgpu/wgsl.js';
import type { RandomAttrs } from './random.cpu.js';
import { randomWgsl } from './random.wgsl.js';

/** Fills y from Philox with the same counter/key layout as randomCpu. */
export function randomGpu(ctx: GpuContext, attrs: RandomAttrs, y: GpuTensor): void {
  const out = wgslType(y.dtype);
  if (out === 'u32') throw new Error(`random: cannot draw ${y.dtype} values [${y.shape.join(', ')}]`);
  const [k0, k1] = attrs.key;
  dispatchFlat(ctx, 'random', `random:${attrs.dist}:${out}`, () => randomWgsl(attrs.dist, out), [y.buffer],
    [['u32', k0], ['u32', k1], ['f32', attrs.a], ['f32', attrs.b]], sizeOf(y.shape));
}
