import { bitsToUnit, philox4x32, seedKey } from './philox.js';
import type { DataArray } from '../types.js';

export type Distribution = 'uniform' | 'normal' | 'truncatedNormal';
export interface RandomAttrs { dist: Distribution; seed: number; a: number; b: number }

/** Truncated normal re-draws values beyond 2 standard deviations, at most this many rounds. */
export const TRUNCATED_ROUNDS = 16;

/**
 * out[i] from counter (i, round) of Philox. uniform: a + (b - a)·u; normal / truncatedNormal:
 * mean a, stddev b, by Box–Muller on the first two words.
 */
export function randomCpu(attrs: RandomAttrs, out: DataArray): void {
  const [k0, k1] = seedKey(attrs.seed);
  for (let i = 0; i < out.length; i++) {
    if (attrs.dist === 'uniform') {
      out[i] = attrs.a + (attrs.b - attrs.a) * bitsToUnit(philox4x32(i, 0, k0, k1)[0]);
      continue;
    }
    let z = 0;
    for (let round = 0; round < TRUNCATED_ROUNDS; round++) {
      const r = philox4x32(i, round, k0, k1);
      z = boxMuller(r[0], r[1]);
      if (attrs.dist === 'normal' || Math.abs(z) <= 2) break;
    }
    if (attrs.dist === 'truncatedNormal') z = Math.max(-2, Math.min(2, z));
    out[i] = attrs.a + attrs.b * z;
  }
}

export function boxMuller(bits0: number, bits1: number): number {
  const u1 = bitsToUnit(bits0) + 1 / 16777216; // (0, 1]: log stays finite
  const u2 = bitsToUnit(bits1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
