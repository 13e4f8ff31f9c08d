import { sizeOf, stridesOf, type Shape } from '../shape.js';
import type { GpuContext } from '../webgpu/context.js';
import { collapseDims, u32Fields, uniformValues, type UniformList } from '../webgpu/indexing.js';
import { ELEMENTWISE_WG, wgslType, type GpuTensor } from '../webgpu/wgsl.js';
import type { ArgReduceOp, ReduceOp } from './reduce.cpu.js';
import { argAccumulator, REDUCE_WG, reduceWgsl, valueAccumulator, type Accumulator } from './reduce.wgsl.js';

/** Dims with their input strides. */
interface Dims { dims: number[]; strides: number[] }

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

/** Elements one workgroup reduces before a reduction is split over several workgroups per output. */
const CHUNK_LEN = 4096;
/** Split long reductions until about this many workgroups are busy (partials fit the scratch buffer). */
const TARGET_GROUPS = 2048;

const scratchBuffers = new WeakMap<GpuContext, GPUBuffer>();
/**
 * Partial results of a split reduction (≤ TARGET_GROUPS words). One buffer per context is enough:
 * dispatches run in recording order, so each split reduction's second pass has read its
 * partials before the next one writes them.
 */
function scratch(ctx: GpuContext): GPUBuffer {
  let b = scratchBuffers.get(ctx);
  if (!b) {
    b = ctx.device.createBuffer({ size: TARGET_GROUPS * 4, usage: GPUBufferUsage.STORAGE, label: 'reduce partials' });
    scratchBuffers.set(ctx, b);
  }
  return b;
}

/** The one place choosing how a reduction of `n` outputs over `r` elements runs. */
function plan(n: number, r: number, innerReduced: boolean, splittable: boolean): { mode: 'thread' | 'workgroup'; chunks: number } {
  const perWorkgroup = r >= REDUCE_WG && (innerReduced || n < 4 * REDUCE_WG);
  if (!perWorkgroup) return { mode: 'thread', chunks: 1 };
  const chunks = splittable ? Math.max(1, Math.min(Math.ceil(r / CHUNK_LEN), Math.floor(TARGET_GROUPS / n))) : 1;
  return { mode: 'workgroup', chunks };
}

function reduceDims(ctx: GpuContext, op: string, acc: Accumulator, splittable: boolean, x: GPUBuffer, inType: Accumulator['out'], kept: Dims, red: Dims, y: GPUBuffer): void {
  const n = sizeOf(kept.dims);
  const r = sizeOf(red.dims);
  if (n === 0) return;
  const { mode, chunks } = plan(n, r, red.strides.includes(1), splittable);
  if (chunks === 1) {
    dispatchReduce(ctx, op, acc, mode, 1, x, inType, kept, red, y);
    return;
  }
  // Pass 1 writes partials [n, chunks]; pass 2 reduces them along their last axis.
  const partials = scratch(ctx);
  dispatchReduce(ctx, op, acc, mode, chunks, x, inType, kept, red, partials);
  reduceDims(ctx, op, acc, false, partials, acc.out, { dims: [n], strides: [chunks] }, { dims: [chunks], strides: [1] }, y);
}

function dispatchReduce(ctx: GpuContext, op: string, acc: Accumulator, mode: 'thread' | 'workgroup', chunks: number, x: GPUBuffer, inType: Accumulator['out'], kept: Dims, red: Dims, y: GPUBuffer): void {
  const n = sizeOf(kept.dims);
  const r = sizeOf(red.dims);
  const uniforms: UniformList = [
    ['n', 'u32', n], ['R', 'u32', r], ['chunks', 'u32', chunks], ['chunkLen', 'u32', Math.max(1, Math.ceil(r / chunks))],
    ...u32Fields('k', kept.dims), ...u32Fields('ks', kept.strides), ...u32Fields('r', red.dims), ...u32Fields('rs', red.strides),
  ];
  const key = `reduce:${acc.key}:${inType}:${mode}:${kept.dims.length}:${red.dims.length}`;
  const pipeline = ctx.pipeline(key, () => reduceWgsl(acc, inType, mode, kept.dims.length, red.dims.length, uniforms));
  const grid = mode === 'thread' ? ctx.grid(n, ELEMENTWISE_WG) : ctx.grid(n * chunks * REDUCE_WG, REDUCE_WG);
  ctx.dispatch(op, pipeline, [x, y], uniformValues(uniforms), grid);
}

/** y = op over `axes` of x (y has the kept dims, in order). */
export function reduceGpu(ctx: GpuContext, op: ReduceOp, x: GpuTensor, axes: readonly number[], y: GpuTensor): void {
  const t = wgslType(x.dtype);
  if (t === 'u32') throw new Error(`cannot reduce a ${x.dtype} tensor [${x.shape.join(', ')}]`);
  const { kept, red } = reductionDims(x.shape, axes);
  reduceDims(ctx, op, valueAccumulator(op, t), true, x.buffer, t, kept, red, y.buffer);
}

/** y (int32) = index of the first max (min) of x along `axis`. */
export function argReduceGpu(ctx: GpuContext, op: ArgReduceOp, x: GpuTensor, axis: number, y: GpuTensor): void {
  const t = wgslType(x.dtype);
  const strides = stridesOf(x.shape);
  // The axis stays one reduced dim even of size 1 (its coordinate is the answer).
  const { kept } = reductionDims(x.shape, [axis]);
  reduceDims(ctx, op, argAccumulator(op, t), false, x.buffer, t, kept, { dims: [x.shape[axis]!], strides: [strides[axis]!] }, y.buffer);
}
