import { philox4x32, standardDraw, type PhiloxKey } from '@kerasgpu/kernels';
import { engine } from './engine.js';

/**
 * The library's one random generator: Philox4x32-10 keys in the manner of JAX's PRNG keys. A key
 * is a value (drawing from it changes nothing); `splitKey` and `foldIn` derive independent keys
 * from it. Every draw, on any backend or on the host, is a pure function of (key, element index),
 * so the same seed gives the same weights, dropout masks, shuffles and augmentations everywhere.
 */
export type RandomKey = PhiloxKey;
/** What random ops take: a user's integer seed, or a key. */
export type Seed = number | RandomKey;

// Counter word 1 says what a Philox block is for: draws use rounds 0..15 (random.cpu.ts), key
// derivation the top two values, so a derived key never reuses a block a draw reads.
const SPLIT = 0xffffffff;
const FOLD = 0xfffffffe;

/** The key of a seed: an integer's low and high 32 bits (a key passes through). */
export function randomKey(seed: Seed): RandomKey {
  if (typeof seed !== 'number') return seed;
  const s = Math.floor(Math.abs(seed));
  return [s >>> 0, Math.floor(s / 4294967296) >>> 0];
}

/** `n` independent subkeys of `key` (JAX's random.split). */
export function splitKey(key: RandomKey, n = 2): RandomKey[] {
  return Array.from({ length: n }, (_, i) => {
    const w = philox4x32(i, SPLIT, key[0], key[1]);
    return [w[0], w[1]] as const;
  });
}

/** A key for item `data` (a uint32) of `key`'s family, e.g. sample k of a stream (JAX's fold_in). */
export function foldIn(key: RandomKey, data: number): RandomKey {
  const w = philox4x32(data, FOLD, key[0], key[1]);
  return [w[0], w[1]];
}

const DEFAULT_SEED = 0x5eed;
let globalKey = randomKey(DEFAULT_SEED);

/**
 * Seeds every draw that is given no seed (weight initialisation, dropout and noise masks, fit's
 * shuffling, augmentation), so one seed reproduces a whole run on any backend.
 */
export function setSeed(seed: number): void {
  globalKey = randomKey(seed);
}

/** A fresh key for a draw that was given no seed: splits the global key and moves it on. */
export function nextKey(): RandomKey {
  const [next, sub] = splitKey(globalKey);
  globalKey = next!;
  // A traced step notes its draws: a replay draws as many keys, in the same order.
  engine.tracer?.keys.push(sub!);
  return sub!;
}

/** Element i of randomUniform(shape, 0, 1, key): the bits the cpu and webgpu kernels draw. */
export const uniformAt = (key: RandomKey, i: number): number => standardDraw('uniform', i, key);
/** Element i of randomNormal(shape, 0, 1, key). */
export const normalAt = (key: RandomKey, i: number): number => standardDraw('normal', i, key);

/** Host-side draws from one key, one element index after another (no tensor round trip). */
export class RandomStream {
  private i = 0;
  readonly key: RandomKey;
  constructor(seed: Seed = nextKey()) {
    this.key = randomKey(seed);
  }
  uniform(): number {
    return uniformAt(this.key, this.i++);
  }
  normal(): number {
    return normalAt(this.key, this.i++);
  }
}

/** A uniform random permutation of 0..n-1: Fisher–Yates on full 32-bit words, so large n stays unbiased. */
export function permutation(n: number, seed: Seed = nextKey()): number[] {
  const [k0, k1] = randomKey(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((philox4x32(i, 0, k0, k1)[0] / 4294967296) * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}
