import { sizeOf, stridesOf, type Shape } from '../shape.js';
import type { GpuContext, Uniform } from '../webgpu/context.js';
import { collapseDims, u32Fields, uniformValues, type UniformList } from '../webgpu/indexing.js';
import { dispatchFlat, wgslType, type GpuTensor } from '../webgpu/wgsl.js';
import { fillGpu } from '../elementwise/elementwise.webgpu.js';
import { scratch } from '../webgpu/scratch.js';
import { concatWgsl, gatherWgsl, scatterAddWgsl, scatterMarksWgsl, stridedCopyWgsl, TRANSPOSE_BLOCKS_WGSL, type ScatterAddMode } from './layout.wgsl.js';

/** Consecutive words one invocation of a layout kernel moves: the largest of 8, 4, 2, 1 dividing every run (words that must not straddle two). */
const wordsPerInvocation = (runs: readonly number[]): number => [8, 4, 2, 1].find((p) => runs.every((r) => r % p === 0))!;

/**
 * Copies the iteration space `dims` from `src` (at srcBase + Σ c·srcStrides) to `dst` (at
 * dstBase + Σ c·dstStrides): the one dispatch path of transpose, slice, tile, concat and pad.
 * Where both sides run contiguously over the innermost dim in whole, aligned vec4s, it moves
 * vec4s: a quarter of the invocations, which is most of a copy's cost on a CPU adapter.
 */
function stridedCopy(ctx: GpuContext, op: string, src: GPUBuffer, srcBase: number, srcStrides: readonly number[], dst: GPUBuffer, dstBase: number, dstStrides: readonly number[], dims: readonly number[]): void {
  const c = collapseDims(dims, [srcStrides, dstStrides]);
  const rank = c.dims.length;
  const inner = rank - 1;
  const aligned = (v: number) => v % 4 === 0;
  const width = rank > 0 && aligned(c.dims[inner]!) && c.strides.every((s) => s[inner] === 1 && s.slice(0, inner).every(aligned)) && aligned(srcBase) && aligned(dstBase) ? 4 : 1;
  const w = (v: number) => v / width;
  const dims4 = c.dims.map((d, i) => (i === inner ? w(d) : d));
  const strides4 = c.strides.map((s) => s.map((v, i) => (i === inner ? v : w(v))));
  // dispatchFlat prepends `n`.
  const n = w(sizeOf(dims));
  const uniforms: UniformList = [['n', 'u32', n], ['srcBase', 'u32', w(srcBase)], ['dstBase', 'u32', w(dstBase)],
    ...u32Fields('d', dims4), ...u32Fields('s', strides4[0]!), ...u32Fields('t', strides4[1]!)];
  // Runs of the innermost dim contiguous on both sides: several words of a run per invocation.
  const per = wordsPerInvocation([rank > 0 && c.strides.every((s) => s[inner] === 1) ? dims4[inner]! : 1]);
  dispatchFlat(ctx, op, `copy:${rank}:${width}:${per}`, () => stridedCopyWgsl(rank, uniforms, width, per), [src, dst], uniformValues(uniforms.slice(1)), n, per);
}

/**
 * y[..., i, ...] = x with axes permuted: y.shape[d] = x.shape[perm[d]]. A permutation that is a
 * (batched) matrix transpose once adjacent axes are merged, of sides that are multiples of 4,
 * moves 4×4 blocks.
 */
export function transposeGpu(ctx: GpuContext, x: GpuTensor, perm: readonly number[], y: GpuTensor): void {
  const s = stridesOf(x.shape);
  const src = perm.map((p) => s[p]!), dst = stridesOf(y.shape);
  const c = collapseDims(y.shape, [src, dst]);
  // y[b][col][row] = x[b][row][col]: dims [batch, cols, rows] (batch 1 when there is none).
  const [batch, cols, rows] = (c.dims.length === 2 ? [1, ...c.dims] : c.dims) as [number, number, number];
  const batched = c.dims.length === 3 && c.strides.every((st) => st[0] === rows * cols);
  if ((c.dims.length === 2 || batched) && rows % 4 === 0 && cols % 4 === 0
    && c.strides[0]!.slice(-2).join() === `1,${cols}` && c.strides[1]!.slice(-2).join() === `${rows},1`) {
    const n = batch * (rows / 4) * (cols / 4);
    dispatchFlat(ctx, 'transpose', 'transpose:blocks', () => TRANSPOSE_BLOCKS_WGSL, [x.buffer, y.buffer], [['u32', cols / 4], ['u32', rows / 4]], n);
    return;
  }
  stridedCopy(ctx, 'transpose', x.buffer, 0, src, y.buffer, 0, dst, y.shape);
}

export function sliceGpu(ctx: GpuContext, x: GpuTensor, begin: readonly number[], size: readonly number[], y: GpuTensor): void {
  const s = stridesOf(x.shape);
  stridedCopy(ctx, 'slice', x.buffer, begin.reduce((a, b, d) => a + b * s[d]!, 0), s, y.buffer, 0, stridesOf(size), size);
}

/** Tile as a strided read: y viewed as [r0, d0, r1, d1, ...] reads x with stride 0 on each r axis. */
export function tileGpu(ctx: GpuContext, x: GpuTensor, reps: readonly number[], y: GpuTensor): void {
  const s = stridesOf(x.shape);
  const dims = x.shape.flatMap((d, i) => [reps[i]!, d]);
  stridedCopy(ctx, 'tile', x.buffer, 0, s.flatMap((v) => [0, v]), y.buffer, 0, stridesOf(dims), dims);
}

/**
 * One dispatch for as many inputs as a kernel may bind (a step's values stacked into one vector,
 * two state gradients joined); beyond that, one strided write per input.
 */
export function concatGpu(ctx: GpuContext, xs: readonly GpuTensor[], axis: number, y: GpuTensor): void {
  const parts = xs.filter((x) => sizeOf(x.shape) > 0);
  const inner = sizeOf(y.shape.slice(axis + 1));
  if (parts.length > 1 && parts.length < ctx.device.limits.maxStorageBuffersPerShaderStage) {
    const rows = parts.map((x) => x.shape[axis]! * inner);
    const width = rows.every((r) => r % 4 === 0) ? 4 : 1;
    const offsets = rows.reduce((o, r) => [...o, o.at(-1)! + r / width], [0]);
    const per = wordsPerInvocation(rows.map((r) => r / width));
    dispatchFlat(ctx, 'concat', `concat:${parts.length}:${width}:${per}`, () => concatWgsl(parts.length, width, per), [...parts.map((x) => x.buffer), y.buffer],
      [offsets.at(-1)!, ...offsets].map((v): Uniform => ['u32', v]), sizeOf(y.shape) / width, per);
    return;
  }
  const ys = stridesOf(y.shape);
  let offset = 0;
  for (const x of xs) {
    stridedCopy(ctx, 'concat', x.buffer, 0, stridesOf(x.shape), y.buffer, offset * ys[axis]!, ys, x.shape);
    offset += x.shape[axis]!;
  }
}

/** The 32-bit pattern of `value` as stored for `dtype`. */
function bitsOf(value: number, dtype: GpuTensor['dtype']): number {
  const t = wgslType(dtype);
  if (t === 'u32') return value !== 0 ? 1 : 0;
  const v = new DataView(new ArrayBuffer(4));
  if (t === 'f32') v.setFloat32(0, value, true);
  else v.setInt32(0, value, true);
  return v.getUint32(0, true);
}

/** Fill with `value`, then a strided write of x into the interior. */
export function padGpu(ctx: GpuContext, x: GpuTensor, paddings: readonly (readonly [number, number])[], value: number, y: GpuTensor): void {
  const ys = stridesOf(y.shape);
  fillGpu(ctx, y.buffer, sizeOf(y.shape), bitsOf(value, y.dtype));
  stridedCopy(ctx, 'pad', x.buffer, 0, stridesOf(x.shape), y.buffer, paddings.reduce((a, [b], d) => a + b * ys[d]!, 0), ys, x.shape);
}

/** [outer, len, inner] around `axis` of `shape`. */
function around(shape: Shape, axis: number): UniformList {
  return [['len', 'u32', shape[axis]!], ['inner', 'u32', sizeOf(shape.slice(axis + 1))]];
}

export function gatherGpu(ctx: GpuContext, x: GpuTensor, indices: GpuTensor, axis: number, y: GpuTensor): void {
  const inner = sizeOf(x.shape.slice(axis + 1));
  const width = inner % 4 === 0 ? 4 : 1;
  const n = sizeOf(y.shape) / width;
  const uniforms: UniformList = [['n', 'u32', n], ['len', 'u32', x.shape[axis]!], ['inner', 'u32', inner / width], ['m', 'u32', sizeOf(indices.shape)]];
  const per = wordsPerInvocation([inner / width]);
  dispatchFlat(ctx, 'gather', `gather:${width}:${per}`, () => gatherWgsl(uniforms, width, per), [x.buffer, indices.buffer, y.buffer], uniformValues(uniforms.slice(1)), n, per);
}

/**
 * The one place choosing the scatterAdd variant for long rows: with fewer indices than output
 * rows along the axis, a row per update, first occurrence owning (each index read about once,
 * plus a scan from each first occurrence to its last: an Embedding(20000) gradient of 2,560
 * tokens reads thousands of times fewer than a row per output row); else a row per output row
 * when there are enough to fill the GPU; short rows: an element per invocation.
 */
function scatterMode(rows: number, len: number, m: number, inner: number): ScatterAddMode {
  if (inner < 16) return 'element';
  if (m < len) return 'owner';
  return rows >= 1024 ? 'row' : 'element';
}

/** updates: [outer, m, inner] (m = number of indices); y: `shape` zeros plus the updates. */
export function scatterAddGpu(ctx: GpuContext, updates: GpuTensor, indices: GpuTensor, axis: number, y: GpuTensor): void {
  const t = wgslType(y.dtype);
  if (t === 'u32') throw new Error(`scatterAdd: cannot add ${y.dtype} values [${y.shape.join(', ')}]`);
  const inner = sizeOf(y.shape.slice(axis + 1));
  const rows = inner === 0 ? 0 : sizeOf(y.shape) / inner;
  const m = sizeOf(indices.shape);
  const mode = scatterMode(rows, y.shape[axis]!, m, inner);
  const n = mode === 'row' ? rows : mode === 'owner' ? (rows / y.shape[axis]!) * m : sizeOf(y.shape);
  const uniforms: UniformList = [['n', 'u32', n], ...around(y.shape, axis), ['m', 'u32', m]];
  if (mode !== 'owner') {
    dispatchFlat(ctx, 'scatterAdd', `scatterAdd:${t}:${mode}`, () => scatterAddWgsl(t, mode, uniforms), [updates.buffer, indices.buffer, y.buffer], uniformValues(uniforms.slice(1)), n);
    return;
  }
  // A blank buffer of first/last marks per index value (scatterMarksWgsl), blank again after.
  const len = y.shape[axis]!;
  const marks = scratch(ctx, 'scatterAdd:marks', [2 * len]).buffer;
  const markPass = (pass: 'mark' | 'clear') =>
    dispatchFlat(ctx, 'scatterAdd', `scatterAdd:${pass}`, () => scatterMarksWgsl(pass), [indices.buffer, marks], [['u32', len]], m);
  fillGpu(ctx, y.buffer, sizeOf(y.shape), 0);
  markPass('mark');
  dispatchFlat(ctx, 'scatterAdd', `scatterAdd:${t}:owner`, () => scatterAddWgsl(t, mode, uniforms), [updates.buffer, indices.buffer, marks, y.buffer], uniformValues(uniforms.slice(1)), n);
  markPass('clear');
}
