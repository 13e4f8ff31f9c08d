import { ensureGroups, getPath } from './attrs.js';
import { KerasFileError } from './errors.js';
import { h5wasm, type H5Dataset, type H5Group } from './h5.js';

/** A host array in row-major order: what weight files hold. */
export interface NdArray {
  shape: number[];
  data: Float32Array;
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The dataset at `path` (relative to `group`, '/' separating groups), its data not yet read. */
export function datasetAt(group: H5Group, path: string): H5Dataset {
  const ds = getPath(group, path);
  if (!(ds instanceof h5wasm.Dataset)) throw new KerasFileError(`${group.path}: no dataset '${path}'`);
  return ds;
}

/**
 * Reads a dataset as float32. Keras weights are float32; the few other types (an int64
 * iteration counter, float64) convert.
 */
export function readDataset(ds: H5Dataset): NdArray {
  const shape = ds.shape ?? [];
  const v = ds.value;
  let data: Float32Array;
  if (v instanceof Float32Array) data = v;
  else if (typeof v === 'number' || typeof v === 'bigint') data = Float32Array.of(Number(v));
  else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) data = Float32Array.from(v as ArrayLike<number | bigint>, Number);
  else throw new KerasFileError(`${ds.path}: expected a numeric dataset, got dtype ${JSON.stringify(ds.dtype)}`);
  if (data.length !== size(shape)) throw new KerasFileError(`${ds.path}: ${data.length} values for shape [${shape.join(', ')}]`);
  return { shape: [...shape], data };
}

/** Reads the dataset at `path` (relative to `group`) as float32. */
export const readArray = (group: H5Group, path: string): NdArray => readDataset(datasetAt(group, path));

/** Writes a float32 dataset (contiguous, no filters, as Keras), creating the groups on its path. */
export function writeArray(group: H5Group, path: string, arr: NdArray): void {
  const parts = path.split('/');
  const parent = ensureGroups(group, parts.slice(0, -1));
  parent.create_dataset({ name: parts.at(-1)!, data: arr.data, shape: arr.shape, dtype: '<f' });
}

/** A tensor or variable read back from its device as float32, to be written. */
export const hostArray = async (v: { shape: readonly number[]; data(): Promise<ArrayLike<number>> }): Promise<NdArray> => ({ shape: [...v.shape], data: Float32Array.from(await v.data()) });
