import { cast, dispose, gather, Tensor, tensor, type NestedArray } from '@kerasgpu/core';
import { checkHostArray } from './host-check.js';
import { ShapeError, ValueError } from '../utils/errors.js';
import { fmtShape, type Shape } from '../utils/shape.js';

/**
 * Data read on demand instead of held in memory, as Keras's HDF5Matrix (`@kerasgpu/io`
 * implements it): fit, evaluate and predict read only each batch's rows. Rows are read in the
 * order asked; contiguous batches (fit's `shuffle: 'batch'` or `false`) read fastest.
 */
export interface LazyArray {
  readonly shape: readonly number[];
  /** Rows `index` (first axis, in that order) as float32, shape [index.length, ...shape.slice(1)]. */
  readRows(index: readonly number[]): Float32Array;
}

/** What fit / evaluate / predict accept for one array: a Tensor, nested arrays, typed data + shape, lazy rows. */
export type ArrayLike = Tensor | NestedArray | { data: Float32Array | Float64Array | Int32Array | Uint8Array; shape: number[] } | Float32Array | Float64Array | LazyArray;
/** One array per model input (or output); a single array for single-input models. */
export type DataInput = ArrayLike | ArrayLike[];
/** An array as training holds it: on the device, or read a batch at a time. */
export type Rows = Tensor | LazyArray;

export const isLazy = (a: unknown): a is LazyArray =>
  typeof a === 'object' && a !== null && !(a instanceof Tensor) && typeof (a as Partial<LazyArray>).readRows === 'function';

const isArrayLike = (a: unknown): boolean =>
  a instanceof Tensor || isLazy(a) || (typeof a === 'object' && a !== null && !Array.isArray(a) && 'data' in a) || Array.isArray(a) || a instanceof Float32Array || a instanceof Float64Array;

const lazyRows = (a: LazyArray, idx: readonly number[]): Tensor => tensor(a.readRows(idx), [idx.length, ...a.shape.slice(1)]);

/**
 * Host arrays at least this large stay in host memory and are uploaded a batch at a time: a
 * whole-array upload could exceed the device's storage binding limit (128 MiB on many adapters),
 * and a batch's rows are all a step reads anyway.
 */
export const HOST_BATCHED_BYTES = 32 * 2 ** 20;

/** Float32 host rows read a batch at a time (a LazyArray over memory). */
export function hostRows(values: Float32Array, shape: readonly number[]): LazyArray {
  const row = shape.slice(1).reduce((a, b) => a * b, 1);
  return {
    shape,
    readRows(index) {
      const out = new Float32Array(index.length * row);
      index.forEach((r, k) => out.set(values.subarray(r * row, (r + 1) * row), k * row));
      return out;
    },
  };
}

/** Rows [start, end) of an array: a view for lazy arrays (nothing read), a gather for tensors. */
export function sliceRows(r: Rows, start: number, end: number): Rows {
  const idx = Array.from({ length: end - start }, (_, i) => start + i);
  if (r instanceof Tensor) return takeRows([r], idx)[0]!;
  return { shape: [end - start, ...r.shape.slice(1)], readRows: (index) => r.readRows(index.map((i) => start + i)) };
}

/** Every row of each array as tensors: tensors as they are, lazy arrays read whole (added to `owned`). */
export function loadAll(rs: readonly Rows[], owned: Tensor[]): Tensor[] {
  return rs.map((r) => {
    if (r instanceof Tensor) return r;
    const t = lazyRows(r, Array.from({ length: r.shape[0] ?? 0 }, (_, i) => i));
    owned.push(t);
    return t;
  });
}

export interface StandardizeOptions {
  /** The call, for messages ('fit', 'evaluate', ...). */
  owner?: string;
  /** Compare each array's non-batch dims with the model's (false for targets and weights). */
  checkShapes?: boolean;
  /** Refuse NaN / ±Infinity in host arrays (they are checked for non-numbers always). */
  checkFinite?: boolean;
  /** Further checks of host arrays' values (array index, flat values). */
  checkValues?: (i: number, values: globalThis.ArrayLike<number>) => void;
}

/**
 * Normalises x (or y) for a model with `names.length` inputs (outputs). Arrays made here are
 * reported in `owned` so the caller can dispose them; the user's Tensors are left alone. Host
 * arrays are checked once here, before upload; Tensors and lazy arrays are taken as they are.
 */
export function standardize(what: string, data: DataInput, names: readonly string[], shapes: readonly Shape[], owned: Tensor[], options: StandardizeOptions = {}): Rows[] {
  const { owner = 'fit', checkShapes = true, checkFinite = true, checkValues } = options;
  let list: ArrayLike[];
  if (names.length === 1) {
    // [x] with x a Tensor or {data, shape} is the list form; any other array is nested data.
    const listForm = Array.isArray(data) && data.length === 1 && isArrayLike(data[0]) && !Array.isArray(data[0]);
    list = listForm ? [(data as ArrayLike[])[0]!] : [data as ArrayLike];
  } else {
    if (!Array.isArray(data) || data.length !== names.length || !data.every(isArrayLike)) {
      throw new ValueError(`Error when checking model ${what}: the model expects ${names.length} arrays (${names.join(', ')}), pass them as a list`);
    }
    list = data as ArrayLike[];
  }
  const made: Tensor[] = [];
  try {
    return list.map((a, i) => {
      let t: Rows;
      if (a instanceof Tensor || isLazy(a)) {
        t = a;
      } else {
        const host = checkHostArray(owner, `${what} ${names[i]}`, a, checkFinite);
        checkValues?.(i, host.values);
        if (host.values.byteLength >= HOST_BATCHED_BYTES) {
          t = hostRows(host.values, host.shape);
        } else {
          t = tensor(host.values, host.shape);
          made.push(t);
        }
      }
      // Keras feeds floatX arrays: the user's int or bool tensors become float32 too (Embedding casts back).
      if (t instanceof Tensor && t.dtype !== 'float32') {
        t = cast(t, 'float32');
        made.push(t);
      }
      if (t.shape[0] === 0) throw new ValueError(`${owner}: ${what} ${names[i]} is empty (0 samples)`);
      const expected = shapes[i]!;
      if (checkShapes) {
        const ok = t.shape.length === expected.length && expected.every((d, k) => k === 0 || d === null || d === t.shape[k]);
        if (!ok) {
          throw new ShapeError(`Error when checking model ${what}: expected ${names[i]} to have shape ${fmtShape(expected)} but got array with shape ${fmtShape(t.shape)}`);
        }
      }
      return t;
    });
  } catch (e) {
    dispose(made);
    throw e;
  } finally {
    owned.push(...made.filter((t) => !t.isDisposed));
  }
}

/** Every array must have the same number of samples. */
export function checkLengths(groups: Record<string, Rows[]>): number {
  const counts = Object.entries(groups).flatMap(([k, ts]) => ts.map((t) => [k, t.shape[0] ?? 1] as const));
  const n = counts[0]?.[1] ?? 0;
  const bad = counts.find(([, c]) => c !== n);
  if (bad) {
    throw new ValueError(`All input arrays (x) and target arrays (y) should have the same number of samples; got ${counts.map(([k, c]) => `${k}: ${c}`).join(', ')}`);
  }
  return n;
}

/** Rows `idx` of each array (one upload of the indices, one gather per tensor; lazy arrays read just those rows). */
export function takeRows(ts: readonly Rows[], idx: readonly number[]): Tensor[] {
  const i = tensor(Int32Array.from(idx), [idx.length]);
  const out = ts.map((t) => (t instanceof Tensor ? gatherRows([t], i)[0]! : lazyRows(t, idx)));
  i.dispose();
  return out;
}

/** The rows `index` (an int32 vector on the device) of each tensor. */
export function gatherRows(ts: readonly Tensor[], index: Tensor): Tensor[] {
  return ts.map((t) => gather(t, index, 0));
}

/** Splits [0, n) into batches of `batchSize` indices from `order`. */
export function batches(order: readonly number[], batchSize: number): number[][] {
  const out: number[][] = [];
  for (let s = 0; s < order.length; s += batchSize) out.push(order.slice(s, s + batchSize));
  return out;
}
