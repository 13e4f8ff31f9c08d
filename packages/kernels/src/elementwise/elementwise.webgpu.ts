import { broadcastStrides, sizeOf } from '../shape.js';
import type { GpuContext } from '../webgpu/context.js';
import { broadcastUniformValues, wgslType, type GpuTensor } from '../webgpu/wgsl.js';
import { dispatchFlatChunked, maxBindingElements } from '../webgpu/chunked.js';
import { binaryExpr, castExpr, elementwiseWgsl, fillWgsl, unaryExpr, WHERE_EXPR } from './elementwise.wgsl.js';
import type { BinaryOp, UnaryOp } from './ops.js';

/** Runs `expr` over inputs broadcast to `out` (the one dispatch path of this family). */
function elementwiseGpu(ctx: GpuContext, op: string, expr: string, inputs: readonly (readonly [string, GpuTensor])[], out: GpuTensor): void {
  const rank = out.shape.length;
  const types = inputs.map(([n, t]) => [n, wgslType(t.dtype)] as const);
  const outType = wgslType(out.dtype);
  const key = `ew:${expr}:${types.map(([, t]) => t).join(',')}:${outType}:${rank}`;
  const strides = inputs.map(([, t]) => broadcastStrides(t.shape, out.shape));
  const n = sizeOf(out.shape);
  // Past one storage binding the work is split: same-size inputs are split with the output
  // (their index is the output's), scalars are read whole (index 0 everywhere).
  const bindings = [...inputs.map(([, t]) => ({ buffer: t.buffer, perElement: sizeOf(t.shape) === n })), { buffer: out.buffer, perElement: true }];
  const partial = inputs.find(([, t]) => sizeOf(t.shape) !== n && sizeOf(t.shape) !== 1);
  if (partial && n > maxBindingElements(ctx)) {
    throw new Error(`${op} of [${partial[1].shape.join(', ')}] broadcast to [${out.shape.join(', ')}]: the output exceeds this adapter's storage binding limit (${ctx.facts.maxStorageBindingBytes} bytes), and splitting supports only same-shape or scalar operands`);
  }
  dispatchFlatChunked(ctx, op, key, () => elementwiseWgsl(expr, types, outType, rank), bindings, broadcastUniformValues(out.shape, strides), n);
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
  dispatchFlatChunked(ctx, 'fill', 'fill', fillWgsl, [{ buffer, perElement: true }], [['u32', bits >>> 0]], n);
}
