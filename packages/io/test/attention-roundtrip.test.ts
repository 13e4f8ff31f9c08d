import { join } from 'node:path';
import { Attention, Dense, Input, Model, randomUniform, setBackend, setSeed, type Tensor } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadModel, modelFromJSON } from '../src/index.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
beforeAll(async () => {
  await setBackend('cpu');
});

/** A Functional model with every Attention option that changes the result: [query, value, key], concat scores, scale, causal. */
function attentionModel(): Model {
  const q = Input({ shape: [4, 3], name: 'q' });
  const v = Input({ shape: [4, 3], name: 'v' });
  const kq = Dense(3, { name: 'kq' }).apply(v);
  const a = Attention({ score_mode: 'concat', use_scale: true, causal: true, name: 'att' }).apply([q, v, kq]);
  return Model({ inputs: [q, v], outputs: Dense(2, { name: 'out' }).apply(a) });
}

describe('Attention in a Functional model: config, weights and Adam state round-trip', () => {
  for (const ext of ['h5', 'keras'] as const) {
    it(`${ext}: identical predictions, and training resumed after load gives the uninterrupted losses`, async () => {
      setSeed(2);
      const xs = [randomUniform([8, 4, 3], -1, 1), randomUniform([8, 4, 3], -1, 1)];
      const y = randomUniform([8, 4, 2]);
      const run = async (interrupt: boolean): Promise<number[]> => {
        setSeed(9);
        let model = attentionModel();
        model.compile({ optimizer: 'adam', loss: 'mse' });
        const opts = { batch_size: 4, shuffle: false, verbose: 0 as const, epochs: 2 };
        const first = await model.fit(xs, y, opts);
        if (interrupt) {
          const p = join(dir, `attention.${ext}`);
          await model.save(p);
          const want = await (model.predict(xs) as Tensor).data();
          const warn = vi.spyOn(console, 'warn');
          try {
            const loaded = await loadModel(p);
            expect(warn).not.toHaveBeenCalled();
            expect(loaded.getLayer('att').getConfig()).toEqual(model.getLayer('att').getConfig());
            expect(await (loaded.predict(xs) as Tensor).data()).toEqual(want);
            model = loaded;
          } finally {
            warn.mockRestore();
          }
        }
        const second = await model.fit(xs, y, opts);
        return [...first.history.loss!, ...second.history.loss!];
      };
      expect(await run(true)).toEqual(await run(false));
    });
  }

  it(".keras: the causal mask is Keras 3's call argument use_causal_mask, not a config key", async () => {
    const { readKerasArchive } = await import('../src/keras/keras3.js');
    const model = attentionModel();
    const p = join(dir, 'causal.keras');
    await model.save(p);
    const layers = (readKerasArchive(p).config.config as { layers: { name: string; config: Record<string, unknown>; inbound_nodes: { kwargs: unknown }[] }[] }).layers;
    const att = layers.find((l) => l.name === 'att')!;
    expect(att.config.causal).toBeUndefined();
    expect(att.inbound_nodes.map((n) => n.kwargs)).toEqual([{ use_causal_mask: true }]);
  });

  it('JSON: the layer config survives modelFromJSON(model.toJSON())', () => {
    const model = attentionModel();
    const back = modelFromJSON(model.toJSON());
    expect(back.getLayer('att').getConfig()).toEqual({ name: 'att', trainable: true, dropout: 0, use_scale: true, score_mode: 'concat', causal: true });
  });
});
