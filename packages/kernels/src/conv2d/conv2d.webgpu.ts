import { gemmGpu } from '../matmul/matmul.webgpu.js';
import type { GpuContext, Uniform } from '../webgpu/context.js';
import type { GpuTensor } from '../webgpu/wgsl.js';
import { convFastDivision, convFields, convHooks, convProblem, convValues, type ConvKind } from './conv2d.wgsl.js';
import type { Conv2DGeometry } from './geometry.js';

const OP: Record<ConvKind, string> = { forward: 'conv2d', backpropInput: 'conv2dBackpropInput', backpropFilter: 'conv2dBackpropFilter' };

/**
 * One implicit-GEMM convolution: `a`, `b` are the GEMM's A and B sources, `y` its C, written once
 * per element at row·N + col (for the forward and input gradient, [pixels, channels] NHWC): a
 * recorded program may give it an epilogue (a bias per channel is one per column).
 */
function convGpu(ctx: GpuContext, kind: ConvKind, a: GpuTensor, b: GpuTensor, y: GpuTensor, g: Conv2DGeometry): void {
  const values = convValues(g).map((v, i): Uniform => [convFields[i]![1], v]);
  gemmGpu(ctx, OP[kind], `conv:${kind}:${convFastDivision(g) ? 'rcp' : 'div'}`, convHooks(kind, g), values, [a.buffer, b.buffer, y.buffer], { ...convProblem(kind, g), batches: 1 }, { fusible: true });
}

/** y = conv2d(x, w): NHWC, filter [kH, kW, inC, outC]. */
export const conv2dGpu = (ctx: GpuContext, x: GpuTensor, w: GpuTensor, y: GpuTensor, g: Conv2DGeometry) => convGpu(ctx, 'forward', x, w, y, g);
/** dx from dy and the filter. */
export const conv2dBackpropInputGpu = (ctx: GpuContext, dy: GpuTensor, w: GpuTensor, dx: GpuTensor, g: Conv2DGeometry) => convGpu(ctx, 'backpropInput', dy, w, dx, g);
/** dw from x and dy. */
export const conv2dBackpropFilterGpu = (ctx: GpuContext, x: GpuTensor, dy: GpuTensor, dw: GpuTensor, g: Conv2DGeometry) => convGpu(ctx, 'backpropFilter', x, dy, dw, g);
