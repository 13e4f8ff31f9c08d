import { readdirSync } from 'node:fs';
import { setBackend } from '@kerasgpu/core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadModel, readKerasH5 } from '../src/index.js';
import { fixture, readJson } from './helpers.js';
import { expectClose, predict, type Ref } from './refs.js';

/**
 * Files written by Keras 2.2.4-tf, 2.3.1, tf.keras 2.4 and 2.11 (fixtures/keras-modern,
 * SOURCES.md): each loads with loadModel and predicts what Keras (or the NumPy reference) computed.
 */
const LOADS = [
  'k231_conv1d_cf_same_d2_model.h5.expected.json',
  'tfk224_bilstm_x2_rnn125.h5.ref.json',
  'tfk224_conv1d_bn.h5.ref.json',
  'tfk224_embedding_dense_misc0.h5.ref.json',
  'tfk240_flatten3d_functional.hdf5.ref.json',
  'k311_dense_mlp_diabetes.keras.ref.json',
  'k231_dense_elu_model.h5.expected.json',
  'tfk224_prelu.h5.ref.json',
  'tfk2110_dense_attention_functional.h5.ref.json',
];
it('every modern fixture is checked here', () => {
  const refs = readdirSync(fixture('.', 'keras-modern')).filter((n) => n.endsWith('.expected.json') || n.endsWith('.ref.json'));
  expect(refs.sort()).toEqual([...LOADS].sort());
});

it("tf.keras 2.11's file: layer groups by layer_names (top_level_model_weights is none of them), an int64 'iteration:0'", async () => {
  const file = await readKerasH5(fixture('tfk2110_dense_attention_functional.h5', 'keras-modern'));
  expect(file.layers.map((l) => [l.name, l.weights.map((w) => w.shape.join('x')).join(' ')])).toEqual([
    ['inputs', ''], ['dense', '22x32 32'], ['attention', ''], ['concatenate', ''], ['dense_1', '64x32 32'], ['outputs', '32x1 1'],
  ]);
  expect(file.optimizerWeights!.weightNames).toEqual(['iteration:0']);
  expect(file.optimizerWeights!.weights[0]!.shape).toEqual([]);
});

for (const backend of ['cpu', 'webgpu'] as const) {
  describe(`modern Keras fixtures predict what Keras computed (${backend})`, () => {
    afterAll(async () => {
      await setBackend('cpu');
    });
    for (const name of LOADS) {
      it(name, async () => {
        await setBackend(backend);
        const ref = readJson<Ref>(name, 'keras-modern');
        const warn = vi.spyOn(console, 'warn');
        const model = await loadModel(fixture(ref.model!, 'keras-modern'));
        // Every option these files use is read.
        const warned = warn.mock.calls.map((c) => String(c[0]));
        warn.mockRestore();
        expect(warned).toEqual([]);
        const outs = await predict(model, ref);
        ref.outputs.forEach((o, i) => expectClose(outs[i]!, o, ref.tolerance));
        model.dispose();
      });
    }
  });
}
