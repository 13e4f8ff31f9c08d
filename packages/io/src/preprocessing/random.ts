import { bitsToUnit, philox4x32, seedKey } from '@kerasgpu/kernels';

/**
 * Counter-based draws for augmentation: the value for (sample, slot) depends only on the seed, so
 * a stream is reproducible whatever the batch size, and a GPU kernel can draw the same numbers.
 */
export class Draws {
  private readonly key: [number, number];
  constructor(readonly seed: number) {
    this.key = seedKey(seed);
  }

  /** Uniform in [0, 1) for draw `slot` of sample number `sample`. */
  unit(sample: number, slot: number): number {
    const words = philox4x32(sample >>> 0, (Math.floor(sample / 4294967296) * 65536 + (slot >>> 2)) >>> 0, this.key[0], this.key[1]);
    return bitsToUnit(words[slot & 3]!);
  }

  uniform(sample: number, slot: number, lo: number, hi: number): number {
    return lo + (hi - lo) * this.unit(sample, slot);
  }

  /** A permutation of 0..n-1 (Fisher-Yates), the `round`-th of this stream. */
  permutation(n: number, round: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.unit(round, 1_000_000 + i) * (i + 1));
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }
}
