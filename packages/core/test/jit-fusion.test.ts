import { afterEach, describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';

afterEach(() => { delete process.env.KERASGPU_FUSE; });

/**
 * A step of elementwise chains over [2, 5, 3, 7] (210 elements: not a multiple of 4, so scalar
 * kernels with a strided bias): a bias and sigmoid; a mask through bool and a cast; a value the
 * step returns (its readers cannot absorb it); values two kernels read (each computes them); an
 * int32 intermediate (converted as stored).
 */
function step(x: K.Tensor, b: K.Variable): () => K.Tensor[] {
  return () => K.tidy(() => {
    const s = K.sigmoid(K.add(x, b));
    const mask = K.cast(K.greaterEqual(s, 0.5), 'float32');
    const y = K.mul(K.mul(s, mask), K.exp(K.neg(x)));
    const kept = K.tanh(y);
    const twice = K.square(kept);
    const shared = K.neg(twice);
    const i = K.cast(K.mul(shared, 10), 'int32');
    return [kept, K.add(K.mul(shared, shared), K.cast(i, 'float32'))];
  });
}

async function values(ts: K.Tensor[]): Promise<number[][]> {
  return Promise.all(ts.map(async (t) => Array.from(await t.data())));
}

describe('fusion of a recorded step (webgpu)', () => {
  it('fuses the chains whose intermediates nobody else reads, and replays the numbers of the eager step', async () => {
    await K.setBackend('webgpu');
    const b = K.tidy(() => K.variable(K.randomUniform([7], -1, 1, 4)));
    const batch = (i: number) => K.randomUniform([2, 5, 3, 7], -2, 2, 10 + i);
    const traceWith = (fuse: boolean) => {
      process.env.KERASGPU_FUSE = fuse ? '1' : '0';
      const x = batch(0);
      const t = K.traceStep(step(x, b), [x], [b]);
      K.dispose([...t.outputs, x]);
      if (!t.step) throw new Error(`not replayable: ${t.reason}`);
      return t.step;
    };
    const [plain, fused] = [traceWith(false), traceWith(true)];
    expect(plain.fused).toEqual([]);
    // `kept` is a result: its chain ends there. s and `shared` each feed two kernels: small producers, each reader
    // computes them (their ops appear twice), and they are never stored.
    expect(fused.fused).toEqual(['neg+exp+add+sigmoid+greaterEqual+cast+add+sigmoid+mul+mul+tanh', 'square+neg+mul+cast+cast+square+neg+mul+add']);
    expect(fused.counts.dispatches).toBe(plain.counts.dispatches - 14);
    // add+sigmoid and square+neg are each computed twice, in place of their own 2 dispatches.
    expect(fused.counts.duplicatedOps).toBe(4);
    for (let i = 1; i < 4; i++) {
      const x = batch(i);
      const eager = step(x, b)();
      const want = await values(eager);
      for (const s of [plain, fused]) {
        const outs = s.replay([x], {});
        expect(await values(outs)).toEqual(want);
        K.dispose(outs);
      }
      K.dispose([...eager, x]);
    }
    plain.dispose();
    fused.dispose();
    b.dispose();
    await K.setBackend('cpu');
  });
});
