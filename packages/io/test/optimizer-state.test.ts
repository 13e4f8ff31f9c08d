import { Adam, Dense, LSTM, Sequential, setBackend, type Optimizer } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { readArray } from '../src/hdf5/arrays.js';
import { withH5 } from '../src/hdf5/h5.js';
import { loadModel, readKerasH5 } from '../src/index.js';
import { readKerasArchive } from '../src/keras/keras3.js';
import { readBytesAsFile } from '../src/hdf5/scratch.js';
import { compileFromConfig, restoreOptimizerState, type TrainingConfig } from '../src/keras/training-config.js';
import type { StoredLayer } from '../src/keras/h5-file.js';
import type { SlotLayout } from '../src/keras/model-weights.js';
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

describe("tf.keras 2.11+'s optimizer_weights (iteration:0, then each optimizer's slots named <slot>/<weight>)", () => {
  /** Two same-shape kernels and two biases: slots taken by position would land on the wrong weight unnoticed. */
  function compiled(optimizer: Optimizer | string, rnn = false) {
    const model = rnn
      ? Sequential([LSTM(2, { input_shape: [3, 2], name: 'lstm' })])
      : Sequential([Dense(2, { input_dim: 2, name: 'dense' }), Dense(2, { name: 'dense_1' })]);
    model.compile({ optimizer, loss: 'mse' });
    return model;
  }
  /** A distinct array per (slot, weight), as `<scope>/<slot>/<weight>:0`, in tf.keras's creation order. */
  function stored(model: ReturnType<typeof compiled>, order: [slot: string, weight: number][], scope = 'Adam/', weightName = (n: string) => n): StoredLayer {
    const names = model.weightNames;
    const arrays = order.map(([slot, w], k) => ({ shape: [...model.trainableWeights[w]!.shape], data: Float32Array.from({ length: model.trainableWeights[w]!.size }, (_, i) => 100 * k + i + slot.length) }));
    return {
      name: 'optimizer_weights',
      weightNames: ['iteration:0', ...order.map(([slot, w]) => `${scope}${slot}/${weightName(names[w]!)}`)],
      weights: [{ shape: [], data: Float32Array.of(7) }, ...arrays],
    };
  }
  /** The positional layout, which these files must not use (a tf.keras 2.11 file's slots are found by name). */
  const BY_NAME: SlotLayout = { size: 0, convert: () => { throw new Error('positional layout used'); } };
  const slotValues = (model: ReturnType<typeof compiled>) => Promise.all(model.optimizer!.getSlots(model.trainableWeights).map((s) => Promise.all(s.map(async (t) => Array.from(await t.data())))));
  const expected = (file: StoredLayer, order: [string, number][], slotNames: string[], n: number) =>
    Array.from({ length: n }, (_, w) => slotNames.map((s) => Array.from(file.weights[1 + order.findIndex(([os, ow]) => os === s && ow === w)]!.data)));

  it('Adam: m and v side by side per weight (then v̂ with amsgrad) land on their own weights', async () => {
    for (const amsgrad of [false, true]) {
      const model = compiled(Adam({ amsgrad }));
      const order: [string, number][] = [0, 1, 2, 3].flatMap((w) => [['m', w], ['v', w]] as [string, number][]);
      if (amsgrad) order.push(...[0, 1, 2, 3].map((w): [string, number] => ['vhat', w]));
      const file = stored(model, order);
      restoreOptimizerState(model, file, 'f.h5', BY_NAME);
      expect(model.optimizer!.iterations).toBe(7);
      expect(await slotValues(model)).toEqual(expected(file, order, amsgrad ? ['m', 'v', 'vhat'] : ['m', 'v'], 4));
      model.dispose();
    }
  });

  it("RMSprop's velocity block, Adadelta's pairs, tf.keras's cell scope (lstm/lstm_cell/kernel), SGD's unused m at momentum 0", async () => {
    const rms = compiled('rmsprop');
    const rmsOrder: [string, number][] = [0, 1, 2, 3].map((w) => ['velocity', w]);
    const rmsFile = stored(rms, rmsOrder, 'RMSprop/');
    restoreOptimizerState(rms, rmsFile, 'f.h5', BY_NAME);
    expect(await slotValues(rms)).toEqual(expected(rmsFile, rmsOrder, ['velocity'], 4));
    const ada = compiled('adadelta', true);
    const adaOrder: [string, number][] = [0, 1, 2].flatMap((w) => [['accumulated_grad', w], ['accumulated_delta_var', w]] as [string, number][]);
    const adaFile = stored(ada, adaOrder, 'Adadelta/', (n) => n.replace('lstm/', 'lstm/lstm_cell/'));
    expect(adaFile.weightNames[1]).toBe('Adadelta/accumulated_grad/lstm/lstm_cell/kernel:0');
    restoreOptimizerState(ada, adaFile, 'f.h5', BY_NAME);
    expect(await slotValues(ada)).toEqual(expected(adaFile, adaOrder, ['accumulated_grad', 'accumulated_delta_var'], 3));
    const sgd = compiled('sgd');
    restoreOptimizerState(sgd, stored(sgd, [0, 1, 2, 3].map((w) => ['m', w]), 'SGD/'), 'f.h5', BY_NAME);
    expect(sgd.optimizer!.iterations).toBe(7);
    expect(await slotValues(sgd)).toEqual([[], [], [], []]);
    for (const m of [rms, ada, sgd]) m.dispose();
  });

  it('never restores by position: Nadam (u_product is not saved), an unknown slot, a missing slot or a foreign weight warn and start fresh', () => {
    const cases: [Optimizer | string, [string, number][], RegExp][] = [
      ['nadam', [0, 1, 2, 3].flatMap((w) => [['m', w], ['v', w]] as [string, number][]), /Nadam keeps state/],
      ['rmsprop', [0, 1, 2, 3].flatMap((w) => [['velocity', w], ['momentum', w]] as [string, number][]), /'RMSprop\/momentum\/dense\/kernel:0' is no RMSprop slot/],
      ['adam', [0, 1, 2, 3].map((w): [string, number] => ['m', w]), /not every trainable weight has its 2 Adam slot\(s\) \(m, v\)/],
    ];
    for (const [optimizer, order, message] of cases) {
      const model = compiled(optimizer);
      const scope = `${model.optimizer!.className}/`;
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        restoreOptimizerState(model, stored(model, order, scope), 'f.h5', BY_NAME);
        expect(String(warn.mock.calls[0]?.[0])).toMatch(message);
        expect(model.optimizer!.getSlots(model.trainableWeights).flat()).toEqual([]);
      } finally {
        warn.mockRestore();
        model.dispose();
      }
    }
  });
});
