import { nextSeed, setRandomSeed } from '@kerasgpu/core';

/**
 * Seeds every random draw that gets no explicit seed (weight initialisation, dropout masks,
 * shuffling), so the same seed gives the same weights and the same loss curve on a backend.
 */
export function setSeed(seed: number): void {
  setRandomSeed(seed);
  shuffleState = seed >>> 0 || 1;
}

let shuffleState = 0x9e3779b9;
/** Host-side xorshift for epoch permutations (no tensor round trip). */
function nextUint(): number {
  shuffleState ^= shuffleState << 13;
  shuffleState ^= shuffleState >>> 17;
  shuffleState ^= shuffleState << 5;
  return (shuffleState >>>= 0);
}

export function permutation(n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = nextUint() % (i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

export { nextSeed };
