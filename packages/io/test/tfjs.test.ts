import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  Attention, BatchNormalization, Bidirectional, Concatenate, Conv2D, Dense, Embedding, Flatten, GRU, Input, LSTM, MaxPooling2D, Model, PReLU,
  Sequential, TimeDistributed, setBackend, tensor, type Tensor,
} from '@kerasgpu/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTfjs, saveTfjs, type TfjsModelJSON } from '../src/index.js';
import { tempDir } from './helpers.js';

beforeAll(async () => {
  await setBackend('cpu');
  await tf.setBackend('cpu');
});
const dir = tempDir();

/** Inputs drawn from a fixed sequence, so every run compares the same numbers. */
function draw(shape: number[], seed: number, ints = 0): { shape: number[]; data: number[] } {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, (_, i) => {
    const u = Math.abs(Math.sin(seed * 7919 + i * 104729)) % 1;
    return ints > 0 ? Math.floor(u * ints) : 2 * u - 1;
  });
  return { shape, data };
}

interface Case { name: string; build: () => Model; inputs: { shape: number[]; data: number[]; int?: boolean }[]; ownOnly?: boolean }

/** One model per layer kind the tfjs format must carry exactly. */
const CASES: Case[] = [
  { name: 'Dense', build: () => Sequential([Dense(5, { input_shape: [4], activation: 'tanh' }), Dense(3, { activation: 'softmax' })]), inputs: [draw([3, 4], 1)] },
  {
    name: 'Conv2D + BatchNormalization',
    build: () => Sequential([Conv2D(3, [2, 2], { input_shape: [5, 5, 2], activation: 'relu' }), BatchNormalization(), MaxPooling2D([2, 2]), Flatten(), Dense(2)]),
    inputs: [draw([2, 5, 5, 2], 2)],
  },
  { name: 'Embedding + LSTM', build: () => Sequential([Embedding(7, 4, { input_length: 5 }), LSTM(3), Dense(2)]), inputs: [{ ...draw([2, 5], 3, 7), int: true }] },
  { name: 'GRU', build: () => Sequential([GRU(4, { input_shape: [6, 3], return_sequences: true }), GRU(2)]), inputs: [draw([2, 6, 3], 4)] },
  {
    name: 'Functional, two inputs and two outputs',
    build: () => {
      const a = Input({ shape: [3], name: 'a' });
      const b = Input({ shape: [2], name: 'b' });
      const h = Dense(4, { activation: 'relu', name: 'h' }).apply(Concatenate().apply([a, b]));
      return Model({ inputs: [a, b], outputs: [Dense(1, { name: 'y1' }).apply(h), Dense(2, { activation: 'softmax', name: 'y2' }).apply(h)] });
    },
    inputs: [draw([3, 3], 5), draw([3, 2], 6)],
  },
  {
    name: 'Bidirectional LSTM + TimeDistributed Dense',
    build: () => Sequential([Bidirectional(LSTM(2, { return_sequences: true }), { input_shape: [4, 3] }), TimeDistributed(Dense(2))]),
    inputs: [draw([2, 4, 3], 7)],
  },
  {
    // Layers tfjs-layers lacks (Attention) or names alike: our own round trip only.
    name: 'PReLU + Attention with a scalar scale',
    build: () => {
      const x = Input({ shape: [3, 4] });
      const h = PReLU().apply(Dense(4).apply(x));
      return Model({ inputs: x, outputs: Attention({ use_scale: true }).apply([h, x]) });
    },
    inputs: [draw([2, 3, 4], 8)],
    ownOnly: true,
  },
];

/** Moves every weight off its initial value (BatchNormalization's variance kept positive). */
function perturb(model: Model): void {
  model.setWeights(model.layerWeights.map((w, i) => {
    const d = draw([...w.variable.shape], 100 + i);
    return tensor(w.name === 'moving_variance' ? d.data.map((v) => 1.5 + v) : d.data, d.shape);
  }));
}

async function ours(model: Model, c: Case): Promise<number[][]> {
  const xs = c.inputs.map((i) => tensor(i.data, i.shape, i.int ? 'int32' : 'float32'));
  const ys = model.predict(xs.length === 1 ? xs[0]! : xs);
  return Promise.all((Array.isArray(ys) ? ys : [ys]).map(async (t: Tensor) => Array.from(await t.data())));
}
async function theirs(model: tf.LayersModel, c: Case): Promise<number[][]> {
  const xs = c.inputs.map((i) => tf.tensor(i.data, i.shape, i.int ? 'int32' : 'float32'));
  const ys = model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor | tf.Tensor[];
  return Promise.all((Array.isArray(ys) ? ys : [ys]).map(async (t) => Array.from(await t.data())));
}
const weightsOf = (m: Model) => Promise.all(m.weights.map(async (w) => Array.from(await w.data())));
const concatBytes = (parts: readonly Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.byteLength), 0);
  return out;
};
function expectNear(got: number[][], want: number[][], tol = 1e-5): void {
  expect(got.map((g) => g.length)).toEqual(want.map((w) => w.length));
  got.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - want[i]![j]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]![j]!)))));
}

describe('tfjs layers-model format: our writer and reader', () => {
  for (const c of CASES) {
    it(`${c.name}: saveTfjs → loadTfjs (folder and memory) gives identical weights and predictions`, async () => {
      const model = c.build();
      perturb(model);
      const path = join(dir, c.name.replace(/\W+/g, '_'));
      await saveTfjs(model, path);
      expect(readdirSync(path).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
      const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8')) as TfjsModelJSON;
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0]!.weights.map((w) => w.shape)).toEqual(model.weights.map((w) => w.shape));
      const want = await ours(model, c);
      const fromDisk = await loadTfjs(path);
      const inMemory = await saveTfjs(model);
      const fromMemory = await loadTfjs(inMemory);
      const fromConcatenated = await loadTfjs({ modelJSON: JSON.stringify(inMemory.modelJSON), weightData: concatBytes(inMemory.weightData).buffer });
      for (const m of [fromDisk, fromMemory, fromConcatenated]) {
        expect(await weightsOf(m)).toEqual(await weightsOf(model));
        expect(await ours(m, c)).toEqual(want);
        m.dispose();
      }
      model.dispose();
    });
  }

  it('cuts the weights into shards of shardBytes (a weight may straddle two), read back in order', async () => {
    const c = CASES[1]!;
    const model = c.build();
    perturb(model);
    const path = join(dir, 'sharded');
    await saveTfjs(model, path, { shardBytes: 64 });
    const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8')) as TfjsModelJSON;
    const n = json.weightsManifest[0]!.paths.length;
    expect(n).toBe(Math.ceil(model.countParams() * 4 / 64));
    expect(json.weightsManifest[0]!.paths).toEqual(Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`));
    const back = await loadTfjs(join(path, 'model.json'));
    await expect(loadTfjs(join(dir, 'nowhere'))).rejects.toThrow(/nowhere: no such file/);
    const copy = join(dir, 'sharded-missing');
    await saveTfjs(model, copy, { shardBytes: 64 });
    rmSync(join(copy, 'group1-shard2of' + n + '.bin'));
    await expect(loadTfjs(copy)).rejects.toThrow(new RegExp(`group1-shard2of${n}.bin: its shard group1-shard2of${n}.bin is missing`));
    expect(await ours(back, c)).toEqual(await ours(model, c));
    back.dispose();
    model.dispose();
  });
});

describe('tfjs itself reads what we write, and we read what tfjs writes', () => {
  for (const c of CASES.filter((k) => !k.ownOnly)) {
    it(`${c.name}: tf.loadLayersModel on our files predicts as we do`, async () => {
      const model = c.build();
      perturb(model);
      const { modelJSON, weightData } = await saveTfjs(model);
      const loaded = await tf.loadLayersModel(tf.io.fromMemory({
        modelTopology: modelJSON.modelTopology, weightSpecs: modelJSON.weightsManifest[0]!.weights as tf.io.WeightsManifestEntry[], weightData: concatBytes(weightData).buffer,
      }));
      expectNear(await theirs(loaded, c), await ours(model, c));
      loaded.dispose();
      model.dispose();
    });
  }

  /** The same architectures built in tfjs-layers, saved by tfjs as model.json + weights.bin. */
  const TFJS: [string, () => tf.LayersModel, Case['inputs']][] = [
    ['Dense', () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 5, activation: 'tanh' }), tf.layers.dense({ units: 3, activation: 'softmax' })] }), CASES[0]!.inputs],
    ['Conv2D + BatchNormalization', () => tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 2, activation: 'relu' }), tf.layers.batchNormalization(), tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })],
    }), CASES[1]!.inputs],
    ['Embedding + LSTM', () => tf.sequential({ layers: [tf.layers.embedding({ inputDim: 7, outputDim: 4, inputLength: 5 }), tf.layers.lstm({ units: 3 }), tf.layers.dense({ units: 2 })] }), CASES[2]!.inputs],
    ['GRU', () => tf.sequential({ layers: [tf.layers.gru({ inputShape: [6, 3], units: 4, returnSequences: true }), tf.layers.gru({ units: 2 })] }), CASES[3]!.inputs],
    ['Functional', () => {
      const a = tf.input({ shape: [3], name: 'a' });
      const b = tf.input({ shape: [2], name: 'b' });
      const h = tf.layers.dense({ units: 4, activation: 'relu', name: 'h' }).apply(tf.layers.concatenate().apply([a, b])) as tf.SymbolicTensor;
      return tf.model({ inputs: [a, b], outputs: [tf.layers.dense({ units: 1, name: 'y1' }).apply(h) as tf.SymbolicTensor, tf.layers.dense({ units: 2, activation: 'softmax', name: 'y2' }).apply(h) as tf.SymbolicTensor] });
    }, CASES[4]!.inputs],
    ['Bidirectional LSTM + TimeDistributed Dense', () => tf.sequential({
      layers: [tf.layers.bidirectional({ inputShape: [4, 3], layer: tf.layers.lstm({ units: 2, returnSequences: true }) as tf.RNN }), tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) })],
    }), CASES[5]!.inputs],
  ];
  for (const [name, build, inputs] of TFJS) {
    it(`${name}: a tfjs-saved model loads here and predicts as tfjs does`, async () => {
      const model = build();
      // Non-trivial batch statistics, as a trained model has.
      for (const l of model.layers) if (l.getClassName() === 'BatchNormalization') l.setWeights(l.getWeights().map((w, i) => tf.add(w, tf.scalar(0.3 * (i + 1)))));
      const path = join(dir, `tfjs_${name.replace(/\W+/g, '_')}`);
      await model.save(tf.io.withSaveHandler(async (a) => {
        mkdirSync(path, { recursive: true });
        writeFileSync(join(path, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
        writeFileSync(join(path, 'model.json'), JSON.stringify({ modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: null, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      const c: Case = { name, build: () => { throw new Error('unused'); }, inputs };
      const ourModel = await loadTfjs(path);
      expectNear(await ours(ourModel, c), await theirs(model, c));
      ourModel.dispose();
      model.dispose();
    });
  }
});

describe('tfjs files: what is read and what is refused', () => {
  const json = (weights: object[], topology: Record<string, unknown> = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 1] } }] } }) =>
    ({ modelTopology: topology, weightsManifest: [{ paths: ['w.bin'], weights }] }) as unknown as TfjsModelJSON;

  it('dequantizes uint8 / uint16 (v·scale + min) and float16 weights', async () => {
    const kernel = { name: 'd/kernel', shape: [1, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } };
    const bias = { name: 'd/bias', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } };
    // kernel bytes 2, 5 → 0, 1.5; bias halves 0x3c00 = 1, 0xc000 = -2.
    const bytes = Uint8Array.of(2, 5, 0x00, 0x3c, 0x00, 0xc0);
    const m = await loadTfjs({ modelJSON: json([kernel, bias]), weightData: [bytes] });
    expect(await weightsOf(m)).toEqual([[0, 1.5], [1, -2]]);
    const u16 = { ...kernel, quantization: { dtype: 'uint16', scale: 0.25, min: 1 } };
    const m2 = await loadTfjs({ modelJSON: json([u16, { name: 'd/bias', shape: [2], dtype: 'float32' }]), weightData: Uint8Array.of(4, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0) });
    expect((await weightsOf(m2))[0]).toEqual([2, 65]);
  });

  it('reads the converter layout (model_config nested, tf.keras cell scopes as lstm/lstm_cell/kernel)', async () => {
    const topology = { keras_version: '2.11.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'LSTM', config: { name: 'lstm', units: 1, batch_input_shape: [null, 2, 1], recurrent_activation: 'sigmoid' } }] } } };
    const specs = ['kernel', 'recurrent_kernel', 'bias'].map((n) => ({ name: `lstm/lstm_cell/${n}`, shape: n === 'bias' ? [4] : [1, 4], dtype: 'float32' }));
    const m = await loadTfjs({ modelJSON: json(specs, topology), weightData: new Float32Array(12).map((_, i) => i).buffer });
    expect(await weightsOf(m)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
  });

  it('refuses missing, extra or misshapen weights, short data, odd dtypes and optimizer state, naming them', async () => {
    const k = { name: 'd/kernel', shape: [1, 2], dtype: 'float32' };
    const b = { name: 'd/bias', shape: [2], dtype: 'float32' };
    const data = (n: number) => [new Uint8Array(4 * n)];
    await expect(loadTfjs({ modelJSON: json([k]), weightData: data(2) })).rejects.toThrow(/no value for d\/bias/);
    await expect(loadTfjs({ modelJSON: json([k, b, { ...b, name: 'e/bias' }]), weightData: data(6) })).rejects.toThrow(/'e\/bias' belongs to no weight of the model/);
    await expect(loadTfjs({ modelJSON: json([{ ...k, shape: [2, 1] }, b]), weightData: data(4) })).rejects.toThrow(/weight kernel has shape \[1, 2\], the file's 'd\/kernel' has shape \[2, 1\]/);
    await expect(loadTfjs({ modelJSON: json([k, b]), weightData: data(3) })).rejects.toThrow(/holds 12 bytes, its 2 weights need 16/);
    await expect(loadTfjs({ modelJSON: json([k, b]), weightData: new Uint8Array(20) })).rejects.toThrow(/the weight data holds 20 bytes, the manifest's weights need 16/);
    await expect(loadTfjs({ modelJSON: json([{ ...k, dtype: 'string' }, b]), weightData: data(4) })).rejects.toThrow(/'d\/kernel' is stored as string/);
    await expect(loadTfjs({ modelJSON: json([k, b, { name: 'iter', shape: [], dtype: 'float32', group: 'optimizer' }]), weightData: data(5) })).rejects.toThrow(/saved with its optimizer/);
    await expect(loadTfjs({ modelJSON: { format: 'graph-model', weightsManifest: [] } as unknown as TfjsModelJSON, weightData: [] })).rejects.toThrow(/needs a modelTopology object \(a graph-model/);
  });
});
