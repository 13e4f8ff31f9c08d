import { allocArray, sizeOf, type DType, type Distribution } from '@kerasgpu/kernels';
import { engine } from '../engine.js';
import { ShapeError } from '../errors.js';
import { nextKey, randomKey, type Seed } from '../random.js';
import type { Tensor } from '../tensor.js';
import { run1, type Vjp } from './run.js';

export function fill(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ShapeError(`fill: invalid shape [${shape.join(', ')}]`);
  const a = allocArray(dtype, sizeOf(shape));
  a.fill(value);
  return engine.fromValues(a, shape, dtype);
}
export const zeros = (shape: readonly number[], dtype: DType = 'float32') => fill(shape, 0, dtype);
export const ones = (shape: readonly number[], dtype: DType = 'float32') => fill(shape, 1, dtype);
export const zerosLike = (x: Tensor) => fill(x.shape, 0, x.dtype);
export const onesLike = (x: Tensor) => fill(x.shape, 1, x.dtype);

export function eye(n: number, m = n, dtype: DType = 'float32'): Tensor {
  const a = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) a[i * m + i] = 1;
  return engine.fromValues(a, [n, m], dtype);
}

/** [start, start + step, ...) up to stop (exclusive). */
export function range(start: number, stop: number, step = 1, dtype: DType = 'float32'): Tensor {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const a = allocArray(dtype, n);
  for (let i = 0; i < n; i++) a[i] = start + i * step;
  return engine.fromValues(a, [n], dtype);
}

// ---- seeded random tensors (Philox, identical on every backend) ----

function random(op: string, dist: Distribution, shape: readonly number[], a: number, b: number, seed: Seed | undefined, dtype: DType): Tensor {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ShapeError(`${op}: invalid shape [${shape.join(', ')}]`);
  return run1(op, 'random', {}, { dist, key: randomKey(seed ?? nextKey()), a, b }, shape, dtype);
}
export const randomVjp: Vjp<'random'> = () => ({});

export const randomUniform = (shape: readonly number[], min = 0, max = 1, seed?: Seed, dtype: DType = 'float32') =>
  random('randomUniform', 'uniform', shape, min, max, seed, dtype);
export const randomNormal = (shape: readonly number[], mean = 0, stddev = 1, seed?: Seed, dtype: DType = 'float32') =>
  random('randomNormal', 'normal', shape, mean, stddev, seed, dtype);
/** Normal, re-drawn beyond two standard deviations (Keras/TensorFlow's truncated_normal). */
export const truncatedNormal = (shape: readonly number[], mean = 0, stddev = 1, seed?: Seed, dtype: DType = 'float32') =>
  random('truncatedNormal', 'truncatedNormal', shape, mean, stddev, seed, dtype);

/** Integers uniform in [low, high). */
export function randint(low: number, high: number, shape: readonly number[], seed?: Seed): Tensor {
  // Draw floor(u) for u in [0, high − low) and add low in int32: a float32 u offset by a large
  // low would round up to high.
  return engine.tidy(() => {
    const u = random('randint', 'uniform', shape, 0, high - low, seed, 'float32');
    const f = run1('randint', 'unary', { x: u }, { op: 'floor' }, shape, 'float32');
    const i = run1('randint', 'cast', { x: f }, { dtype: 'int32' }, shape, 'int32');
    return run1('randint', 'binary', { a: i, b: engine.fromValues(Int32Array.of(low), [], 'int32') }, { op: 'add' }, shape, 'int32');
  });
}
