import { ShapeError, ValueError } from '../utils/errors.js';

type NumericArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array;
/** Typed arrays whose every entry is a finite float32 once converted (integers of at most 32 bits). */
const isIntegerArray = (a: unknown) =>
  a instanceof Int8Array || a instanceof Int16Array || a instanceof Int32Array || a instanceof Uint8Array || a instanceof Uint8ClampedArray || a instanceof Uint16Array || a instanceof Uint32Array;
const isNumericArray = (a: unknown): a is NumericArray => isIntegerArray(a) || a instanceof Float32Array || a instanceof Float64Array;

/**
 * One pass over a host array before it is uploaded: every entry a number (or boolean), rows of
 * equal length, a {data, shape} whose shape is whole and matches its data, and, unless the caller
 * opts out, finite as float32 (1e39 is a finite double but Infinity once fed as floatX). NaN,
 * strings or nulls in x or y used to train silently to NaN weights; here they are refused with the
 * first bad entry's index. Returns the array as the float32 values and shape to upload (Keras
 * feeds floatX: int, bool and float64 data become float32), so nested arrays are walked once.
 */
export function checkHostArray(owner: string, label: string, a: unknown, checkFinite: boolean): { values: Float32Array; shape: number[] } {
  const bad = (at: string, what: string, hint = ''): never => {
    throw new ValueError(`${owner}: ${label} has ${what} at ${at}${hint}`);
  };
  const finiteHint = '; fix the data, or pass checkFinite: false to use it as it is';
  /** One entry as the number to upload, or the error naming it. */
  const entry = (v: unknown, at: () => string): number => {
    if (typeof v === 'boolean') return +v;
    if (typeof v !== 'number') return bad(at(), `the non-numeric value ${typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${String(v)}]` : String(v)}`);
    if (checkFinite && !Number.isFinite(Math.fround(v))) bad(at(), Number.isFinite(v) ? `the value ${v}, beyond float32's range` : `the value ${v}`, finiteHint);
    return v;
  };
  if (ArrayBuffer.isView(a)) {
    if (!isNumericArray(a)) throw new ValueError(`${owner}: ${label} must be a numeric typed array, got ${a.constructor.name}`);
    return { values: flatValues(a, entry), shape: [a.length] };
  }
  if (typeof a === 'object' && a !== null && !Array.isArray(a) && 'data' in a) {
    const { data, shape } = a as { data: unknown; shape: unknown };
    if (!isNumericArray(data) && !Array.isArray(data)) {
      throw new ValueError(`${owner}: ${label} is {data, shape} with data that is not a typed array or an array of numbers (got ${data === null ? 'null' : typeof data})`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ShapeError(`${owner}: ${label} is {data, shape} with shape ${JSON.stringify(shape)}; the shape must be an array of non-negative integers`);
    }
    const size = (shape as number[]).reduce((p, d) => p * d, 1);
    if (size !== data.length) {
      throw new ShapeError(`${owner}: ${label} has shape [${shape.join(', ')}] (${size} values) but its data holds ${data.length} values`);
    }
    return { values: flatValues(data, entry), shape: [...shape as number[]] };
  }
  if (!Array.isArray(a)) {
    if (typeof a === 'number' || typeof a === 'boolean') return { values: Float32Array.of(entry(a, () => 'the scalar')), shape: [] };
    throw new ValueError(`${owner}: ${label} must be a Tensor, a nested array of numbers or {data, shape}, got ${a === null ? 'null' : typeof a}`);
  }
  const flat: number[] = [];
  const shape: number[] = [];
  let leafDepth = -1;
  const ragged = (path: number[]) => bad(`[${path.join(', ')}]`, 'rows of different lengths (ragged rows)');
  const walk = (v: unknown, depth: number, path: number[]): void => {
    if (Array.isArray(v)) {
      if (leafDepth !== -1 && depth >= leafDepth) ragged(path);
      if (shape.length === depth) shape.push(v.length);
      else if (shape[depth] !== v.length) ragged(path);
      for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, [...path, i]);
      return;
    }
    // A number where another row had an array (even an empty one, which sets no leafDepth).
    if (shape.length > depth) ragged(path);
    if (leafDepth === -1) leafDepth = depth;
    else if (depth !== leafDepth) ragged(path);
    flat.push(entry(v, () => `[${path.join(', ')}]`));
  };
  walk(a, 0, []);
  return { values: Float32Array.from(flat), shape };
}

/** Flat data as float32, each entry checked unless it cannot be bad (integer typed arrays). */
function flatValues(data: NumericArray | unknown[], entry: (v: unknown, at: () => string) => number): Float32Array {
  if (isIntegerArray(data)) return Float32Array.from(data as NumericArray);
  const out = data instanceof Float32Array ? data : new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // The common case inline (no closure per entry): gigabyte arrays pass through here.
    const ok = typeof v === 'number' && Number.isFinite(Math.fround(v));
    if (out !== data) out[i] = ok ? v : entry(v, () => `flat index ${i}`);
    else if (!ok) entry(v, () => `flat index ${i}`);
  }
  return out;
}
