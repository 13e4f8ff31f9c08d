import { foldIn, permutation, randomKey, splitKey, uniformAt, type RandomKey, type Seed } from '@kerasgpu/core';

/**
 * Augmentation draws addressed by (sample, slot): sample k's key is folded from the stream's key,
 * so a stream is reproducible whatever the batch size. Shuffles use a separate subkey, so turning
 * shuffling on or off leaves the transforms unchanged.
 */
export class Draws {
  private readonly transforms: RandomKey;
  private readonly shuffles: RandomKey;
  constructor(seed: Seed) {
    [this.transforms, this.shuffles] = splitKey(randomKey(seed)) as [RandomKey, RandomKey];
  }

  /** Uniform in [0, 1) for draw `slot` of sample number `sample`. */
  unit(sample: number, slot: number): number {
    return uniformAt(foldIn(this.transforms, sample), slot);
  }

  uniform(sample: number, slot: number, lo: number, hi: number): number {
    return lo + (hi - lo) * this.unit(sample, slot);
  }

  /** A permutation of 0..n-1, the `round`-th of this stream. */
  permutation(n: number, round: number): number[] {
    return permutation(n, foldIn(this.shuffles, round));
  }
}
