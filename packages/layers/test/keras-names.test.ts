import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as layers from '@kerasgpu/layers';
import {
  Callback, Dense, KERAS_FUNCTION_NAMES, KERAS_METHOD_NAMES, kerasNamesMarkdown, Layer, LSTM, randint, randomUniform, Sequential, setSeed, SGD,
  type Logs, type Tensor,
} from '@kerasgpu/layers';
import { useBackend, values } from './helpers.js';

beforeAll(useBackend);

const snakeExports = (mod: Record<string, unknown>) => Object.keys(mod).filter((k) => /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(k)).sort();

function binaryModel() {
  const model = Sequential();
  model.add(Dense(1, { input_dim: 4, activation: 'sigmoid' }));
  model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return model;
}

describe('Keras spellings of names: one table', () => {
  it('the README lists the table as the source has it (npm run docs:names -w @kerasgpu/layers)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('<!-- keras-names:begin -->\n')[1]?.split('\n<!-- keras-names:end -->')[0];
    expect(section).toBe(kerasNamesMarkdown());
  });

  it('every camelCase name in the table exists on the class it is listed for', () => {
    const model = binaryModel();
    const owners: Record<keyof typeof KERAS_METHOD_NAMES, object> = {
      Layer: Dense(2), Container: model, Model: model, RNN: LSTM(2), Callback: new Callback(), Optimizer: SGD(),
    };
    for (const [owner, table] of Object.entries(KERAS_METHOD_NAMES)) {
      const obj = owners[owner as keyof typeof KERAS_METHOD_NAMES];
      for (const [keras, camel] of Object.entries(table)) expect(camel in obj, `${owner}.${camel} (for ${keras})`).toBe(true);
    }
  });

  it('@kerasgpu/layers exports each function under both names, and no other snake_case name', () => {
    const mod = layers as unknown as Record<string, unknown>;
    const table = KERAS_FUNCTION_NAMES['@kerasgpu/layers'];
    for (const [keras, camel] of Object.entries(table)) expect(mod[keras], keras).toBe(mod[camel]);
    expect(snakeExports(mod)).toEqual(Object.keys(table).sort());
  });
});

describe('Keras spellings of names, as the quick-start writes them', () => {
  it('model methods and attributes: to_json, get_weights, set_weights, count_params, train_on_batch, predict_classes, metrics_names', async () => {
    setSeed(11);
    const model = binaryModel();
    const x = randomUniform([8, 4]);
    const y = randint(0, 2, [8, 1]);
    expect(model.to_json()).toBe(model.toJSON());
    expect(model.count_params()).toBe(5);
    const w = model.get_weights();
    model.set_weights(w.map((t) => layers.fill(t.shape, 0.5)));
    expect(await values(model.get_weights()[0]!)).toEqual([0.5, 0.5, 0.5, 0.5]);
    const loss = await model.train_on_batch(x, y);
    expect(Array.isArray(loss) && loss.length).toBe(2);
    expect(model.metrics_names).toEqual(['loss', 'acc']);
    expect((await model.test_on_batch(x, y) as number[]).length).toBe(2);
    expect(model.predict_classes(x).shape).toEqual([8, 1]);
    expect((model.predict_on_batch(x) as Tensor).shape).toEqual([8, 1]);
    expect(model.get_layer(model.layers[0]!.name)).toBe(model.layers[0]);
    expect(model.layers[0]!.trainable_weights).toHaveLength(2);
  });

  it('predict_generator yields the same outputs as predict', async () => {
    const model = binaryModel();
    const x = randomUniform([6, 4]);
    function* gen() { for (;;) yield x; }
    const out = await model.predict_generator(gen(), { val_samples: 12 }) as Tensor;
    expect(out.shape).toEqual([12, 1]);
    const p = await values(model.predict(x) as Tensor);
    expect(await values(out)).toEqual([...p, ...p]);
  });

  it('a Callback subclass with Keras hooks (the LossHistory example) is called, and stop_training stops fit', async () => {
    class LossHistory extends Callback {
      losses: number[] = [];
      epochs = 0;
      on_train_begin(_logs: Logs) { this.losses = []; }
      on_batch_end(_batch: number, logs: Logs) { this.losses.push(logs.loss!); }
      on_epoch_end(_epoch: number, _logs: Logs) {
        this.epochs++;
        this.model!.stop_training = true;
      }
    }
    const model = binaryModel();
    const history = new LossHistory();
    await model.fit(randomUniform([32, 4]), randint(0, 2, [32, 1]), { batch_size: 8, nb_epoch: 5, verbose: 0, callbacks: [history] });
    expect(history.losses).toHaveLength(4);
    expect(history.epochs).toBe(1);
  });

  it('a hook that does not exist, or both spellings of one, is refused when fit starts', async () => {
    class Typo extends Callback { on_epoch_ends() {} }
    class Keras2Only extends Callback { on_test_begin() {} }
    class Both extends Callback {
      override onEpochEnd() {}
      on_epoch_end() {}
    }
    const model = binaryModel();
    const x = randomUniform([8, 4]);
    const y = randint(0, 2, [8, 1]);
    await expect(model.fit(x, y, { verbose: 0, callbacks: [new Typo()] })).rejects.toThrow(/Typo: defines on_epoch_ends, which is not a callback hook.*onEpochEnd \(on_epoch_end\)/);
    await expect(model.fit(x, y, { verbose: 0, callbacks: [new Keras2Only()] })).rejects.toThrow(/on_test_begin/);
    await expect(model.fit(x, y, { verbose: 0, callbacks: [new Both()] })).rejects.toThrow(/defines both onEpochEnd and its Keras spelling on_epoch_end/);
  });

  it('a Keras 1 custom layer defining get_output_shape_for is used', () => {
    class Doubler extends Layer {
      override call(x: Tensor | Tensor[]) { const t = x as Tensor; return layers.concat([t, t], 1); }
      get_output_shape_for(s: (number | null)[]) { return [s[0]!, s[1]! * 2]; }
    }
    const model = Sequential([Dense(3, { input_dim: 2 }), new Doubler()]);
    expect(model.outputs[0]!.shape).toEqual([null, 6]);
  });

  it('a snake_case name outside the table fails naming the camelCase one, on read and on assignment', () => {
    const model = binaryModel() as unknown as Record<string, unknown>;
    expect(() => model.layer_weights).toThrow(/layer_weights .*use layerWeights/);
    expect(() => { model.check_finite_x = 1; }).not.toThrow(); // no checkFiniteX: an ordinary property
    expect(() => { model.history_x = 1; }).not.toThrow();
    expect(() => { (SGD() as unknown as Record<string, unknown>).current_lr = 1; }).toThrow(/use currentLr/);
    expect(model.no_such_name).toBeUndefined();
  });
});
