import { join } from 'node:path';
import {
  Adam, BatchNormalization, Bidirectional, Concatenate, Conv2D, Dense, Dropout, Embedding, Flatten, GRU, Input, LSTM, Layer,
  MaxPooling2D, Merge, Model, randomUniform, randint, Sequential, setBackend, setSeed, TimeDistributed, toCategorical, type MergeMode, type Optimizer, type SymbolicTensor, type Tensor,
} from '@kerasgpu/layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadModel, loadTfjs, modelFromJSON, modelFromYAML, readKerasH5, saveTfjs } from '../src/index.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
beforeAll(async () => {
  await setBackend('cpu');
});

const cnn = () => Sequential([
  Conv2D(4, [3, 3], { input_shape: [8, 8, 2], activation: 'relu' }),
  BatchNormalization(),
  MaxPooling2D({ pool_size: [2, 2] }),
  Flatten(),
  Dense(3, { activation: 'softmax' }),
]);
const text = () => Sequential([Embedding(10, 4, { input_length: 5 }), LSTM(6, { return_sequences: true }), GRU(3), Dropout(0.5), Dense(2)]);
function functional(): Model {
  const seq = Input({ shape: [5, 3] });
  const vec = Input({ shape: [4] });
  const a = Bidirectional(LSTM(4)).apply(TimeDistributed(Dense(3)).apply(seq));
  const b = Dense(4, { activation: 'tanh' }).apply(vec);
  const c = Concatenate().apply([a, b]);
  return Model({ inputs: [seq, vec], outputs: [Dense(2, { activation: 'softmax', name: 'probs' }).apply(c), Dense(1, { name: 'score' }).apply(c)] });
}

/** A Sequential used as a layer of a functional model: Keras 2.1 stores its config as a list. */
function nested(): Model {
  const x = Input({ shape: [4] });
  const inner = Sequential([Dense(3, { input_dim: 4, activation: 'tanh' }), Dense(2)], { name: 'inner' });
  return Model({ inputs: x, outputs: Dense(1).apply(inner.apply(x) as SymbolicTensor) });
}

/** Keras 2's seq2seq: the encoder's return_state outputs are the decoder's initial_state (extra node inputs). */
function seq2seq(): Model {
  const enc = Input({ shape: [null, 3] });
  const [, h, c] = LSTM(4, { return_state: true }).apply(enc) as unknown as SymbolicTensor[];
  const dec = Input({ shape: [null, 2] });
  const [seq] = LSTM(4, { return_sequences: true, return_state: true }).apply(dec, { initial_state: [h!, c!] }) as unknown as SymbolicTensor[];
  return Model({ inputs: [enc, dec], outputs: Dense(2, { activation: 'softmax' }).apply(seq!) });
}

/** The quick-start's Keras 1 model: two Sequential branches joined by Merge(mode), then Dense. */
const branchMerge = (mode: MergeMode) => (): Model => Sequential([
  Merge([Sequential([Dense(5, { input_dim: 4, activation: 'tanh' })]), Sequential([Dense(5, { input_dim: 3 })])], { mode }),
  Dense(2, { activation: 'softmax' }),
]);
/** Merges nest: a branch that itself merges two branches, and a Sequential inside a Sequential. */
function nestedMerge(): Model {
  const leaf = (n: number) => Sequential([Dense(3, { input_dim: n }), Dense(3, { activation: 'relu' })]);
  const inner = Sequential([Merge([leaf(2), leaf(4)], { mode: 'sum' }), Dense(3)]);
  return Sequential([Merge([inner, leaf(3)], { mode: 'concat' }), Sequential([Dense(4, { input_dim: 6 }), Dense(2)]), Dense(1)]);
}
const sequentialInSequential = () => Sequential([Sequential([Dense(3, { input_dim: 4, activation: 'tanh' }), Dense(2)]), Dense(1)]);
const MERGE_MODES: MergeMode[] = ['concat', 'sum', 'mul', 'ave', 'max', 'dot', 'cos'];

/** [name, model, inputs, whether the model has no Keras 3 form (Keras 1's Merge of whole models)]. */
const MODELS: [string, () => Model, () => Tensor[], boolean?][] = [
  ['seq2seq: return_state and initial_state', seq2seq, () => [randomUniform([3, 4, 3]), randomUniform([3, 5, 2])]],
  ...MERGE_MODES.map((mode): [string, () => Model, () => Tensor[], boolean] => [`Merge of two Sequentials (mode '${mode}')`, branchMerge(mode), () => [randomUniform([3, 4]), randomUniform([3, 3])], true]),
  ['a Merge branch that merges, and a Sequential inside a Sequential', nestedMerge, () => [randomUniform([3, 2]), randomUniform([3, 4]), randomUniform([3, 3])], true],
  ['Sequential inside a Sequential', sequentialInSequential, () => [randomUniform([3, 4])]],
  ['functional with a nested Sequential', nested, () => [randomUniform([3, 4])]],
  ['conv / batch norm / pooling', cnn, () => [randomUniform([3, 8, 8, 2])]],
  ['embedding / LSTM / GRU', text, () => [randint(0, 10, [3, 5])]],
  ['GRU reset_after (Keras 2 / TF 2: bias (2, 3·units))', () => Sequential([GRU(4, { reset_after: true, return_sequences: true, input_shape: [5, 3] }), GRU(2, { reset_after: true })]), () => [randomUniform([3, 5, 3])]],
  ['functional: TimeDistributed, Bidirectional, Concatenate, two outputs', functional, () => [randomUniform([3, 5, 3]), randomUniform([3, 4])]],
];

async function outputs(model: Model, xs: Tensor[]): Promise<number[][]> {
  const ys = model.predict(xs.length === 1 ? xs[0]! : xs);
  return Promise.all((Array.isArray(ys) ? ys : [ys]).map(async (y) => Array.from(await y.data())));
}

describe('save -> load (HDF5, JSON, YAML, tfjs, .keras) gives identical predictions', () => {
  for (const [name, make, inputs, noKeras3] of MODELS) {
    it(name, async () => {
      setSeed(7);
      const model = make();
      model.compile({ optimizer: 'adam', loss: model.outputs.length > 1 ? ['categorical_crossentropy', 'mse'] : 'mse' });
      const xs = inputs();
      const want = await outputs(model, xs);

      const full = join(dir, `${model.name}.h5`);
      await model.save(full);
      const loaded = await loadModel(full);
      expect(loaded.layers.map((l) => l.className)).toEqual(model.layers.map((l) => l.className));
      expect(await outputs(loaded, xs)).toEqual(want);
      expect(loaded.compiled?.config).toEqual(model.compiled!.config);

      const weights = join(dir, `${model.name}.weights.h5`);
      await model.saveWeights(weights);
      const json = JSON.parse(model.toJSON()) as { config: unknown[] | { layers: { class_name: string; config: unknown }[] } };
      const specs = Array.isArray(json.config) ? [] : json.config.layers;
      for (const l of specs.filter((s) => s.class_name === 'Sequential')) expect(Array.isArray(l.config)).toBe(true);
      const fromJson = modelFromJSON(model.toJSON());
      await fromJson.loadWeights(weights);
      expect(await outputs(fromJson, xs)).toEqual(want);
      const fromYaml = modelFromYAML(model.toYAML());
      // What files hold (a top-level Sequential's name is not among it in Keras 2.1).
      expect(fromYaml.serialize()).toEqual(model.serialize());
      await fromYaml.loadWeights(full);
      expect(await outputs(fromYaml, xs)).toEqual(want);

      const fromTfjs = await loadTfjs(await saveTfjs(model));
      expect(fromTfjs.serialize()).toEqual(model.serialize());
      expect(await outputs(fromTfjs, xs)).toEqual(want);

      const archive = join(dir, `${model.name}.keras`);
      if (noKeras3) {
        // Keras 3 has no Merge of models: refused, naming the model and the way out.
        await expect(model.save(archive)).rejects.toThrow(new RegExp(`${model.name}: a Sequential that merges several models \\(Keras 1's Merge\\) has no Keras 3 form; save it as HDF5`));
        return;
      }
      await model.save(archive);
      const fromKeras = await loadModel(archive);
      expect(fromKeras.serialize()).toEqual(model.serialize());
      expect(await outputs(fromKeras, xs)).toEqual(want);
      expect(fromKeras.compiled?.config).toEqual(model.compiled!.config);
    });
  }
});

describe("Keras 1's Merge of models", () => {
  /** The quick-start model as Keras 1.2.2's to_json writes it (Sequential.get_config nests the branches). */
  const dense = (name: string, outputDim: number, more: Record<string, unknown> = {}) => ({
    class_name: 'Dense',
    config: { name, output_dim: outputDim, init: 'glorot_uniform', activation: 'linear', W_regularizer: null, b_regularizer: null, activity_regularizer: null, W_constraint: null, b_constraint: null, bias: true, trainable: true, ...more },
  });
  const keras122 = {
    class_name: 'Sequential',
    keras_version: '1.2.2',
    config: [
      {
        class_name: 'Merge',
        config: {
          name: 'merge_1', mode: 'concat', mode_type: 'raw', concat_axis: -1, dot_axes: -1, output_shape: null, output_shape_type: 'raw', output_mask: null, output_mask_type: 'raw', arguments: {},
          layers: [
            { class_name: 'Sequential', config: [dense('dense_1', 32, { input_dim: 784, batch_input_shape: [null, 784], input_dtype: 'float32' })] },
            { class_name: 'Sequential', config: [dense('dense_2', 32, { input_dim: 784, batch_input_shape: [null, 784], input_dtype: 'float32' })] },
          ],
        },
      },
      dense('dense_3', 10, { activation: 'softmax', input_dim: null }),
    ],
  };

  it('reads the layout Keras 1.2.2 writes: two inputs, the branches, the merge, the head', () => {
    const model = modelFromJSON(JSON.stringify(keras122));
    expect(model.inputs.map((t) => t.shape)).toEqual([[null, 784], [null, 784]]);
    expect(model.layers.map((l) => l.name)).toEqual(['dense_1', 'dense_2', 'merge_1', 'dense_3']);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
  });

  it('writes it back key for key: the Merge config of Keras 1, each branch nested as a Sequential list', () => {
    const model = modelFromJSON(JSON.stringify(keras122));
    const config = (JSON.parse(model.toJSON()) as { config: { class_name: string; config: Record<string, unknown> }[] }).config;
    expect(config.map((s) => s.class_name)).toEqual(['Merge', 'Dense']);
    const { layers, ...merge } = config[0]!.config;
    const { layers: _, ...want } = keras122.config[0]!.config as Record<string, unknown>;
    expect(merge).toEqual(want);
    const branches = layers as { class_name: string; config: { class_name: string; config: { name: string } }[] }[];
    expect(branches.map((b) => [b.class_name, b.config.map((l) => l.config.name)])).toEqual([['Sequential', ['dense_1']], ['Sequential', ['dense_2']]]);
  });

  it('a nested branch spec given to Merge directly (not through the loader) is refused, saying who builds it', () => {
    expect(() => Merge({ mode: 'sum', layers: [{ class_name: 'Sequential', config: [] }, { class_name: 'Sequential', config: [] }] } as never)).toThrow(/branch object .*modelFromJSON.* must be a model/);
  });
});

describe('training resumed after load continues as if never interrupted', () => {
  const OPTIMIZERS: [string, () => string | Optimizer][] = [
    ...['adam', 'rmsprop', 'nadam', 'sgd'].map((o): [string, () => string] => [o, () => o]),
    ['adam (amsgrad)', () => Adam({ amsgrad: true })],
  ];
  for (const [name, makeOptimizer] of OPTIMIZERS) {
    it(name, async () => {
      setSeed(3);
      const x = randomUniform([16, 8, 8, 2]);
      const y = toCategorical(randint(0, 3, [16]), 3);
      const run = async (interrupt: boolean): Promise<number[]> => {
        setSeed(11);
        let model: Model = cnn();
        model.compile({ optimizer: makeOptimizer(), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
        const opts = { batch_size: 4, shuffle: false, verbose: 0 as const };
        const first = await model.fit(x, y, { ...opts, epochs: 2 });
        if (interrupt) {
          const p = join(dir, `resume-${name}.h5`);
          await model.save(p);
          const warn = vi.spyOn(console, 'warn');
          try {
            model = await loadModel(p);
            expect(warn).not.toHaveBeenCalled();
          } finally {
            warn.mockRestore();
          }
        }
        const second = await model.fit(x, y, { ...opts, epochs: 2 });
        return [...first.history.loss!, ...second.history.loss!];
      };
      const straight = await run(false);
      const resumed = await run(true);
      expect(resumed).toEqual(straight);
    });
  }
});

describe("Adam's optimizer_weights as Keras 2.1.3+ lays them out: iterations, ms, vs, v̂s", () => {
  for (const amsgrad of [false, true]) {
    it(amsgrad ? 'amsgrad: v̂ has each weight\'s shape' : 'without amsgrad: one zeros(1) placeholder per weight', async () => {
      const model = Sequential([Dense(3, { input_dim: 2 }), Dense(1)]);
      model.compile({ optimizer: Adam({ amsgrad }), loss: 'mse' });
      await model.fit(randomUniform([4, 2]), randomUniform([4, 1]), { epochs: 1, verbose: 0 });
      const p = join(dir, `adam-layout-${amsgrad}.h5`);
      await model.save(p);
      const { optimizerWeights, trainingConfig } = await readKerasH5(p);
      const shapes = model.trainableWeights.map((v) => v.shape);
      const vhats = amsgrad ? shapes : shapes.map(() => [1]);
      expect(optimizerWeights!.weights.map((w) => w.shape)).toEqual([[], ...shapes, ...shapes, ...vhats]);
      if (!amsgrad) expect(optimizerWeights!.weights.slice(-shapes.length).every((w) => w.data[0] === 0)).toBe(true);
      expect((trainingConfig as { optimizer_config: { config: { amsgrad: boolean } } }).optimizer_config.config.amsgrad).toBe(amsgrad);
    });
  }
});

describe('errors', () => {
  it('a weight shape mismatch names the layer, the weight and both shapes', async () => {
    const p = join(dir, 'dense3.h5');
    await Sequential([Dense(3, { input_dim: 2, name: 'd' })]).saveWeights(p);
    const other = Sequential([Dense(4, { input_dim: 2, name: 'd' })]);
    await expect(other.loadWeights(p)).rejects.toThrow(/layer d: weight kernel has shape \[2, 4\], the file's 'd\/kernel:0' has shape \[2, 3\]/);
    await expect(other.loadWeights(p, { by_name: true })).rejects.toThrow(/\[2, 4\].*\[2, 3\]/);
  });

  it('by name, layers the file does not mention keep their weights', async () => {
    const p = join(dir, 'byname.h5');
    const src = Sequential([Dense(3, { input_dim: 2, name: 'shared' }), Dense(1, { name: 'head_a' })]);
    await src.saveWeights(p);
    const dst = Sequential([Dense(3, { input_dim: 2, name: 'shared' }), Dense(5, { name: 'head_b' })]);
    const headBefore = await dst.layers[1]!.getWeights()[0]!.data();
    await dst.loadWeights(p, { byName: true });
    expect(await dst.layers[0]!.getWeights()[0]!.data()).toEqual(await src.layers[0]!.getWeights()[0]!.data());
    expect(await dst.layers[1]!.getWeights()[0]!.data()).toEqual(headBefore);
    await expect(dst.loadWeights(p)).rejects.toThrow(/shape \[3, 5\].*shape \[3, 1\]/);
  });

  it('a layer class we do not implement is an error naming it; customObjects supplies it', () => {
    const json = JSON.stringify({ class_name: 'Sequential', config: [{ class_name: 'FancyLayer', config: { name: 'f', batch_input_shape: [null, 3] } }] });
    expect(() => modelFromJSON(json)).toThrow(/FancyLayer/);
    class FancyLayer extends Layer {}
    const model = modelFromJSON(json, { FancyLayer });
    expect(model.layers[0]).toBeInstanceOf(FancyLayer);
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
  });

  it('saving without overwrite refuses to replace a file', async () => {
    const p = join(dir, 'keep.h5');
    const m = Sequential([Dense(1, { input_dim: 1 })]);
    await m.save(p);
    await expect(m.save(p, { overwrite: false })).rejects.toThrow(/exists/);
  });
});
