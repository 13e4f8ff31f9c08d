import { broadcastStrides, sizeOf } from '../shape.js';
import type { GpuContext } from '../webgpu/context.js';
import { broadcastUniformValues, dispatchFlat, wgslType, type GpuTensor } from '../webgpu/wgsl.js';
import { binaryExpr, castExpr, elementwiseWgsl, fillWgsl, unaryExpr, WHERE_EXPR } from './elementwise.wgsl.js';
import type { BinaryOp, UnaryOp } from './ops.js';

/** Runs `expr` over inputs broadcast to `out` (the one dispatch path of this family). */
function elementwiseGpu(ctx: GpuContext, op: string, expr: string, inputs: readonly (readonly [string, GpuTensor])[], out: GpuTensor): void {
  const rank = out.shape.length;
  const types = inputs.map(([n, t]) => [n, wgslType(t.dtype)] as const);
  const outType = wgslType(out.dtype);
  const key = `ew:${expr}:${types.map(([, t]) => t).join(',')}:${outType}:${rank}`;
  const strides = inputs.map(([, t]) => broadcastStrides(t.shape, out.shape));
  dispatchFlat(ctx, op, key, () => elementwiseWgsl(expr, types, outType, rank), [...inputs.map(([, t]) => t.buffer), out.buffer],
    broadcastUniformValues(out.shape, strides), sizeOf(out.shape));
}

export function unaryGpu(ctx: GpuContext, op: UnaryOp, x: GpuTensor, y: GpuTensor): void {
  elementwiseGpu(ctx, op, unaryExpr(op), [['x', x]], y);
}

export function binaryGpu(ctx: GpuContext, op: BinaryOp, a: GpuTensor, b: GpuTensor, y: GpuTensor): void {
  elementwiseGpu(ctx, op, binaryExpr(op), [['a', a], ['b', b]], y);
}

export function whereGpu(ctx: GpuContext, c: GpuTensor, a: GpuTensor, b: GpuTensor, y: GpuTensor): void {
  elementwiseGpu(ctx, 'where', WHERE_EXPR, [['c', c], ['a', a], ['b', b]], y);
}

export function castGpu(ctx: GpuContext, x: GpuTensor, y: GpuTensor): void {
  elementwiseGpu(ctx, 'cast', castExpr(wgslType(y.dtype)), [['x', x]], y);
}

/** Sets `n` 32-bit elements of `buffer` to `bits`, in queue order with the other kernels. */
export function fillGpu(ctx: GpuContext, buffer: GPUBuffer, n: number, bits: number): void {
  dispatchFlat(ctx, 'fill', 'fill', fillWgsl, [buffer], [['u32', bits >>> 0]], n);
}
