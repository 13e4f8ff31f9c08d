import { sizeOf, stridesOf, type Shape } from '../shape.js';
import type { DispatchStep, GpuContext } from '../webgpu/context.js';
import { collapseDims, u32Fields, uniformValues, type UniformList } from '../webgpu/indexing.js';
import { ELEMENTWISE_WG, wgslType, type GpuTensor } from '../webgpu/wgsl.js';
import type { ArgReduceOp, ReduceOp } from './reduce.cpu.js';
import { argAccumulator, prologueKey, REDUCE_WG, reduceWgsl, valueAccumulator, type Accumulator, type ReducePrologue, type ReduceVariant } from './reduce.wgsl.js';
import { BufferUsage } from '../webgpu/flags.js';

/** Dims with their input strides. */
export interface Dims { dims: number[]; strides: number[] }

/**
 * Splits the input's dims into kept and reduced groups, each simplified by `collapseDims`
 * (size-1 dims dropped, contiguous neighbours merged): [a, b, c] reduced over axis 1 becomes an
 * [outer] x [reduced] walk with inner stride, over (0, 1) a 1-D kept and a 1-D reduced walk.
 */
export function reductionDims(shape: Shape, axes: readonly number[]): { kept: Dims; red: Dims } {
  const strides = stridesOf(shape);
  const group = (reduced: boolean): Dims => {
    const ids = shape.map((_, i) => i).filter((i) => axes.includes(i) === reduced);
    const c = collapseDims(ids.map((i) => shape[i]!), [ids.map((i) => strides[i]!)]);
    return { dims: c.dims, strides: c.strides[0]! };
  };
  return { kept: group(false), red: group(true) };
}

/** GPU: elements one workgroup reduces before a reduction is split over several workgroups per output. */
const CHUNK_LEN = 4096;
/** GPU: split long reductions until about this many workgroups are busy (partials fit the scratch buffer). */
const TARGET_GROUPS = 2048;
/**
 * CPU adapters: split until about this many invocations run serial loops (a few per SIMD lane
 * of each core), each over at least CPU_MIN_CHUNK elements. Workgroup trees lose there: every
 * barrier switches each of a workgroup's SIMD batches (lavapipe), so they cost more than the
 * loads they share; tfjs reduces 4M floats in one 512-wide workgroup, on one core.
 */
const CPU_TARGET_INVOCATIONS = 1024;
const CPU_MIN_CHUNK = 1024;

const scratchBuffers = new WeakMap<GpuContext, GPUBuffer>();
/**
 * Partial results of a split reduction (≤ TARGET_GROUPS words). One buffer per context is enough:
 * dispatches run in recording order, so each split reduction's second pass has read its
 * partials before the next one writes them.
 */
function scratch(ctx: GpuContext): GPUBuffer {
  let b = scratchBuffers.get(ctx);
  if (!b) {
    b = ctx.device.createBuffer({ size: TARGET_GROUPS * 4, usage: BufferUsage.STORAGE, label: 'reduce partials' });
    scratchBuffers.set(ctx, b);
  }
  return b;
}

/** Forces the plan of a CPU or a GPU adapter (tests exercise both on one adapter); null = this adapter's. */
export const reduceOverride: { adapter: 'cpu' | 'gpu' | null } = { adapter: null };

export interface ReducePlan { mode: ReduceVariant['mode']; vec: 1 | 4; cols: 1 | 4; chunks: number; chunkLen: number }

/**
 * The one place choosing how a reduction of `n` outputs over `r` elements runs (kept and red are
 * the collapsed dims with their strides; `splittable`: partial results may be combined later).
 */
export function reducePlan(isCpu: boolean, kept: Dims, red: Dims, splittable: boolean): ReducePlan {
  const n = sizeOf(kept.dims);
  const r = sizeOf(red.dims);
  // Rows (and chunks) start at multiples of 4 of one contiguous reduced dim: vec4 loads.
  const vec4able = red.dims.length === 1 && red.strides[0] === 1 && r % 4 === 0 && kept.strides.every((s) => s % 4 === 0);
  const chunked = (mode: ReducePlan['mode'], chunks: number, cols: 1 | 4 = 1): ReducePlan => {
    const vec = vec4able ? 4 : 1;
    const chunkLen = Math.max(vec, Math.ceil(r / chunks / vec) * vec);
    return { mode, vec, cols, chunks: Math.ceil(r / chunkLen) || 1, chunkLen };
  };
  if (isCpu) {
    // Columns (a contiguous kept dim, e.g. a bias gradient's sum over rows): 4 outputs per
    // invocation from one vec4 load per reduced step, where the reduced walk cannot be vec4.
    const kd = kept.dims.length;
    const cols = !vec4able && kd > 0 && kept.strides[kd - 1] === 1 && kept.dims[kd - 1]! % 4 === 0
      && kept.strides.slice(0, -1).every((s) => s % 4 === 0) && red.strides.every((s) => s % 4 === 0) ? 4 : 1;
    const chunks = splittable ? Math.max(1, Math.min(Math.ceil(CPU_TARGET_INVOCATIONS * cols / n), Math.floor(r / CPU_MIN_CHUNK))) : 1;
    return chunked('thread', chunks, cols);
  }
  const perWorkgroup = r >= REDUCE_WG && (red.strides.includes(1) || n < 4 * REDUCE_WG);
  if (!perWorkgroup) return chunked('thread', 1);
  return chunked('workgroup', splittable ? Math.max(1, Math.min(Math.ceil(r / CHUNK_LEN), Math.floor(TARGET_GROUPS / n))) : 1);
}

/**
 * `acc` accumulates; `last` (a mean's: it divides) stores the final results. `fusible`: a value
 * reduction of one dispatch reading its whole input x, which a recorded program may re-plan to
 * compute x by an elementwise chain instead (fuse.ts).
 */
function reduceDims(ctx: GpuContext, op: string, acc: Accumulator, last: Accumulator, splittable: boolean, x: GPUBuffer, inType: Accumulator['out'], kept: Dims, red: Dims, y: GPUBuffer, fusible = false): void {
  const n = sizeOf(kept.dims);
  if (n === 0) return;
  const p = reducePlan(reduceOverride.adapter ? reduceOverride.adapter === 'cpu' : ctx.facts.isCpu, kept, red, splittable);
  if (p.chunks === 1) {
    const reduce: ReduceStep | undefined = fusible && inType === 'f32' ? {
      input: x, n: n * sizeOf(red.dims),
      withPrologue: (prologue, buffers) => ctx.capture(() => dispatchReduce(ctx, op, last, p, x, inType, kept, red, y, { prologue, buffers })).at(-1) as DispatchStep,
    } : undefined;
    dispatchReduce(ctx, op, last, p, x, inType, kept, red, y, undefined, reduce);
    return;
  }
  // Pass 1 writes partials [n, chunks]; pass 2 reduces them along their last axis.
  const partials = scratch(ctx);
  dispatchReduce(ctx, op, acc, p, x, inType, kept, red, partials);
  reduceDims(ctx, op, acc, last, false, partials, acc.out, { dims: [n], strides: [p.chunks] }, { dims: [p.chunks], strides: [1] }, y);
}

/** The step a fusible reduction attaches: its input, the input's element count, and the reduction re-planned with a prologue computing it. */
export interface ReduceStep { input: GPUBuffer; n: number; withPrologue(prologue: ReducePrologue, buffers: readonly GPUBuffer[]): DispatchStep }

/** `computed`: the input computed by a prologue from `buffers` (its operands) instead of read from x. */
function dispatchReduce(ctx: GpuContext, op: string, acc: Accumulator, p: ReducePlan, x: GPUBuffer, inType: Accumulator['out'], kept: Dims, red: Dims, y: GPUBuffer,
  computed?: { prologue: ReducePrologue; buffers: readonly GPUBuffer[] }, reduce?: ReduceStep): void {
  const n = sizeOf(kept.dims);
  const r = sizeOf(red.dims);
  const uniforms: UniformList = [
    ['n', 'u32', n], ['R', 'u32', r], ['chunks', 'u32', p.chunks], ['chunkLen', 'u32', p.chunkLen],
    ...u32Fields('k', kept.dims), ...u32Fields('ks', kept.strides), ...u32Fields('r', red.dims), ...u32Fields('rs', red.strides), ...acc.uniforms ?? [],
  ];
  const variant: ReduceVariant = { mode: p.mode, vec: p.vec, cols: p.cols, keptRank: kept.dims.length, redRank: red.dims.length };
  const key = `reduce:${acc.key}:${inType}:${p.mode}:${p.vec}:${p.cols}:${variant.keptRank}:${variant.redRank}${computed ? `:${prologueKey(computed.prologue)}` : ''}`;
  const pipeline = ctx.pipeline(key, () => reduceWgsl(acc, inType, variant, uniforms, computed?.prologue));
  const grid = p.mode === 'thread' ? ctx.grid((n / p.cols) * p.chunks, ELEMENTWISE_WG) : ctx.grid(n * p.chunks * REDUCE_WG, REDUCE_WG);
  ctx.dispatch(op, pipeline, [...computed?.buffers ?? [x], y], uniformValues(uniforms), grid, reduce && { reduce });
}

/** y = op over `axes` of x (y has the kept dims, in order). */
export function reduceGpu(ctx: GpuContext, op: ReduceOp, x: GpuTensor, axes: readonly number[], y: GpuTensor): void {
  const t = wgslType(x.dtype);
  if (t === 'u32' || (op === 'mean' && t !== 'f32')) throw new Error(`cannot ${op} a ${x.dtype} tensor [${x.shape.join(', ')}]`);
  const { kept, red } = reductionDims(x.shape, axes);
  const last = valueAccumulator(op, t, axes.reduce((n, a) => n * x.shape[a]!, 1));
  // Fusible: the kernel reads every element of the tensor x once, so a chain can compute each instead.
  reduceDims(ctx, op, op === 'mean' ? valueAccumulator('sum', t) : last, last, true, x.buffer, t, kept, red, y.buffer, true);
}

/** y (int32) = index of the first max (min) of x along `axis`. */
export function argReduceGpu(ctx: GpuContext, op: ArgReduceOp, x: GpuTensor, axis: number, y: GpuTensor): void {
  const t = wgslType(x.dtype);
  const strides = stridesOf(x.shape);
  // The axis stays one reduced dim even of size 1 (its coordinate is the answer).
  const { kept } = reductionDims(x.shape, [axis]);
  const acc = argAccumulator(op, t);
  reduceDims(ctx, op, acc, acc, false, x.buffer, t, kept, { dims: [x.shape[axis]!], strides: [strides[axis]!] }, y.buffer);
}
