import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { propertyRuns, useCpuBackend } from './helpers/runs.js';

useCpuBackend();

const keyArb = fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })).map(([a, b]): K.RandomKey => [a, b]);
const forKeys = (check: (key: K.RandomKey) => void | Promise<void>) => fc.assert(fc.asyncProperty(keyArb, async (k) => check(k)), { numRuns: propertyRuns() });

describe('random keys', () => {
  it('a seed is its low and high 32-bit words; a key passes through', () => {
    expect(K.randomKey(5)).toEqual([5, 0]);
    expect(K.randomKey(2 ** 32 + 7)).toEqual([7, 1]);
    const key: K.RandomKey = [1, 2];
    expect(K.randomKey(key)).toBe(key);
  });

  it('splitKey and foldIn are deterministic and give keys distinct from each other and the parent', () =>
    forKeys((key) => {
      const subs = K.splitKey(key, 4);
      expect(K.splitKey(key, 4)).toEqual(subs);
      const folded = [0, 1, 2].map((d) => K.foldIn(key, d));
      expect(K.foldIn(key, 1)).toEqual(folded[1]);
      const all = [key, ...subs, ...folded].map((k) => k.join(':'));
      expect(new Set(all).size).toBe(all.length);
    }));

  it('setSeed replays the keys (and so the draws) that calls without a seed get', async () => {
    const run = async () => {
      K.setSeed(42);
      const keys = [K.nextKey(), K.nextKey()];
      const t = K.randomUniform([16]);
      const v = Array.from(await t.data());
      t.dispose();
      return { keys, v };
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a.keys[0]).not.toEqual(a.keys[1]);
    K.setSeed(43);
    expect(K.nextKey()).not.toEqual(a.keys[0]);
  });
});

describe('host draws', () => {
  it('uniformAt / normalAt and a RandomStream give the tensor elements of the same key', () =>
    forKeys(async (key) => {
      const [u, z] = [K.randomUniform([50], 0, 1, key, 'float64'), K.randomNormal([50], 0, 1, key, 'float64')];
      const [du, dz] = await Promise.all([u.data(), z.data()]);
      K.dispose([u, z]);
      expect(Array.from({ length: 50 }, (_, i) => K.uniformAt(key, i))).toEqual(Array.from(du));
      expect(Array.from({ length: 50 }, (_, i) => K.normalAt(key, i))).toEqual(Array.from(dz));
      const s = new K.RandomStream(key);
      expect([s.uniform(), s.normal(), s.uniform()]).toEqual([du[0], dz[1], du[2]]);
    }));

  it('permutation is a permutation of 0..n-1 that depends only on the seed', () =>
    forKeys((key) => {
      const p = K.permutation(1000, key);
      expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      expect(K.permutation(1000, key)).toEqual(p);
      expect(K.permutation(1000, K.foldIn(key, 0))).not.toEqual(p);
    }));

  it('permutation puts each element at each position about equally often', () => {
    const n = 5, runs = 20_000;
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let r = 0; r < runs; r++) K.permutation(n, r).forEach((v, pos) => counts[v]![pos]!++);
    // Binomial(runs, 1/n): 5 standard errors (a false alarm about once in 3.5 million per cell).
    const se = Math.sqrt((runs * (n - 1)) / n ** 2);
    for (const row of counts) for (const c of row) expect(Math.abs(c - runs / n)).toBeLessThan(5 * se);
  });
});
