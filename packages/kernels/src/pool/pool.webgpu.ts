import type { Conv2DGeometry } from '../conv2d/geometry.js';
import type { GpuContext, Uniform } from '../webgpu/context.js';
import { dispatchFlat, UDIV_EXACT_BELOW, type GpuTensor } from '../webgpu/wgsl.js';
import { POOL_UNIFORMS, poolWgsl, type PoolDirection, type PoolOp } from './pool.wgsl.js';

const OP_NAMES = { max: 'maxPool2d', avg: 'avgPool2d' } as const;

/** Geometry uniforms, typed and ordered by `POOL_UNIFORMS` (after `n`, which `dispatchFlat` prepends). */
function geometryUniforms(g: Conv2DGeometry): Uniform[] {
  const divisors = [g.inC, g.inH, g.inW, g.outH, g.outW, g.strideH, g.strideW];
  const values = [g.inH, g.inW, g.inC, g.kH, g.kW, g.outH, g.outW, g.strideH, g.strideW, g.dilH, g.dilW, g.padTop, g.padLeft, ...divisors.map((d) => 1 / d)];
  return POOL_UNIFORMS.slice(1).map(([, type], k): Uniform => [type, values[k]!]);
}

function poolGpu(ctx: GpuContext, op: PoolOp, direction: PoolDirection, buffers: GPUBuffer[], g: Conv2DGeometry): void {
  const n = direction === 'forward' ? g.batch * g.outH * g.outW * g.inC : g.batch * g.inH * g.inW * g.inC;
  const name = direction === 'forward' ? OP_NAMES[op] : `${OP_NAMES[op]}Grad`;
  // Dividends: flat indices (< n) and offsets within one image row or column.
  const fast = Math.max(n, g.inH + g.inW + Math.abs(g.padTop) + Math.abs(g.padLeft)) < UDIV_EXACT_BELOW;
  dispatchFlat(ctx, name, `pool:${op}:${direction}:${fast ? 'rcp' : 'div'}`, () => poolWgsl(op, direction, fast), buffers, geometryUniforms(g), n);
}

export function maxPoolGpu(ctx: GpuContext, x: GpuTensor, y: GpuTensor, g: Conv2DGeometry): void {
  poolGpu(ctx, 'max', 'forward', [x.buffer, y.buffer], g);
}

export function maxPoolGradGpu(ctx: GpuContext, dy: GpuTensor, x: GpuTensor, dx: GpuTensor, g: Conv2DGeometry): void {
  poolGpu(ctx, 'max', 'backward', [dy.buffer, x.buffer, dx.buffer], g);
}

export function avgPoolGpu(ctx: GpuContext, x: GpuTensor, y: GpuTensor, g: Conv2DGeometry): void {
  poolGpu(ctx, 'avg', 'forward', [x.buffer, y.buffer], g);
}

export function avgPoolGradGpu(ctx: GpuContext, dy: GpuTensor, dx: GpuTensor, g: Conv2DGeometry): void {
  poolGpu(ctx, 'avg', 'backward', [dy.buffer, dx.buffer], g);
}
