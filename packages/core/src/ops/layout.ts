import { sizeOf, type DType } from '@kerasgpu/kernels';
import { DTypeError, ShapeError } from '../errors.js';
import { fmt, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertSameDType, toTensor, type TensorLike } from './convert.js';
import { cast, equal } from './elementwise.js';
import { sum } from './reduce.js';
import { run1, type Vjp } from './run.js';
import { range } from './creation.js';

/** Same elements, new shape (one dim may be -1). Shares storage with x. */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor('reshape', x);
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const resolved = shape.map((d) => (d === -1 ? t.size / known : d));
  if (shape.filter((d) => d === -1).length > 1 || sizeOf(resolved) !== t.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`reshape: cannot reshape ${fmt(t.shape)} (${t.size} elements) to ${fmt(shape)}`);
  }
  return run1('reshape', 'reshape', { x: t }, { shape: resolved }, resolved, t.dtype);
}
export const reshapeVjp: Vjp<'reshape'> = ({ y: dy }, { inputs: { x } }) => ({ x: reshape(dy, x.shape) });

export function expandDims(x: TensorLike, axis = 0): Tensor {
  const t = toTensor('expandDims', x);
  const a = normalizeAxis('expandDims', axis, t.rank + 1);
  const shape = [...t.shape];
  shape.splice(a, 0, 1);
  return reshape(t, shape);
}

export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const t = toTensor('squeeze', x);
  const axes = axis === undefined ? t.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : (typeof axis === 'number' ? [axis] : axis).map((a) => normalizeAxis('squeeze', a, t.rank));
  for (const a of axes) if (t.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of ${fmt(t.shape)} is not 1`);
  return reshape(t, t.shape.filter((_, i) => !axes.includes(i)));
}

export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = toTensor('transpose', x);
  const p = perm ? [...perm] : t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new ShapeError(`transpose: perm [${p.join(', ')}] is not a permutation of the axes of ${fmt(t.shape)}`);
  }
  return run1('transpose', 'transpose', { x: t }, { perm: p }, p.map((i) => t.shape[i]!), t.dtype);
}
export const transposeVjp: Vjp<'transpose'> = ({ y: dy }, { attrs }) => {
  const inv = new Array<number>(attrs.perm.length);
  attrs.perm.forEach((p, i) => { inv[p] = i; });
  return { x: transpose(dy, inv) };
};

/** x[begin : begin + size] per axis; a size of -1 means "to the end". */
export function slice(x: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor {
  const t = toTensor('slice', x);
  const b = t.shape.map((_, i) => begin[i] ?? 0);
  const s = t.shape.map((d, i) => (size?.[i] === undefined || size[i] === -1 ? d - b[i]! : size[i]!));
  if (b.some((v, i) => v < 0 || v + s[i]! > t.shape[i]! || s[i]! < 0)) {
    throw new ShapeError(`slice: begin [${b.join(', ')}] size [${s.join(', ')}] is out of bounds for ${fmt(t.shape)}`);
  }
  return run1('slice', 'slice', { x: t }, { begin: b, size: s }, s, t.dtype);
}
export const sliceVjp: Vjp<'slice'> = ({ y: dy }, { attrs, inputs: { x } }) =>
  ({ x: pad(dy, attrs.begin.map((b, i) => [b, x.shape[i]! - b - attrs.size[i]!] as [number, number])) });

export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  const ts = xs.map((x) => toTensor('concat', x));
  if (ts.length === 0) throw new ShapeError('concat: no tensors given');
  assertSameDType('concat', ...ts);
  const first = ts[0]!;
  const a = normalizeAxis('concat', axis, first.rank);
  for (const t of ts) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(`concat: shapes ${ts.map((u) => fmt(u.shape)).join(', ')} differ outside axis ${a}`);
    }
  }
  if (ts.length === 1) return first;
  const shape = [...first.shape];
  shape[a] = ts.reduce((n, t) => n + t.shape[a]!, 0);
  return run1('concat', 'concat', { xs: ts }, { axis: a }, shape, first.dtype);
}
export const concatVjp: Vjp<'concat'> = ({ y: dy }, { attrs, inputs: { xs } }) => {
  let offset = 0;
  return {
    xs: xs.map((x) => {
      const begin = x.shape.map((_, i) => (i === attrs.axis ? offset : 0));
      offset += x.shape[attrs.axis]!;
      return slice(dy, begin, x.shape);
    }),
  };
};

export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  const ts = xs.map((x) => toTensor('stack', x));
  const rank = ts[0]?.rank ?? 0;
  const a = normalizeAxis('stack', axis, rank + 1);
  for (const t of ts) if (fmt(t.shape) !== fmt(ts[0]!.shape)) throw new ShapeError(`stack: shapes ${ts.map((u) => fmt(u.shape)).join(', ')} differ`);
  return concat(ts.map((t) => expandDims(t, a)), a);
}

export function unstack(x: TensorLike, axis = 0): Tensor[] {
  const t = toTensor('unstack', x);
  const a = normalizeAxis('unstack', axis, t.rank);
  return split(t, t.shape[a]!, a).map((p) => squeeze(p, a));
}

/** Splits into equal parts (a number) or parts of the given sizes along `axis`. */
export function split(x: TensorLike, sizes: number | readonly number[], axis = 0): Tensor[] {
  const t = toTensor('split', x);
  const a = normalizeAxis('split', axis, t.rank);
  const n = t.shape[a]!;
  const list = typeof sizes === 'number' ? new Array<number>(sizes).fill(n / sizes) : [...sizes];
  if (list.some((s) => !Number.isInteger(s) || s < 0) || list.reduce((p, q) => p + q, 0) !== n) {
    throw new ShapeError(`split: sizes [${list.join(', ')}] do not split axis ${a} of ${fmt(t.shape)}`);
  }
  let offset = 0;
  return list.map((s) => {
    const begin = t.shape.map((_, i) => (i === a ? offset : 0));
    offset += s;
    return slice(t, begin, t.shape.map((d, i) => (i === a ? s : d)));
  });
}

export function pad(x: TensorLike, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  const t = toTensor('pad', x);
  if (paddings.length !== t.rank || paddings.some(([p, q]) => p < 0 || q < 0)) {
    throw new ShapeError(`pad: paddings ${JSON.stringify(paddings)} do not fit ${fmt(t.shape)}`);
  }
  const p = paddings.map(([a, b]) => [a, b] as [number, number]);
  // A bool pad value is true or false (not a byte pattern), the same on every backend.
  const v = t.dtype === 'bool' ? Number(value !== 0) : value;
  return run1('pad', 'pad', { x: t }, { paddings: p, value: v }, t.shape.map((d, i) => d + p[i]![0] + p[i]![1]), t.dtype);
}
export const padVjp: Vjp<'pad'> = ({ y: dy }, { attrs, inputs: { x } }) => ({ x: slice(dy, attrs.paddings.map((p) => p[0]), x.shape) });

export function tile(x: TensorLike, reps: readonly number[]): Tensor {
  const t = toTensor('tile', x);
  if (reps.length !== t.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new ShapeError(`tile: reps [${reps.join(', ')}] do not fit ${fmt(t.shape)}`);
  }
  return run1('tile', 'tile', { x: t }, { reps: [...reps] }, t.shape.map((d, i) => d * reps[i]!), t.dtype);
}
/** The tiled gradient, viewed as [r0, d0, r1, d1, ...], summed over the r axes. */
export const tileVjp: Vjp<'tile'> = ({ y: dy }, { attrs, inputs: { x } }) => {
  const split = x.shape.flatMap((d, i) => [attrs.reps[i]!, d]);
  const axes = x.shape.map((_, i) => 2 * i);
  return { x: reshape(sum(reshape(dy, split), axes), x.shape) };
};

/** x indexed along `axis` by int32 `indices` (any shape). Out-of-range indices give 0. */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = toTensor('gather', x);
  const idx = toTensor('gather', indices, 'int32');
  if (idx.dtype !== 'int32') throw new DTypeError(`gather: indices must be int32, got ${idx.dtype} [${idx.shape.join(', ')}]`);
  const a = normalizeAxis('gather', axis, t.rank);
  const shape = [...t.shape.slice(0, a), ...idx.shape, ...t.shape.slice(a + 1)];
  return run1('gather', 'gather', { x: t, indices: idx }, { axis: a }, shape, t.dtype);
}
export const gatherVjp: Vjp<'gather'> = ({ y: dy }, { attrs, inputs: { x, indices } }) => ({ x: scatterAdd(dy, indices, x.shape, attrs.axis), indices: null });

/** Zeros of `shape`, with `updates` added at `indices` along `axis` (repeats accumulate). */
export function scatterAdd(updates: Tensor, indices: Tensor, shape: readonly number[], axis: number): Tensor {
  const flat = reshape(indices, [-1]);
  const lead = shape.slice(0, axis), trail = shape.slice(axis + 1);
  const u = reshape(updates, [...lead, flat.size, ...trail]);
  return run1('scatterAdd', 'scatterAdd', { updates: u, indices: flat }, { axis, shape: [...shape] }, shape, updates.dtype);
}
export const scatterAddVjp: Vjp<'scatterAdd'> = ({ y: dy }, { attrs, inputs: { indices } }) => ({ updates: gather(dy, indices, attrs.axis), indices: null });

/** indices (int32, any shape) → one-hot vectors of length `depth` on a new last axis. */
export function oneHot(indices: TensorLike, depth: number, dtype: DType = 'float32'): Tensor {
  const idx = toTensor('oneHot', indices, 'int32');
  if (idx.dtype !== 'int32') throw new DTypeError(`oneHot: indices must be int32, got ${idx.dtype}`);
  return cast(equal(expandDims(idx, -1), range(0, depth, 1, 'int32')), dtype);
}

