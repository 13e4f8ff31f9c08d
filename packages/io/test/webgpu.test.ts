import { join } from 'node:path';
import { Dense, getBackend, randomUniform, randint, Sequential, setBackend, setSeed, toCategorical, type Model, type Tensor } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, readKerasH5 } from '../src/index.js';
import { fixture, readJson, tempDir } from './helpers.js';

/** The persistence round trips again, with the webgpu backend active (its buffers read back on save). */
const dir = tempDir();
beforeAll(async () => {
  await setBackend('webgpu'); // throws without an adapter: CI installs the CPU Vulkan driver, so this never skips
  expect(getBackend()).toBe('webgpu');
});

const mlp = () => Sequential([Dense(8, { input_dim: 5, activation: 'tanh' }), Dense(3, { activation: 'softmax' })]);
const values = async (t: Tensor | Tensor[]) => Array.from(await (t as Tensor).data());

describe('webgpu: save / load', () => {
  it('identical predictions after a round trip', async () => {
    setSeed(2);
    const model = mlp();
    const x = randomUniform([4, 5]);
    const p = join(dir, 'mlp.h5');
    await model.save(p);
    expect(await values((await loadModel(p)).predict(x))).toEqual(await values(model.predict(x)));
  });

  it('training resumed after load continues as if never interrupted', async () => {
    setSeed(4);
    const x = randomUniform([12, 5]);
    const y = toCategorical(randint(0, 3, [12]), 3);
    const run = async (interrupt: boolean) => {
      setSeed(8);
      let model: Model = mlp();
      model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
      const opts = { batch_size: 4, shuffle: false, verbose: 0 as const, epochs: 2 };
      const a = await model.fit(x, y, opts);
      if (interrupt) {
        await model.save(join(dir, 'resume.h5'));
        model = await loadModel(join(dir, 'resume.h5'));
      }
      const b = await model.fit(x, y, opts);
      return [...a.history.loss!, ...b.history.loss!];
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('a Keras fixture predicts what Keras computed', async () => {
    const ref = readJson<{ inputs: { data: number[]; shape: number[] }[]; outputs: { data: number[] }[] }>('k2_dense_tf.ref.json');
    const model = await loadModel(fixture('k2_dense_tf.h5'));
    expect((await readKerasH5(fixture('k2_dense_tf.h5'))).backend).toBe('tensorflow');
    const got = await values(model.predict({ data: Float32Array.from(ref.inputs[0]!.data), shape: ref.inputs[0]!.shape }));
    got.forEach((v, i) => expect(Math.abs(v - ref.outputs[0]!.data[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(ref.outputs[0]!.data[i]!))));
  });
});
