import type { DType } from '../types.js';
import type { Shape } from '../shape.js';
import type { ElementwiseStep } from '../elementwise/fuse.js';
import type { Binding, GpuContext, Uniform } from './context.js';

/** A tensor as the WebGPU kernels see it: a buffer, a shape, a dtype. */
export interface GpuTensor { readonly buffer: GPUBuffer; readonly shape: Shape; readonly dtype: DType }

/** Storage element type per dtype: bool is stored as u32 0/1 (WGSL has no 8-bit storage). */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'u32' {
  switch (dtype) {
    case 'float32': return 'f32';
    case 'int32': return 'i32';
    case 'bool': return 'u32';
    case 'float64': throw new Error('webgpu: float64 is not supported on the GPU (use the cpu backend)');
  }
}

/** Bytes per element as stored on the GPU. */
export const GPU_ELEMENT_BYTES = 4;

/** The uniform struct declaration for named u32/i32/f32 fields (binding 0). */
export function uniformStruct(fields: readonly (readonly [string, Uniform[0]])[]): string {
  if (fields.length === 0) return '';
  return `struct U { ${fields.map(([n, t]) => `${n}: ${t}`).join(', ')} }\n@group(0) @binding(0) var<uniform> u: U;\n`;
}

/** Storage bindings after the uniforms: `names` read-only, the last one read_write. */
export function storageBindings(first: number, bufs: readonly (readonly [string, string, 'read' | 'read_write'])[]): string {
  return bufs.map(([name, type, access], i) => `@group(0) @binding(${first + i}) var<storage, ${access}> ${name}: array<${type}>;`).join('\n');
}

/** Declares `let <name>` (default i) = the flat invocation index of a `GpuContext.grid()` dispatch. */
export function flatIndexDecl(size: number, name = 'i'): string {
  return `let ${name} = gid.x + gid.y * nwg.x * ${size}u;`;
}

export const MAIN_ARGS = '@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u';

/** Uniform fields `o0..` (output dims) and `<name>0..` (input strides, 0 where broadcast) of a broadcast kernel. */
export function broadcastUniformFields(rank: number, inputs: readonly string[]): [string, 'u32'][] {
  const f: [string, 'u32'][] = [];
  for (let d = 0; d < rank; d++) f.push([`o${d}`, 'u32']);
  for (const n of inputs) for (let d = 0; d < rank; d++) f.push([`${n}${d}`, 'u32']);
  return f;
}

export function broadcastUniformValues(outShape: Shape, inStrides: readonly (readonly number[])[]): Uniform[] {
  return [...outShape.map((d): Uniform => ['u32', d]), ...inStrides.flatMap((s) => s.map((v): Uniform => ['u32', v]))];
}

/** `udiv` is exact for dividends below this (an f32 holds integers up to 2^24 exactly). */
export const UDIV_EXACT_BELOW = 2 ** 24;

/**
 * WGSL `udiv(x, d, rd)` = ⌊x / d⌋ and `umod`, for a run-time divisor d ≥ 1 passed with rd = 1/d
 * (f32 uniform). A CPU adapter scalarises integer division by a non-constant (8 divisions per
 * AVX2 vector, the bulk of an implicit-GEMM read); `fast` computes x·rd in f32 instead, off by at
 * most one for x < UDIV_EXACT_BELOW, then corrects it exactly. `fast` false: plain division.
 */
export function udivWgsl(fast: boolean): string {
  const body = fast
    ? `var q = u32(f32(x) * rd);
  let r = i32(x) - i32(q * d);
  q = select(q, q - 1u, r < 0);
  return select(q, q + 1u, r >= i32(d));`
    : 'return x / d;';
  return `fn udiv(x: u32, d: u32, rd: f32) -> u32 {
  ${body}
}
fn umod(x: u32, d: u32, rd: f32) -> u32 { return x - udiv(x, d, rd) * d; }`;
}

/** Workgroup width used by the simple one-invocation-per-element kernels. */
export const ELEMENTWISE_WG = 64;

/** Dispatches an elementwise-style kernel over `n` outputs, `perInvocation` consecutive ones per invocation. */
export function dispatchFlat(ctx: GpuContext, op: string, key: string, source: () => string, buffers: Binding[], uniforms: Uniform[], n: number, perInvocation = 1, elementwise?: ElementwiseStep): void {
  if (n === 0) return;
  ctx.dispatch(op, ctx.pipeline(key, source), buffers, [['u32', n], ...uniforms], ctx.grid(Math.ceil(n / perInvocation), ELEMENTWISE_WG), elementwise && { elementwise });
}
