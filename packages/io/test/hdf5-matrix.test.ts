import { join } from 'node:path';
import { Dense, Sequential, setBackend, setSeed, type Model, type Tensor } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeH5Atomic } from '../src/hdf5/h5.js';
import { HDF5Matrix } from '../src/index.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
const path = join(dir, 'data.h5');
const N = 24;
/** Row i of x is [i, 2i, 3i] (stored as uint8, as image data often is); y is one value per row. */
const X = Uint8Array.from({ length: N * 3 }, (_, k) => Math.floor(k / 3) * ((k % 3) + 1));
const Y = Float32Array.from({ length: N }, (_, i) => Math.sin(i));

beforeAll(async () => {
  await setBackend('cpu');
  await writeH5Atomic(path, (f) => {
    f.create_dataset({ name: 'x', data: X, shape: [N, 3], dtype: '<B' });
    f.create_group('labels').create_dataset({ name: 'y', data: Y, shape: [N, 1], dtype: '<f' });
  });
});

describe('HDF5Matrix (Keras 1): rows of a dataset read on demand', () => {
  it('shape of the [start, end) window; rows in the order asked, normalised', () => {
    const m = HDF5Matrix(path, 'x', 5, 15, (x) => x.map((v) => v / 10));
    expect(m.shape).toEqual([10, 3]);
    expect(Array.from(m.readRows([0, 1, 7, 2]))).toEqual([5, 10, 15, 6, 12, 18, 12, 24, 36, 7, 14, 21].map((v) => v / 10).map(Math.fround));
    expect(() => m.readRows([9, 10])).toThrow(/rows \[9, 11\) are not all within \[0, 10\)/);
    m.close();
    expect(() => m.readRows([0])).toThrow(/closed/);
    expect(HDF5Matrix(path, 'labels/y').shape).toEqual([N, 1]);
    expect(() => HDF5Matrix(path, 'nope')).toThrow(/has no dataset 'nope'/);
    expect(() => HDF5Matrix(path, 'x', 20, 30)).toThrow(/rows \[20, 30\) are not within dataset 'x' of shape \[24, 3\]/);
  });

  it("fit (shuffle 'batch'), evaluate and predict give what the same data in memory gives, reading one batch at a time", async () => {
    const run = async (lazy: boolean): Promise<{ loss: number[]; evaluated: number; predicted: number[] }> => {
      setSeed(21);
      const model: Model = Sequential([Dense(4, { input_dim: 3, activation: 'tanh' }), Dense(1)]);
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      const scale = (x: Float32Array) => x.map((v) => v / 50);
      const [x, y] = lazy
        ? [HDF5Matrix(path, 'x', 4, 20, scale), HDF5Matrix(path, 'labels/y', 4, 20)]
        : [{ data: scale(Float32Array.from(X.subarray(12, 60))), shape: [16, 3] }, { data: Y.slice(4, 20), shape: [16, 1] }];
      const reads: number[] = [];
      if (x instanceof HDF5Matrix) {
        const read = x.readRows.bind(x);
        x.readRows = (idx) => { reads.push(idx.length); return read(idx); };
      }
      setSeed(5);
      const h = await model.fit(x, y, { batch_size: 5, epochs: 3, shuffle: 'batch', verbose: 0 });
      const evaluated = await model.evaluate(x, y, { batch_size: 6, verbose: 0 }) as number;
      const predicted = Array.from(await (model.predict(x, { batch_size: 7 }) as Tensor).data());
      if (lazy) expect(reads.length > 0 && Math.max(...reads) <= 7).toBe(true);
      return { loss: h.history.loss!, evaluated, predicted };
    };
    const inMemory = await run(false);
    expect(await run(true)).toEqual(inMemory);
  });
});
