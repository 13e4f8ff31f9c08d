import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { DisposedTensorError, DTypeError, ShapeError, tensor } from '@kerasgpu/core';
import { shapeArb } from './helpers/arbitraries.js';
import { expectOpError } from './helpers/errors.js';
import { propertyRuns, useCpuBackend } from './helpers/runs.js';

useCpuBackend();

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

describe('typed errors name the op and the shapes', () => {
  it('incompatible broadcast', () => {
    // Two shapes that differ, both ≥ 2, on one aligned axis.
    const cases = shapeArb(1, 4).chain((a) =>
      fc.record({ a: fc.constant(a), axis: fc.nat(a.length - 1), other: fc.integer({ min: 2, max: 6 }), drop: fc.nat(a.length - 1) }))
      .map(({ a, axis, other, drop }) => {
        const left = a.map((d, i) => (i === axis && d === 1 ? 4 : d));
        const right = left.map((d, i) => (i === axis ? (other === d ? d + 1 : other) : d)).slice(Math.min(drop, axis));
        return { left, right };
      });
    fc.assert(fc.property(cases, ({ left, right }) => {
      for (const [name, op] of [['add', K.add], ['mul', K.mul], ['maximum', K.maximum], ['less', K.less], ['where', (a: K.Tensor, b: K.Tensor) => K.where(true, a, b)]] as const) {
        expectOpError(() => K.tidy(() => op(K.zeros(left), K.zeros(right))), ShapeError, [`${name}:`, fmt(left), fmt(right)]);
      }
    }), { numRuns: propertyRuns() });
  });

  it('matMul inner dimensions', () => {
    expectOpError(() => K.matMul(K.zeros([2, 3]), K.zeros([4, 5])), ShapeError, ['matMul', '[2, 3]', '[4, 5]', '3 vs 4']);
    expectOpError(() => K.matMul(K.zeros([2, 3]), K.zeros([4, 3]), true, true), ShapeError, ['matMul', '[2, 3]', '[4, 3]']);
    expectOpError(() => K.matMul(K.zeros([2, 2, 3]), K.zeros([3, 3, 5])), ShapeError, ['matMul', '[2]', '[3]']);
  });

  it('conv2dTranspose: channels and an output shape that does not convolve back to the input', () => {
    expectOpError(() => K.conv2dTranspose(K.zeros([1, 3, 3, 2]), K.zeros([2, 2, 4, 3]), [1, 4, 4, 4]), ShapeError, ['conv2dTranspose', '[1, 3, 3, 2]', '[2, 2, 4, 3]', '2 channels']);
    expectOpError(() => K.conv2dTranspose(K.zeros([1, 3, 3, 2]), K.zeros([2, 2, 4, 2]), [1, 5, 5, 4]), ShapeError, ['conv2dTranspose', '[1, 5, 5, 4]', '4×4', '3×3']);
    expectOpError(() => K.conv2dTranspose(K.zeros([1, 3, 3, 2]), K.zeros([2, 2, 4, 2]), [1, 4, 4, 3]), ShapeError, ['conv2dTranspose', 'output shape [1, 4, 4, 3]']);
  });

  it('conv2d channel mismatch', () => {
    expectOpError(() => K.conv2d(K.zeros([1, 5, 5, 3]), K.zeros([3, 3, 2, 4])), ShapeError, ['conv2d', '[1, 5, 5, 3]', '[3, 3, 2, 4]', '3 channels']);
    expectOpError(() => K.conv2d(K.zeros([1, 2, 2, 1]), K.zeros([3, 3, 1, 1])), ShapeError, ['conv2d', '[1, 2, 2, 1]']);
  });

  it('wrong dtype', () => {
    const ints = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    expectOpError(() => K.exp(ints), DTypeError, ['exp', 'int32', '[2, 3]']);
    expectOpError(() => K.add(K.zeros([2, 3]), ints), DTypeError, ['add', 'float32 [2, 3]', 'int32 [2, 3]']);
    expectOpError(() => K.matMul(ints, K.reshape(ints, [3, 2])), DTypeError, ['matMul', 'int32', '[2, 3]', '[3, 2]']);
    expectOpError(() => K.conv2d(K.zeros([1, 3, 3, 1]), K.zeros([1, 1, 1, 1], 'float64')), DTypeError, ['conv2d', '[1, 3, 3, 1]', '[1, 1, 1, 1]']);
    expectOpError(() => K.gather(K.zeros([4]), tensor([0.5], [1], 'float32')), DTypeError, ['gather', 'float32', '[1]']);
    expectOpError(() => K.where(K.zeros([2]), K.zeros([2]), K.zeros([2])), DTypeError, ['where', 'float32', '[2]']);
    ints.dispose();
  });

  it('disposed tensor, named by the op that wanted it', async () => {
    const x = K.ones([2, 3]);
    x.dispose();
    for (const [op, use] of [['add', () => K.add(x, 1)], ['matMul', () => K.matMul(x, K.ones([3, 2]))], ['reshape', () => K.reshape(x, [6])], ['conv2d', () => K.conv2d(x, x)]] as const) {
      expectOpError(use, DisposedTensorError, [`${op}:`, '[2, 3]', 'disposed']);
    }
    let thrown: unknown;
    await x.data().catch((e: unknown) => { thrown = e; });
    expectOpError(() => { throw thrown; }, DisposedTensorError, ['data:', '[2, 3]']);

    // A tensor that escaped its tidy scope without being returned is disposed with it.
    let escaped!: K.Tensor;
    K.tidy(() => { escaped = K.ones([5]); });
    expectOpError(() => K.exp(escaped), DisposedTensorError, ['exp:', '[5]']);
  });
});
