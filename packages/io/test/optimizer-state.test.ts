import { Dense, Sequential, setBackend } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { readArray } from '../src/hdf5/arrays.js';
import { withH5 } from '../src/hdf5/h5.js';
import { loadModel, readKerasH5 } from '../src/index.js';
import { readKerasArchive } from '../src/keras/keras3.js';
import { readBytesAsFile } from '../src/hdf5/scratch.js';
import { compileFromConfig, type TrainingConfig } from '../src/keras/training-config.js';
import { fixture } from './helpers.js';

beforeAll(async () => {
  await setBackend('cpu');
});

describe("a Keras 1 file's optimizer state is converted as its weights are", () => {
  it('k1_lstm_th: RMSprop accumulators of the 12 per-gate LSTM arrays, sorted by name, fuse into kernel / recurrent / bias', async () => {
    const path = fixture('k1_lstm_th_model.h5');
    const warn = vi.spyOn(console, 'warn');
    let model;
    try {
      model = await loadModel(path);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    // Keras 1.2 hands the optimizer its trainable weights sorted by name (collect_trainable_weights):
    // dense_1_W, dense_1_b, lstm_1_U_{c,f,i,o}, lstm_1_W_{c,f,i,o}, lstm_1_b_{c,f,i,o} = param_0 … param_13.
    const params = (await readKerasH5(path)).optimizerWeights!.weights.map((a) => Array.from(a.data));
    const gates = { i: 0, f: 1, c: 2, o: 3 } as const;
    const sorted = ['c', 'f', 'i', 'o'] as const;
    /** A fused (rows, 4·50) slot: gate g's block of row r is the per-gate array's row r. */
    const fused = (first: number, rows: number) => Array.from({ length: rows }, (_, r) =>
      (Object.keys(gates) as (keyof typeof gates)[]).flatMap((g) => params[first + sorted.indexOf(g)]!.slice(r * 50, (r + 1) * 50))).flat();
    const vars = model.trainableWeights;
    const slots = await Promise.all(model.optimizer!.getSlots(vars).map(async ([a]) => Array.from(await a!.data())));
    expect(vars.map((v) => v.shape)).toEqual([[1, 200], [50, 200], [200], [50, 1], [1]]);
    expect(slots).toEqual([fused(6, 1), fused(2, 50), fused(10, 1), params[0], params[1]]);
    model.dispose();
  });
});

describe("a Keras 3 .keras archive's Adam state (optimizer/vars: iterations, learning rate, then m and v of each weight side by side)", () => {
  it('k311_dense_mlp_diabetes: restored slot for slot', async () => {
    const path = fixture('k311_dense_mlp_diabetes.keras', 'keras-modern');
    const model = await loadModel(path);
    const stored = await readBytesAsFile(readKerasArchive(path).weights, (file) => withH5(file, (f) =>
      Array.from({ length: 14 }, (_, i) => readArray(f, `optimizer/vars/${i}`))));
    const opt = model.optimizer!;
    expect(opt.className).toBe('Adam');
    expect(opt.iterations).toBe(stored[0]!.data[0]);
    expect(opt.iterations).toBeGreaterThan(0);
    const slots = await Promise.all(opt.getSlots(model.trainableWeights).map((s) => Promise.all(s.map(async (t) => Array.from(await t.data())))));
    expect(slots).toEqual(model.trainableWeights.map((_, v) => [Array.from(stored[2 + 2 * v]!.data), Array.from(stored[3 + 2 * v]!.data)]));
    model.dispose();
  });
});

describe("tf.keras 2.11's training_config", () => {
  it("'Custom>Adam' with the new optimizer's options at their defaults compiles as Adam, without a warning", async () => {
    const file = await readKerasH5(fixture('tfk2110_dense_attention_functional.h5', 'keras-modern'));
    const model = Sequential([Dense(1, { input_dim: 2 })]);
    const warn = vi.spyOn(console, 'warn');
    compileFromConfig(model, file.trainingConfig as unknown as TrainingConfig, {});
    const warned = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    expect(warned).toEqual([]);
    const { class_name: cls, config } = model.optimizer!.getConfig();
    expect([cls, config.lr, config.beta_1, config.epsilon, config.amsgrad]).toEqual(['Adam', 0.004999999888241291, 0.9, 1e-7, false]);
  });
});
