import { transposeGpu } from '../layout/layout.webgpu.js';
import { gemmGpu } from '../matmul/matmul.webgpu.js';
import { scratch } from '../webgpu/scratch.js';
import type { GpuContext, Uniform } from '../webgpu/context.js';
import type { GpuTensor } from '../webgpu/wgsl.js';
import { convFastDivision, convFields, convHooks, convProblem, convValues, type ConvKind } from './conv2d.wgsl.js';
import type { Conv2DGeometry } from './geometry.js';

const OP: Record<ConvKind, string> = { forward: 'conv2d', backpropInput: 'conv2dBackpropInput', backpropFilter: 'conv2dBackpropFilter' };

/**
 * One implicit-GEMM convolution: `a`, `b` are the GEMM's A and B sources, `y` its C. `fusible`:
 * C is written once per element at row·N + col (the forward and input gradient, [pixels,
 * channels] NHWC), so a recorded program may give it an epilogue (a bias per channel is one per column).
 */
function convGpu(ctx: GpuContext, kind: ConvKind, a: GpuTensor, b: GpuTensor, y: GpuTensor, g: Conv2DGeometry, fusible = true): void {
  const values = convValues(g).map((v, i): Uniform => [convFields[i]![1], v]);
  gemmGpu(ctx, OP[kind], `conv:${kind}:${convFastDivision(g) ? 'rcp' : 'div'}`, convHooks(kind, g), values, [a.buffer, b.buffer, y.buffer], { ...convProblem(kind, g), batches: 1 }, { fusible });
}

/** y = conv2d(x, w): NHWC, filter [kH, kW, inC, outC]. */
export const conv2dGpu = (ctx: GpuContext, x: GpuTensor, w: GpuTensor, y: GpuTensor, g: Conv2DGeometry) => convGpu(ctx, 'forward', x, w, y, g);
/**
 * dx from dy and the filter, its channel axes swapped first ([kh, kw, f, c]: a small copy), so
 * that the GEMM reads B row-major, 4 channels at a time, instead of one element per index
 * decomposition: on a CPU adapter this GEMM ran at a third of the forward convolution's speed.
 */
export function conv2dBackpropInputGpu(ctx: GpuContext, dy: GpuTensor, w: GpuTensor, dx: GpuTensor, g: Conv2DGeometry): void {
  const wt = scratch(ctx, 'conv:filterT', [g.kH, g.kW, g.outC, g.inC]);
  transposeGpu(ctx, w, [0, 1, 3, 2], wt);
  convGpu(ctx, 'backpropInput', dy, wt, dx, g);
}
/**
 * dw from x and dy, as dwᵀ = dyᵀ · im2col(x) written transposed: B reads 4 channels of a tap at a
 * time; A reads dy in place, transposed (measured on lavapipe: as fast as from a transposed copy
 * of dy, which then costs its copy). Not fusible: C is not written row-major.
 */
export const conv2dBackpropFilterGpu = (ctx: GpuContext, x: GpuTensor, dy: GpuTensor, dw: GpuTensor, g: Conv2DGeometry) => convGpu(ctx, 'backpropFilter', dy, x, dw, g, false);
