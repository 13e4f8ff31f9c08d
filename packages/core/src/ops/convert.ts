import type { DataArray, DType } from '@kerasgpu/kernels';
import { engine } from '../engine.js';
import { DTypeError, ShapeError } from '../errors.js';
import { Tensor, type NestedArray } from '../tensor.js';

export type TypedArrayLike = Float32Array | Float64Array | Int32Array | Uint8Array;
export type TensorLike = Tensor | number | boolean | NestedArray | TypedArrayLike;

function inferShape(values: NestedArray, op: string): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] as NestedArray;
  }
  const check = (x: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(x)) throw new ShapeError(`${op}: ragged nested array (expected shape [${shape.join(', ')}])`);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) throw new ShapeError(`${op}: ragged nested array (expected shape [${shape.join(', ')}])`);
    for (const e of x) check(e, dim + 1);
  };
  check(values, 0);
  return shape;
}

function defaultDType(values: TensorLike): DType {
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  if (values instanceof Float64Array) return 'float64';
  let v: unknown = values;
  while (Array.isArray(v)) v = v[0];
  return typeof v === 'boolean' ? 'bool' : 'float32';
}

/** `tensor(values, shape?, dtype?)`: nested arrays, or a flat (typed) array with a shape. */
export function tensor(values: TensorLike, shape?: readonly number[], dtype?: DType): Tensor {
  if (values instanceof Tensor) return values;
  const dt = dtype ?? defaultDType(values);
  let flat: ArrayLike<number | boolean>;
  let inferred: number[];
  if (ArrayBuffer.isView(values)) {
    flat = values as DataArray;
    inferred = [flat.length];
  } else if (Array.isArray(values)) {
    inferred = inferShape(values, 'tensor');
    flat = (values as unknown[]).flat(Infinity) as (number | boolean)[];
  } else {
    flat = [values];
    inferred = [];
  }
  const finalShape = shape ? [...shape] : inferred;
  const size = finalShape.reduce((a, b) => a * b, 1);
  if (size !== flat.length) {
    throw new ShapeError(`tensor: ${flat.length} values do not fill shape [${finalShape.join(', ')}] (${size} elements)`);
  }
  if (finalShape.some((d) => !Number.isInteger(d) || d < 0)) throw new ShapeError(`tensor: invalid shape [${finalShape.join(', ')}]`);
  const arr = dt === 'float32' ? new Float32Array(size) : dt === 'float64' ? new Float64Array(size) : dt === 'int32' ? new Int32Array(size) : new Uint8Array(size);
  for (let i = 0; i < size; i++) arr[i] = Number(flat[i]);
  return engine.fromValues(arr, finalShape, dt);
}

/** Converts an op operand; numbers take the dtype of the other operand (`like`). */
export function toTensor(op: string, x: TensorLike, like?: DType): Tensor {
  if (x instanceof Tensor) {
    x.storageFor(op);
    return x;
  }
  if (typeof x === 'number' || typeof x === 'boolean') return tensor(x, [], like ?? defaultDType(x));
  return tensor(x);
}

export function assertFloat(op: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new DTypeError(`${op}: expected a float tensor, got ${t.dtype} [${t.shape.join(', ')}]`);
  }
}

export function assertSameDType(op: string, ...ts: Tensor[]): void {
  const d = ts[0]!.dtype;
  const bad = ts.find((t) => t.dtype !== d);
  if (bad) throw new DTypeError(`${op}: operands have different dtypes: ${ts.map((t) => `${t.dtype} [${t.shape.join(', ')}]`).join(' and ')}`);
}
