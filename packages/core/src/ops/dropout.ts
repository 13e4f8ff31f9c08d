import type { Tensor } from '../tensor.js';
import { ShapeError } from '../errors.js';
import { assertFloat, toTensor, type TensorLike } from './convert.js';
import { cast, div, greaterEqual, mul } from './elementwise.js';
import { randomUniform } from './creation.js';
import type { Seed } from '../random.js';

/**
 * Zeroes each element with probability `rate` and scales the rest by 1 / (1 − rate). The mask
 * comes from the seeded Philox stream, so the same seed drops the same elements on every backend.
 * With `noiseShape` (Keras's noise_shape: x's shape with 1 on the axes the mask is shared along),
 * one draw decides for a whole slice, e.g. a whole feature map in SpatialDropout2D.
 */
export function dropout(x: TensorLike, rate: number, seed?: Seed, noiseShape?: readonly number[]): Tensor {
  const t = toTensor('dropout', x);
  assertFloat('dropout', t);
  if (!(rate >= 0 && rate < 1)) throw new ShapeError(`dropout: rate must be in [0, 1), got ${rate}`);
  const shape = noiseShape ?? t.shape;
  if (shape.length !== t.rank || shape.some((d, i) => d !== 1 && d !== t.shape[i])) {
    throw new ShapeError(`dropout: noise shape [${shape.join(', ')}] must be x's shape [${t.shape.join(', ')}] with some dimensions 1`);
  }
  if (rate === 0) return t;
  const keep = cast(greaterEqual(randomUniform(shape, 0, 1, seed, t.dtype), rate), t.dtype);
  return div(mul(t, keep), 1 - rate);
}
