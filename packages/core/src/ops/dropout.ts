import type { Tensor } from '../tensor.js';
import { ShapeError } from '../errors.js';
import { assertFloat, toTensor, type TensorLike } from './convert.js';
import { cast, div, greaterEqual, mul } from './elementwise.js';
import { randomUniform } from './creation.js';
import type { Seed } from '../random.js';

/**
 * Zeroes each element with probability `rate` and scales the rest by 1 / (1 − rate). The mask
 * comes from the seeded Philox stream, so the same seed drops the same elements on every backend.
 */
export function dropout(x: TensorLike, rate: number, seed?: Seed): Tensor {
  const t = toTensor('dropout', x);
  assertFloat('dropout', t);
  if (!(rate >= 0 && rate < 1)) throw new ShapeError(`dropout: rate must be in [0, 1), got ${rate}`);
  if (rate === 0) return t;
  const keep = cast(greaterEqual(randomUniform(t.shape, 0, 1, seed, t.dtype), rate), t.dtype);
  return div(mul(t, keep), 1 - rate);
}
