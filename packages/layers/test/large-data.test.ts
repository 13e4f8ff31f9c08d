import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, Dense, memory, Sequential, setSeed, type Tensor } from '@kerasgpu/layers';
import { useBackend } from './helpers.js';

beforeAll(useBackend);

/** Deterministic pseudo-random floats without holding a second copy (an LCG is enough for data). */
function fill(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

describe('data larger than one GPU storage binding', () => {
  it('fit / evaluate / predict on 60,000 x 784 float32 (188 MB) upload a batch at a time', async () => {
    setSeed(1);
    const n = 60_000, d = 784;
    const x = { data: fill(n * d, 7), shape: [n, d] };
    // Labels from a fixed linear rule, so the model can learn something.
    const y = { data: new Float32Array(n * 2), shape: [n, 2] };
    for (let i = 0; i < n; i++) {
      y.data[i * 2 + (x.data[i * d]! > 0.5 ? 1 : 0)] = 1;
    }
    const m = Sequential([Dense(2, { input_dim: d, activation: 'softmax' })]);
    m.compile({ optimizer: Adam({ lr: 0.02 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const before = memory();
    const h = await m.fit(x, y, { batch_size: 3000, nb_epoch: 2, verbose: 0, validation_split: 0.1 });
    const [loss, acc] = await m.evaluate(x, y, { batch_size: 6000, verbose: 0 }) as number[];
    const p = await m.predict(x, { batch_size: 6000 }) as Tensor;
    expect(p.shape).toEqual([n, 2]);
    p.dispose();
    expect(Number.isFinite(loss)).toBe(true);
    expect(h.history.val_loss!.length).toBe(2);
    expect(acc).toBeGreaterThan(0.55);
    // No whole-array tensor was made: live bytes stay far below the data's 188 MB.
    expect(memory().numBytes - before.numBytes).toBeLessThan(1e6);
    m.dispose();
  });
});
