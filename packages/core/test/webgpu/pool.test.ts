import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { windowAxis, type Padding } from '@kerasgpu/kernels';
import { checkKernel, edgeSize, hostTensor, type HostTensor } from './harness.js';

interface PoolCase { x: [number, number, number, number]; pool: [number, number]; strides: [number, number]; padding: Padding }

const pair = (max: number) => fc.tuple(fc.integer({ min: 1, max }), fc.integer({ min: 1, max }));

/** NHWC inputs with odd, prime and 1 sizes; pools and strides 1–3; only non-empty outputs. */
const poolCase: fc.Arbitrary<PoolCase> = fc
  .record({
    x: fc.tuple(fc.integer({ min: 1, max: 2 }), edgeSize(17), edgeSize(17), edgeSize(17)),
    pool: pair(3),
    strides: pair(3),
    padding: fc.constantFrom<Padding>('valid', 'same', 'full'),
  })
  .filter((c) => [0, 1].every((a) => windowAxis(c.x[a + 1]!, c.pool[a]!, c.strides[a]!, 1, c.padding).out > 0));

/** Channels a multiple of 4 (vec4 loads) or not (scalar). */
const vecOrScalarChannels = (c: PoolCase): fc.Arbitrary<PoolCase> =>
  fc.oneof(fc.integer({ min: 1, max: 5 }).map((k) => 4 * k), edgeSize(7)).map((ch): PoolCase => ({ ...c, x: [c.x[0], c.x[1], c.x[2], ch] }));

/** Windows that share no cell (stride ≥ pool): the window-scatter max backward, with and without gaps, vec4 or scalar channels. */
const disjointCase: fc.Arbitrary<PoolCase> = poolCase.chain((c) =>
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 })).map(([eh, ew]): PoolCase => ({ ...c, strides: [c.pool[0] + eh, c.pool[1] + ew] })))
  .filter((c) => [0, 1].every((a) => windowAxis(c.x[a + 1]!, c.pool[a]!, c.strides[a]!, 1, c.padding).out > 0))
  .chain(vecOrScalarChannels);

/**
 * Forward variants: vec4 or scalar channels, rows whose output width is below, at and past the
 * columns per invocation, 'same' padding with partial windows.
 */
const forwardCase: fc.Arbitrary<PoolCase> = poolCase.chain(vecOrScalarChannels);

/** Some cells NaN or zero (ties): max keeps the first real cell unless a later one is strictly greater. */
const withSpecials = (h: HostTensor): fc.Arbitrary<HostTensor> =>
  fc.array(fc.constantFrom(NaN, 0, -0, null, null, null, null, null), { minLength: h.data.length, maxLength: h.data.length })
    .map((specials) => ({ ...h, data: h.data.map((v, k) => specials[k] ?? v) }));

const outShape = (c: PoolCase): number[] => {
  const axis = (a: 0 | 1) => windowAxis(c.x[a + 1]!, c.pool[a], c.strides[a], 1, c.padding).out;
  return [c.x[0], axis(0), axis(1), c.x[3]];
};

/** Values rounded to halves so windows often hold ties (the max gradient must pick the first). */
const withTies = (h: HostTensor): HostTensor => ({ ...h, data: h.data.map((v) => Math.round(v * 2) / 2) });

const input = (c: PoolCase) => fc.tuple(fc.constant(c), fc.boolean(), hostTensor(c.x, 3), hostTensor(outShape(c), 3));
const inputs = ([, ties, x, dy]: [PoolCase, boolean, HostTensor, HostTensor]) => [ties ? withTies(x) : x, dy];
// Average terms are divided by up to 9 cells and summed over up to 9 windows.
const tol = () => ({ atol: 1e-5, rtol: 1e-5 });

describe('webgpu pooling vs cpu', () => {
  for (const op of ['maxPool2d', 'avgPool2d'] as const) {
    it(`${op} forward and gradient`, async () => {
      await checkKernel(poolCase.chain(input), inputs, ([c]) => (x, dy) => {
        const f = (t: K.Tensor) => K[op](t, c.pool, { strides: c.strides, padding: c.padding });
        return [f(x!), ...K.grads(f)([x!], dy)];
      }, tol);
    });
  }

  for (const op of ['maxPool2d', 'avgPool2d'] as const) {
    it(`${op} forward: vec4 and scalar channels, column blocks, NaN and ties`, async () => {
      await checkKernel(forwardCase.chain((c) => fc.tuple(fc.constant(c), hostTensor(c.x, 3).chain(withSpecials))), ([, x]) => [x], ([c]) => (x) =>
        K[op](x!, c.pool, { strides: c.strides, padding: c.padding }), tol);
    });
  }

  it('maxPool2d gradient with disjoint windows (stride ≥ pool), NaN and ties', async () => {
    const withNaN = (c: PoolCase) => input(c).chain(([k, ties, x, dy]) => fc.tuple(fc.constant(k), fc.constant(ties), withSpecials(x), fc.constant(dy)));
    await checkKernel(disjointCase.chain(withNaN), inputs, ([c]) => (x, dy) => {
      const f = (t: K.Tensor) => K.maxPool2d(t, c.pool, { strides: c.strides, padding: c.padding });
      return K.grads(f)([x!], dy);
    }, tol);
  });

});
