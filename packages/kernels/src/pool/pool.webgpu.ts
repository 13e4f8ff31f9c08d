import type { Conv2DGeometry } from '../conv2d/geometry.js';
import type { GpuContext, Uniform } from '../webgpu/context.js';
import { fillGpu } from '../elementwise/elementwise.webgpu.js';
import { sizeOf } from '../shape.js';
import { dispatchFlat, UDIV_EXACT_BELOW, type GpuTensor } from '../webgpu/wgsl.js';
import { POOL_UNIFORMS, poolWgsl, type PoolDirection, type PoolVariant, type PoolOp } from './pool.wgsl.js';

const OP_NAMES = { max: 'maxPool2d', avg: 'avgPool2d' } as const;

/** The gathering backward kernel's specialisation: one scalar output per invocation. */
const SCALAR: PoolVariant = { vec: 1, outputs: 1 };

/**
 * The one place choosing the forward variant: vec4 channel groups when C % 4 == 0 (scalar
 * otherwise) and OUTPUTS_PER_INVOCATION output columns per invocation (fewer when the row is
 * narrower). On lavapipe 1, 2, 4 and 7 columns per invocation were within the machine's noise of
 * each other for 2×2 pools (BENCHMARKS.md); 4 amortises the index decomposition most.
 */
const OUTPUTS_PER_INVOCATION = 4;
function forwardVariant(g: Conv2DGeometry): PoolVariant {
  return { vec: g.inC % 4 === 0 ? 4 : 1, outputs: Math.min(OUTPUTS_PER_INVOCATION, g.outW) };
}

/** Geometry uniforms, typed and ordered by `POOL_UNIFORMS` (after `n`, which `dispatchFlat` prepends). */
function geometryUniforms(g: Conv2DGeometry, { vec, outputs }: PoolVariant): Uniform[] {
  const groups = g.inC / vec;
  const owBlocks = Math.ceil(g.outW / outputs);
  const divisors = [groups, g.inH, g.inW, g.outH, g.outW, g.strideH, g.strideW];
  const values = [g.inH, g.inW, groups, g.kH, g.kW, g.outH, g.outW, g.strideH, g.strideW, g.dilH, g.dilW, g.padTop, g.padLeft, ...divisors.map((d) => 1 / d), owBlocks, 1 / owBlocks];
  return POOL_UNIFORMS.slice(1).map(([, type], k): Uniform => [type, values[k]!]);
}

function poolGpu(ctx: GpuContext, op: PoolOp, direction: PoolDirection, buffers: GPUBuffer[], g: Conv2DGeometry): void {
  // The window-scatter backward moves vec4 channel groups as the forward does, one window each.
  const variant = direction === 'forward' ? forwardVariant(g) : direction === 'windowBackward' ? { ...forwardVariant(g), outputs: 1 } : SCALAR;
  const n = direction === 'backward'
    ? g.batch * g.inH * g.inW * g.inC
    : g.batch * g.outH * Math.ceil(g.outW / variant.outputs) * (g.inC / variant.vec);
  const name = direction === 'forward' ? OP_NAMES[op] : `${OP_NAMES[op]}Grad`;
  // Dividends: flat indices (< n) and offsets within one image row or column.
  const fast = Math.max(n, g.inH + g.inW + Math.abs(g.padTop) + Math.abs(g.padLeft)) < UDIV_EXACT_BELOW;
  const key = `pool:${op}:${direction}:${fast ? 'rcp' : 'div'}:${variant.vec}x${variant.outputs}`;
  dispatchFlat(ctx, name, key, () => poolWgsl(op, direction, fast, variant), buffers, geometryUniforms(g, variant), n);
}

export function maxPoolGpu(ctx: GpuContext, x: GpuTensor, y: GpuTensor, g: Conv2DGeometry): void {
  poolGpu(ctx, 'max', 'forward', [x.buffer, y.buffer], g);
}

interface AxisWindows { inSize: number; k: number; stride: number; dil: number; pad: number; out: number }

const extent = (a: AxisWindows) => (a.k - 1) * a.dil + 1;
/** Windows along this axis share no cell. */
const disjoint = (a: AxisWindows) => a.stride >= extent(a);
/** Disjoint windows without holes or gaps whose union holds every input cell of the axis. */
const covering = (a: AxisWindows) => (a.k === 1 || a.dil === 1) && a.stride === extent(a) && (a.out - 1) * a.stride - a.pad + extent(a) >= a.inSize;

function axes(g: Conv2DGeometry): [AxisWindows, AxisWindows] {
  return [
    { inSize: g.inH, k: g.kH, stride: g.strideH, dil: g.dilH, pad: g.padTop, out: g.outH },
    { inSize: g.inW, k: g.kW, stride: g.strideW, dil: g.dilW, pad: g.padLeft, out: g.outW },
  ];
}

/**
 * The one place choosing the max-pool backward: when windows do not overlap along either axis
 * (stride ≥ window, the usual 2×2/2 pool), one invocation per output window writes its window
 * (DX zeroed first unless the windows cover it); else one invocation per input cell gathers from
 * every window covering it, recomputing their argmaxes (kH·kW times the reads).
 */
export function maxPoolGradGpu(ctx: GpuContext, dy: GpuTensor, x: GpuTensor, dx: GpuTensor, g: Conv2DGeometry): void {
  const windows = axes(g);
  if (!windows.every(disjoint)) {
    poolGpu(ctx, 'max', 'backward', [dy.buffer, x.buffer, dx.buffer], g);
    return;
  }
  if (!windows.every(covering)) fillGpu(ctx, dx.buffer, sizeOf(dx.shape), 0);
  poolGpu(ctx, 'max', 'windowBackward', [dy.buffer, x.buffer, dx.buffer], g);
}

export function avgPoolGpu(ctx: GpuContext, x: GpuTensor, y: GpuTensor, g: Conv2DGeometry): void {
  poolGpu(ctx, 'avg', 'forward', [x.buffer, y.buffer], g);
}

export function avgPoolGradGpu(ctx: GpuContext, dy: GpuTensor, dx: GpuTensor, g: Conv2DGeometry): void {
  poolGpu(ctx, 'avg', 'backward', [dy.buffer, dx.buffer], g);
}
