/**
 * Persistence without a file system: save / saveWeights return the HDF5 file's bytes, and
 * loadModel / loadWeights take bytes (a browser's upload or fetch), with the same results as files.
 */
import { readFileSync } from 'node:fs';
import { Dense, randomUniform, Sequential, setBackend, setSeed, tensor, type Model, type Tensor } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { H5FileError, loadModel, loadWeights } from '../src/index.js';
import { fixture, readJson } from './helpers.js';

beforeAll(async () => {
  await setBackend('cpu');
});

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function mlp(): Model {
  const m = Sequential([Dense(8, { input_dim: 5, activation: 'relu' }), Dense(3, { activation: 'softmax' })]);
  m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

async function predictions(m: Model, x: Tensor): Promise<number[]> {
  const y = m.predict(x) as Tensor;
  const out = Array.from(await y.data());
  y.dispose();
  return out;
}

describe('models as bytes', () => {
  it('save() returns an HDF5 file; loadModel(bytes) predicts exactly the same and keeps the optimizer state', async () => {
    setSeed(7);
    const m = mlp();
    const x = randomUniform([6, 5]);
    const y = tensor(Array.from({ length: 6 }, (_, i) => [0, 1, 2].map((c) => (c === i % 3 ? 1 : 0))));
    await m.fit(x, y, { epochs: 2, batch_size: 3, verbose: 0 });
    const bytes = await m.save();
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(bytes.subarray(0, 8))).toEqual(HDF5_SIGNATURE);
    const back = await loadModel(bytes);
    expect(await predictions(back, x)).toEqual(await predictions(m, x));
    // Training continues from the same state: one more identical epoch gives identical weights.
    await m.fit(x, y, { epochs: 1, batch_size: 3, verbose: 0, shuffle: false });
    await back.fit(x, y, { epochs: 1, batch_size: 3, verbose: 0, shuffle: false });
    expect(await predictions(back, x)).toEqual(await predictions(m, x));
  });

  it('saveWeights() bytes load into a fresh model, through model.loadWeights and loadWeights', async () => {
    const m = mlp();
    const x = randomUniform([4, 5]);
    const bytes = await m.saveWeights();
    const fresh = mlp();
    expect(await predictions(fresh, x)).not.toEqual(await predictions(m, x));
    await fresh.loadWeights(bytes);
    expect(await predictions(fresh, x)).toEqual(await predictions(m, x));
    const other = mlp();
    await loadWeights(other, bytes);
    expect(await predictions(other, x)).toEqual(await predictions(m, x));
  });

  it('a Keras 1 .h5 fixture loads from bytes as from its path', async () => {
    const ref = readJson<{ model: string; inputs: { shape: number[]; data: number[] }[] }>('k1_cnn_tf.expected.json');
    const x = tensor(ref.inputs[0]!.data, ref.inputs[0]!.shape);
    const fromBytes = await loadModel(new Uint8Array(readFileSync(fixture(ref.model))));
    const fromPath = await loadModel(fixture(ref.model));
    expect(await predictions(fromBytes, x)).toEqual(await predictions(fromPath, x));
  });

  it('bytes that are not HDF5 are refused, naming their length', async () => {
    await expect(loadModel(new Uint8Array(100))).rejects.toThrow(H5FileError);
    await expect(loadModel(new Uint8Array(100))).rejects.toThrow(/<100 bytes>: not an HDF5 file/);
  });
});
