import { beforeAll, describe, expect, it } from 'vitest';
import { Activation, Dense, randomUniform, randint, Sequential, setSeed } from '@kerasgpu/layers';
import { captureOutput, useBackend } from './helpers.js';

beforeAll(useBackend);

describe('seed snippets: Sequential models', () => {
  it('builds from a list and with add()', () => {
    const a = Sequential([Dense(32, { input_dim: 784 }), Activation('relu'), Dense(10), Activation('softmax')]);
    expect(a.layers.map((l) => l.className)).toEqual(['Dense', 'Activation', 'Dense', 'Activation']);
    expect(a.outputs[0]!.shape).toEqual([null, 10]);
    const b = Sequential();
    b.add(Dense(32, { input_dim: 784 }));
    b.add(Activation('relu'));
    expect(b.outputs[0]!.shape).toEqual([null, 32]);
    expect(b.countParams()).toBe(784 * 32 + 32);
  });

  it('three equivalent input shape forms build identical models', () => {
    const forms = [{ input_shape: [784] }, { batch_input_shape: [null, 784] }, { input_dim: 784 }];
    const models = forms.map((f) => {
      const m = Sequential();
      m.add(Dense(32, f));
      return m;
    });
    for (const m of models) {
      expect(m.inputs[0]!.shape).toEqual([null, 784]);
      expect(m.outputs[0]!.shape).toEqual([null, 32]);
      expect(m.weights.map((w) => w.shape)).toEqual([[784, 32], [32]]);
    }
  });

  it('binary classifier on 1000x784 random data prints Keras verbose-2 lines', async () => {
    setSeed(1);
    const model = Sequential();
    model.add(Dense(1, { input_dim: 784, activation: 'sigmoid' }));
    model.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const data = randomUniform([1000, 784]);
    const labels = randint(0, 2, [1000, 1]);
    const { result: hist, text } = await captureOutput(() => model.fit(data, labels, { nb_epoch: 3, batch_size: 32, verbose: 2 }));
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('Epoch 1/3');
    expect(lines[1]).toMatch(/^\d+s - loss: \d\.\d{4} - acc: \d\.\d{4}$/);
    expect(lines[4]).toBe('Epoch 3/3');
    expect(hist.history.loss).toHaveLength(3);
    expect(hist.history.acc).toHaveLength(3);
    expect(hist.epoch).toEqual([0, 1, 2]);
    // Random labels: the loss is near log 2 and accuracy near chance, as in the seed output.
    expect(hist.history.loss![0]).toBeGreaterThan(0.5);
    expect(hist.history.loss![0]).toBeLessThan(1.2);
  });
});

describe('seed snippets: more models', () => {
  it('two-branch Merge model trains on [data1, data2]', async () => {
    const { Merge, toCategorical } = await import('@kerasgpu/layers');
    setSeed(2);
    const left = Sequential();
    left.add(Dense(32, { input_dim: 784 }));
    const right = Sequential();
    right.add(Dense(32, { input_dim: 784 }));
    const merged = Merge([left, right], { mode: 'concat' });
    const model = Sequential();
    model.add(merged);
    model.add(Dense(10, { activation: 'softmax' }));
    model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    expect(model.inputs).toHaveLength(2);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    const data1 = randomUniform([200, 784]);
    const data2 = randomUniform([200, 784]);
    const labels = toCategorical(randint(0, 10, [200, 1]), 10);
    expect(labels.shape).toEqual([200, 10]);
    const { result: hist, text } = await captureOutput(() => model.fit([data1, data2], labels, { nb_epoch: 2, batch_size: 32 }));
    expect(text).toContain('Epoch 1/2');
    expect(text).toMatch(/200\/200 \[=+\] - \d+s - loss: \d\.\d{4} - acc: \d\.\d{4}/);
    expect(hist.history.loss).toHaveLength(2);
    expect(hist.history.acc).toHaveLength(2);
  });

  it('MLP for softmax classification with SGD nesterov, then evaluate', async () => {
    const { Dropout, SGD, toCategorical } = await import('@kerasgpu/layers');
    setSeed(3);
    const model = Sequential();
    model.add(Dense(64, { input_dim: 20, init: 'uniform' }));
    model.add(Activation('tanh'));
    model.add(Dropout(0.5));
    model.add(Dense(64, { init: 'uniform' }));
    model.add(Activation('tanh'));
    model.add(Dropout(0.5));
    model.add(Dense(10, { init: 'uniform' }));
    model.add(Activation('softmax'));
    const sgd = SGD({ lr: 0.1, decay: 1e-6, momentum: 0.9, nesterov: true });
    model.compile({ loss: 'categorical_crossentropy', optimizer: sgd, metrics: ['accuracy'] });
    const x = randomUniform([64, 20]);
    const y = toCategorical(randint(0, 10, [64, 1]), 10);
    await model.fit(x, y, { nb_epoch: 2, batch_size: 16, verbose: 0 });
    const score = await model.evaluate(x, y, { batch_size: 16 });
    expect(Array.isArray(score) && score.length).toBe(2);
    expect(model.metricsNames).toEqual(['loss', 'acc']);
    expect(sgd.iterations).toBe(8);
  });

  it('alternative MLP with adadelta and the binary MLP with rmsprop compile and fit', async () => {
    const { Dropout } = await import('@kerasgpu/layers');
    const a = Sequential([Dense(64, { input_dim: 20, activation: 'relu' }), Dropout(0.5), Dense(64, { activation: 'relu' }), Dropout(0.5), Dense(10, { activation: 'softmax' })]);
    a.compile({ loss: 'categorical_crossentropy', optimizer: 'adadelta', metrics: ['accuracy'] });
    const b = Sequential([Dense(64, { input_dim: 20, init: 'uniform', activation: 'relu' }), Dropout(0.5), Dense(64, { activation: 'relu' }), Dropout(0.5), Dense(1, { activation: 'sigmoid' })]);
    b.compile({ loss: 'binary_crossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] });
    const h = await b.fit(randomUniform([32, 20]), randint(0, 2, [32, 1]), { epochs: 1, verbose: 0 });
    expect(h.history.acc).toHaveLength(1);
  });

  it('VGG-like CNN (small input, th ordering as in the snippet) compiles and fits', async () => {
    const { Convolution2D, MaxPooling2D, Dropout, Flatten, SGD, toCategorical } = await import('@kerasgpu/layers');
    setSeed(4);
    const model = Sequential();
    model.add(Convolution2D(4, 3, 3, { border_mode: 'valid', input_shape: [3, 12, 12], dim_ordering: 'th' }));
    model.add(Activation('relu'));
    model.add(Convolution2D(4, 3, 3, { dim_ordering: 'th' }));
    model.add(Activation('relu'));
    model.add(MaxPooling2D({ pool_size: [2, 2], dim_ordering: 'th' }));
    model.add(Dropout(0.25));
    model.add(Flatten());
    model.add(Dense(16));
    model.add(Activation('relu'));
    model.add(Dropout(0.5));
    model.add(Dense(10));
    model.add(Activation('softmax'));
    expect(model.layers[4]!.apply).toBeDefined();
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    expect(model.layers[5]!.className).toBe('Dropout');
    const sgd = SGD({ lr: 0.1, decay: 1e-6, momentum: 0.9, nesterov: true });
    model.compile({ loss: 'categorical_crossentropy', optimizer: sgd });
    const h = await model.fit(randomUniform([8, 3, 12, 12]), toCategorical(randint(0, 10, [8]), 10), { batch_size: 4, nb_epoch: 1, verbose: 0 });
    expect(Number.isFinite(h.history.loss![0]!)).toBe(true);
  });

  it('LSTM sequence classifier with Embedding compiles, fits and evaluates', async () => {
    const { Embedding, LSTM, Dropout } = await import('@kerasgpu/layers');
    setSeed(5);
    const maxFeatures = 50, maxlen = 6;
    const model = Sequential();
    model.add(Embedding(maxFeatures, 8, { input_length: maxlen }));
    model.add(LSTM({ output_dim: 8, activation: 'sigmoid', inner_activation: 'hard_sigmoid' }));
    model.add(Dropout(0.5));
    model.add(Dense(1));
    model.add(Activation('sigmoid'));
    model.compile({ loss: 'binary_crossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] });
    expect(model.outputs[0]!.shape).toEqual([null, 1]);
    const x = randint(0, maxFeatures, [16, maxlen]);
    const y = randint(0, 2, [16, 1]);
    await model.fit(x, y, { batch_size: 8, nb_epoch: 1, verbose: 0 });
    const score = await model.evaluate(x, y, { batch_size: 8 });
    expect((score as number[])[1]).toBeGreaterThanOrEqual(0);
  });

  it('custom and dict-returning metrics appear in History', async () => {
    const { backend: K } = await import('@kerasgpu/layers');
    const meanPred = function mean_pred(_yTrue: import('@kerasgpu/layers').Tensor, yPred: import('@kerasgpu/layers').Tensor) { return K.mean(yPred); };
    const falseRates = function false_rates(yTrue: import('@kerasgpu/layers').Tensor, yPred: import('@kerasgpu/layers').Tensor) {
      const predPos = K.cast(K.greater(yPred, 0.5), 'float32');
      return {
        false_neg: K.mean(K.cast(K.greater(yTrue, predPos), 'float32')),
        false_pos: K.mean(K.cast(K.greater(predPos, yTrue), 'float32')),
      };
    };
    const model = Sequential([Dense(1, { input_dim: 4, activation: 'sigmoid' })]);
    model.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['accuracy', meanPred, falseRates] });
    expect(model.metricsNames).toEqual(['loss', 'acc', 'mean_pred', 'false_neg', 'false_pos']);
    const h = await model.fit(randomUniform([20, 4]), randint(0, 2, [20, 1]), { epochs: 2, verbose: 0, validation_split: 0.2 });
    expect(Object.keys(h.history).sort()).toEqual(['acc', 'false_neg', 'false_pos', 'loss', 'mean_pred', 'val_acc', 'val_false_neg', 'val_false_pos', 'val_loss', 'val_mean_pred']);
    const fn = h.history.false_neg![0]!, fp = h.history.false_pos![0]!, acc = h.history.acc![0]!;
    // Every sample is right, a false negative or a false positive.
    expect(fn + fp + acc).toBeCloseTo(1, 5);
  });
});
