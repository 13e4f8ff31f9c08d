import { zerosLike } from './ops/creation.js';
import type { Tensor } from './tensor.js';

/**
 * The zeros back-propagation passes a VJP for an output no gradient reached. A VJP may ask
 * whether its cotangent is one (`isUnusedOutput`): known zeros, which its kernel need not read.
 */
const unused = new WeakSet<Tensor>();

export function unusedOutputGradient(output: Tensor): Tensor {
  const z = zerosLike(output);
  unused.add(z);
  return z;
}

export const isUnusedOutput = (dy: Tensor): boolean => unused.has(dy);
