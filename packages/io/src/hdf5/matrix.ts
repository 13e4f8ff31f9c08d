import { callable, ValueError, type LazyArray } from '@kerasgpu/layers';
import { H5FileError, hdf5Reason } from './errors.js';
import { checkHdf5Header, h5loaded, h5wasm, type H5Dataset, type H5File } from './h5.js';

/**
 * Keras 1's HDF5Matrix: rows [start, end) of an HDF5 dataset, read from the file only when a
 * batch needs them, so fit / evaluate / predict take data larger than memory (use fit's
 * `shuffle: 'batch'` so each batch is one contiguous read). `normalizer` is applied to every read
 * (e.g. `(x) => x.map((v) => v / 255)`). The file stays open until `close()`.
 */
class HDF5MatrixImpl implements LazyArray {
  readonly shape: readonly number[];
  readonly start: number;
  readonly end: number;
  private file: H5File | null;
  private readonly dataset: H5Dataset;

  constructor(readonly datapath: string, datasetName: string, start = 0, end: number | null = null, private readonly normalizer: ((x: Float32Array) => Float32Array) | null = null) {
    // The constructor is synchronous, as Keras's, and HDF5 is wasm that loads asynchronously.
    if (!h5loaded()) throw new ValueError('HDF5Matrix: the HDF5 module is not loaded yet; `await init()` (from @kerasgpu/layers or core) once before the first HDF5Matrix');
    checkHdf5Header(datapath);
    let file: H5File;
    try {
      file = new h5wasm.File(datapath, 'r');
    } catch (e) {
      throw new H5FileError(`HDF5Matrix: ${datapath}: corrupt HDF5 file (${hdf5Reason(e)})`);
    }
    const ds = file.get(datasetName);
    if (!(ds instanceof h5wasm.Dataset)) {
      file.close();
      throw new ValueError(`HDF5Matrix: ${datapath} has no dataset '${datasetName}'`);
    }
    const full = ds.shape ?? [];
    const rows = full[0] ?? 0;
    const stop = end ?? rows;
    if (full.length === 0 || !(Number.isInteger(start) && Number.isInteger(stop) && start >= 0 && start <= stop && stop <= rows)) {
      file.close();
      throw new ValueError(`HDF5Matrix: rows [${start}, ${stop}) are not within dataset '${datasetName}' of shape [${full.join(', ')}]`);
    }
    this.file = file;
    this.dataset = ds;
    this.start = start;
    this.end = stop;
    this.shape = [stop - start, ...full.slice(1)];
  }

  get size(): number { return this.shape.reduce((a, b) => a * b, 1); }
  get ndim(): number { return this.shape.length; }

  /** Rows `index` (relative to `start`, in that order): one read per run of consecutive rows. */
  readRows(index: readonly number[]): Float32Array {
    if (!this.file) throw new ValueError(`HDF5Matrix: ${this.datapath} is closed`);
    const row = this.size / (this.shape[0] || 1);
    const out = new Float32Array(index.length * row);
    for (let k = 0; k < index.length;) {
      let run = 1;
      while (k + run < index.length && index[k + run] === index[k]! + run) run++;
      const first = index[k]!;
      if (!(Number.isInteger(first) && first >= 0 && first + run <= this.shape[0]!)) {
        throw new ValueError(`HDF5Matrix: rows [${first}, ${first + run}) are not all within [0, ${this.shape[0]})`);
      }
      const values = this.dataset.slice([[this.start + first, this.start + first + run]]);
      out.set(Float32Array.from(values as ArrayLike<number | bigint>, Number), k * row);
      k += run;
    }
    return this.normalizer ? this.normalizer(out) : out;
  }

  /** Closes the file; the matrix cannot be read afterwards. */
  close(): void {
    this.file?.close();
    this.file = null;
  }
}

export const HDF5Matrix = callable(HDF5MatrixImpl);
export type HDF5Matrix = HDF5MatrixImpl;
