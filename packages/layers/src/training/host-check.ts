import { ValueError } from '../utils/errors.js';

/**
 * One pass over a host array before it is uploaded: every entry a number (or boolean), rows of
 * equal length, and, unless the caller opts out, finite. NaN, strings or nulls in x or y used to
 * train silently to NaN weights; here they are refused with the first bad entry's index.
 * Returns the array as the float32 values and shape to upload (Keras feeds floatX: int, bool and
 * float64 data become float32), so nested arrays are walked once.
 */
export function checkHostArray(owner: string, label: string, a: unknown, checkFinite: boolean): { values: Float32Array; shape: number[] } {
  const bad = (at: string, what: string, hint = ''): never => {
    throw new ValueError(`${owner}: ${label} has ${what} at ${at}${hint}`);
  };
  const finiteHint = '; fix the data, or pass checkFinite: false to use it as it is';
  if (ArrayBuffer.isView(a) || (typeof a === 'object' && a !== null && !Array.isArray(a) && 'data' in a)) {
    const data = (ArrayBuffer.isView(a) ? a : (a as { data: unknown }).data) as ArrayLike<number>;
    if (checkFinite && (data instanceof Float32Array || data instanceof Float64Array)) {
      for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) bad(`flat index ${i}`, `the value ${data[i]}`, finiteHint);
    }
    const shape = ArrayBuffer.isView(a) ? [data.length] : [...(a as unknown as { shape: number[] }).shape];
    return { values: data instanceof Float32Array ? data : Float32Array.from(data), shape };
  }
  if (!Array.isArray(a)) {
    if (typeof a === 'number' || typeof a === 'boolean') return { values: Float32Array.of(Number(a)), shape: [] };
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
    if (leafDepth === -1) leafDepth = depth;
    else if (depth !== leafDepth) ragged(path);
    if (typeof v === 'boolean') { flat.push(+v); return; }
    if (typeof v !== 'number') bad(`[${path.join(', ')}]`, `the non-numeric value ${typeof v === 'string' ? `'${v}'` : String(v)}`);
    if (checkFinite && !Number.isFinite(v)) bad(`[${path.join(', ')}]`, `the value ${v}`, finiteHint);
    flat.push(v as number);
  };
  walk(a, 0, []);
  return { values: Float32Array.from(flat), shape };
}
