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
