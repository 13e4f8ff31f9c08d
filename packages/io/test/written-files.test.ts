import { join } from 'node:path';
import { Dense, Sequential, setBackend } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { h5wasm, withH5, type H5Group } from '../src/hdf5/h5.js';
import '../src/index.js';
import { fixture, tempDir } from './helpers.js';

const dir = tempDir();
beforeAll(async () => {
  await setBackend('cpu');
});

interface Meta { type: number; size: number; vlen: boolean; cset: number }
/** Every attribute and dataset type under a group, as h5wasm's metadata describes it. */
async function layout(path: string): Promise<Record<string, unknown>> {
  return withH5(path, (f) => {
    const out: Record<string, unknown> = {};
    const visit = (g: H5Group) => {
      for (const [k, a] of Object.entries(g.attrs)) {
        const m = (a as unknown as { metadata: Meta }).metadata;
        out[`${g.path}@${k}`] = { type: m.type, vlen: m.vlen, cset: m.cset, rank: a.shape?.length ?? 0 };
      }
      for (const k of g.keys()) {
        const e = g.get(k);
        if (e instanceof h5wasm.Group) visit(e);
        else if (e instanceof h5wasm.Dataset) out[e.path] = { dtype: e.dtype, rank: e.shape?.length };
      }
    };
    visit(f);
    return out;
  });
}

describe('files we write have the layout and types Keras 2 writes', () => {
  it('model.save of a Dense model matches a Keras 2.1.3 save of the same model, attribute for attribute', async () => {
    // k2_dense_tf.h5: Keras 2.1.3 (TensorFlow), Sequential Dense(6) on 4 inputs, compiled with Adam, never trained.
    const model = Sequential([Dense(6, { input_dim: 4, name: 'dense_1' })]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const p = join(dir, 'dense.h5');
    await model.save(p);
    expect(await layout(p)).toEqual(await layout(fixture('k2_dense_tf.h5')));
    await withH5(p, (f) => {
      expect(f.attrs.keras_version!.value).toBe('2.1.6');
      expect(f.attrs.backend!.value).toBe('tensorflow');
      // Keras 2.1's Sequential.get_config is the plain list of layer specs, as in the fixture.
      const config = JSON.parse(f.attrs.model_config!.value as string) as { class_name: string; config: { class_name: string; config: { name: string } }[] };
      expect(config.class_name).toBe('Sequential');
      expect(config.config.map((l) => [l.class_name, l.config.name])).toEqual([['Dense', 'dense_1']]);
      expect(JSON.parse(f.attrs.training_config!.value as string)).toMatchObject({ loss: 'mean_squared_error', optimizer_config: { class_name: 'Adam' } });
      const g = f.get('model_weights/dense_1') as H5Group;
      expect(g.attrs.weight_names!.value).toEqual(['dense_1/kernel:0', 'dense_1/bias:0']);
      expect((f.get('model_weights/dense_1/dense_1/kernel:0') as InstanceType<typeof h5wasm.Dataset>).shape).toEqual([4, 6]);
    });
  });
});
