import { reshape, tensor, tidy, toCategorical, type Tensor } from '@kerasgpu/layers';
import { MNIST_CLASSES, MNIST_PIXELS, type DigitSet } from './mnist.js';

/** Digits as model inputs: flat (n, 784) rows, or (n, 28, 28, 1) images (channels last). */
export function digitsX(s: DigitSet, layout: 'flat' | 'image'): Tensor {
  return tidy(() => {
    const x = tensor(s.x, [s.n, MNIST_PIXELS]);
    return layout === 'flat' ? x : reshape(x, [s.n, 28, 28, 1]);
  });
}

/** One-hot targets (n, 10). */
export const digitsY = (s: DigitSet): Tensor => toCategorical(tensor(s.labels, [s.n]), MNIST_CLASSES);
