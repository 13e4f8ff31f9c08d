import { broadcastStrides, sizeOf } from '../shape.js';
import type { GpuContext } from '../webgpu/context.js';
import { broadcastUniformValues, wgslType, type GpuTensor } from '../webgpu/wgsl.js';
import { CHUNK_ALIGN_ELEMENTS, dispatchFlatChunked, maxBindingElements } from '../webgpu/chunked.js';
import { binaryExpr, castExpr, elementwiseWgsl, fillWgsl, unaryExpr, WHERE_EXPR, type ElementwiseVariant, type InputMode } from './elementwise.wgsl.js';
import type { BinaryOp, UnaryOp } from './ops.js';
import type { ElementwiseStep } from './fuse.js';

/**
 * The output dims with size-1 dims dropped and neighbours merged wherever every input is laid
 * out across them as one dim (both contiguous, or both broadcast): `a + bias` over [N, H, W, C]
 * becomes [N·H·W, C], a same-shape operand one flat dim.
 */
export function coalesceDims(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const out: number[] = [];
  const ins: number[][] = strides.map(() => []);
  shape.forEach((size, d) => {
    if (size === 1) return;
    const last = out.length - 1;
    if (last >= 0 && strides.every((s, k) => ins[k]![last] === s[d]! * size)) {
      out[last] = out[last]! * size;
      strides.forEach((s, k) => { ins[k]![last] = s[d]!; });
    } else {
      out.push(size);
      strides.forEach((s, k) => ins[k]!.push(s[d]!));
    }
  });
  return { shape: out, strides: ins };
}

function inputMode(shape: readonly number[], strides: readonly number[]): InputMode {
  if (strides.every((s) => s === 0)) return 'scalar';
  let contiguous = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (strides[d] !== contiguous) return 'strided';
    contiguous *= shape[d]!;
  }
  return 'same';
}

/** One dispatch of an elementwise kernel: `variant` over elements [start, start + n). */
export interface ElementwisePart { variant: ElementwiseVariant; start: number; n: number }

/** Outputs per invocation: scalar kernels (strided inputs step their coordinates across them), vec4 kernels. */
const SCALAR_PER_INVOCATION = 8;
const VEC4_PER_INVOCATION = 8;
/**
 * Below this a size that is not a multiple of 4 runs as one scalar dispatch; from it up, the
 * aligned bulk runs as vec4 and the last < 64 elements as a second, scalar dispatch (a binding
 * window must start at a multiple of 256 bytes).
 */
export const ELEMENTWISE_SPLIT_MIN = 16384;

/**
 * The one place choosing how an elementwise kernel over `n` outputs runs. Inputs that are all
 * same-shape or broadcast scalars are read as vec4 (lavapipe and GPUs alike load 16 bytes as
 * cheaply as 4); a strided input needs per-element coordinates, so scalars.
 */
export function elementwisePlan(n: number, rank: number, modes: readonly InputMode[]): ElementwisePart[] {
  const scalar = (start: number, len: number): ElementwisePart => ({ variant: { rank, modes, vec: 1, perInvocation: SCALAR_PER_INVOCATION }, start, n: len });
  const vec4 = (len: number): ElementwisePart => ({ variant: { rank: 0, modes, vec: 4, perInvocation: VEC4_PER_INVOCATION }, start: 0, n: len });
  if (modes.includes('strided')) return [scalar(0, n)];
  if (n % 4 === 0) return [vec4(n)];
  if (n < ELEMENTWISE_SPLIT_MIN) return [scalar(0, n)];
  const bulk = n - (n % CHUNK_ALIGN_ELEMENTS);
  return [vec4(bulk), scalar(bulk, n - bulk)];
}

/** The pipeline key of an elementwise kernel (`expr` may be a fused chain's description). */
export const elementwiseKey = (expr: string, types: readonly string[], out: string, v: ElementwiseVariant): string =>
  `ew:${expr}:${types.join(',')}:${out}:${v.rank}:${v.modes.map((m) => m[1]).join('')}:${v.vec}:${v.perInvocation}`;

/** Runs `expr` over inputs broadcast to `out` (the one dispatch path of this family). */
function elementwiseGpu(ctx: GpuContext, op: string, expr: string, inputs: readonly (readonly [string, GpuTensor])[], out: GpuTensor): void {
  const types = inputs.map(([n, t]) => [n, wgslType(t.dtype)] as const);
  const outType = wgslType(out.dtype);
  const c = coalesceDims(out.shape, inputs.map(([, t]) => broadcastStrides(t.shape, out.shape)));
  const modes = inputs.map((_, k) => inputMode(c.shape, c.strides[k]!));
  // Without strided inputs the kernel does not depend on the rank.
  const rank = modes.includes('strided') ? c.shape.length : 0;
  const n = sizeOf(out.shape);
  // Past one storage binding the work is split: same-size inputs are split with the output
  // (their index is the output's), scalars are read whole (index 0 everywhere).
  const bindings = [...inputs.map(([, t]) => ({ buffer: t.buffer, perElement: sizeOf(t.shape) === n })), { buffer: out.buffer, perElement: true }];
  const partial = inputs.find(([, t]) => sizeOf(t.shape) !== n && sizeOf(t.shape) !== 1);
  if (partial && n > maxBindingElements(ctx)) {
    throw new Error(`${op} of [${partial[1].shape.join(', ')}] broadcast to [${out.shape.join(', ')}]: the output exceeds this adapter's storage binding limit (${ctx.facts.maxStorageBindingBytes} bytes), and splitting supports only same-shape or scalar operands`);
  }
  const strided = c.strides.filter((_, k) => modes[k] === 'strided');
  const uniforms = strided.length > 0 ? broadcastUniformValues(c.shape, strided) : [];
  const parts = elementwisePlan(n, rank, modes);
  // A kernel of one dispatch says what it computes, so a recorded program can fuse it (fuse.ts).
  const described: ElementwiseStep | undefined = parts.length === 1 ? {
    expr, shape: c.shape, n,
    inputs: inputs.map(([name, t], k) => ({ name, type: types[k]![1], buffer: t.buffer, mode: modes[k]!, strides: c.strides[k]! })),
    out: { type: outType, buffer: out.buffer },
  } : undefined;
  for (const { variant, start, n: len } of parts) {
    dispatchFlatChunked(ctx, op, elementwiseKey(expr, types.map(([, t]) => t), outType, variant), () => elementwiseWgsl(expr, types, outType, variant), bindings, uniforms, len, variant.perInvocation, start, described);
  }
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

/**
 * Sets `n` 32-bit elements of `buffer` to `bits`, in queue order with the other kernels: zeros by
 * the queue's clear (~10x faster than a kernel on lavapipe: 10 MB in 0.3-0.5 ms against 3.5), other
 * values 4 per invocation as a vec4 when n % 4 == 0 (chunk windows start at multiples of 64 elements).
 */
export function fillGpu(ctx: GpuContext, buffer: GPUBuffer, n: number, bits: number): void {
  if (bits === 0) {
    if (n > 0) ctx.clear(buffer, 0, n * 4);
    return;
  }
  const vec4 = n % 4 === 0;
  dispatchFlatChunked(ctx, 'fill', `fill:${vec4 ? 4 : 1}`, () => fillWgsl(vec4), [{ buffer, perElement: true }], [['u32', bits >>> 0]], n, vec4 ? 4 : 1);
}
