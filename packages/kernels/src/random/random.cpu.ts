import { bitsToUnit, philox4x32, type PhiloxKey } from './philox.js';
import type { DataArray } from '../types.js';

export type Distribution = 'uniform' | 'normal' | 'truncatedNormal';
export interface RandomAttrs { dist: Distribution; key: PhiloxKey; a: number; b: number }

/** Truncated normal re-draws values beyond 2 standard deviations, at most this many rounds. */
export const TRUNCATED_ROUNDS = 16;

/**
 * Element i of a standard draw from counter (i, round) of Philox: u in [0, 1) for uniform, z with
 * mean 0 and stddev 1 (by Box–Muller on the first two words) for normal / truncatedNormal. Core's
 * host-side streams call this too, so a host draw equals the tensor element with the same key.
 */
export function standardDraw(dist: Distribution, i: number, [k0, k1]: PhiloxKey): number {
  if (dist === 'uniform') return bitsToUnit(philox4x32(i, 0, k0, k1)[0]);
  let z = 0;
  for (let round = 0; round < TRUNCATED_ROUNDS; round++) {
    const r = philox4x32(i, round, k0, k1);
    z = boxMuller(r[0], r[1]);
    if (dist === 'normal' || Math.abs(z) <= 2) break;
  }
  return dist === 'truncatedNormal' ? Math.max(-2, Math.min(2, z)) : z;
}

/** uniform: a + (b - a)·u; normal / truncatedNormal: mean a, stddev b. */
export function randomCpu(attrs: RandomAttrs, out: DataArray): void {
  const { dist, key, a, b } = attrs;
  for (let i = 0; i < out.length; i++) {
    const s = standardDraw(dist, i, key);
    out[i] = dist === 'uniform' ? a + (b - a) * s : a + b * s;
  }
}

export function boxMuller(bits0: number, bits1: number): number {
  const u1 = bitsToUnit(bits0) + 1 / 16777216; // (0, 1]: log stays finite
  const u2 = bitsToUnit(bits1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
