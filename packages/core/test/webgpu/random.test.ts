import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { edgeSize, expectSameOnBackends, gpuBackend, PROPERTY_RUNS } from './harness.js';

/** Seeds beyond 32 bits use the second Philox key word. */
const seedArb = fc.oneof(fc.nat(), fc.integer({ min: 2 ** 32, max: Number.MAX_SAFE_INTEGER }));
const shapeArb = fc.array(edgeSize(), { maxLength: 2 });

describe('webgpu Philox random vs cpu', () => {
  it('uniform [0, 1): bit-for-bit the cpu values', async () => {
    await fc.assert(fc.asyncProperty(shapeArb, seedArb, async (shape, seed) => {
      await expectSameOnBackends([], () => K.randomUniform(shape, 0, 1, seed), { atol: 0, rtol: 0 });
    }), { numRuns: PROPERTY_RUNS });
  });
  it('uniform [a, b) and randint: f32 arithmetic of the same bits', async () => {
    await fc.assert(fc.asyncProperty(shapeArb, seedArb, fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 50 }), async (shape, seed, a, w) => {
      await expectSameOnBackends([], () => [K.randomUniform(shape, a, a + w, seed), K.randint(a, a + w, shape, seed)], { atol: 1e-5 * (Math.abs(a) + w), rtol: 0 });
    }), { numRuns: PROPERTY_RUNS });
  });
  it('normal and truncatedNormal: the same Box-Muller draws within f32 tolerance', async () => {
    await fc.assert(fc.asyncProperty(shapeArb, seedArb, async (shape, seed) => {
      await expectSameOnBackends([], () => [K.randomNormal(shape, 1, 2, seed), K.truncatedNormal(shape, -1, 0.5, seed)], { atol: 1e-4, rtol: 1e-5 });
    }), { numRuns: PROPERTY_RUNS });
  });
  it('truncatedNormal stays within two standard deviations on the gpu', async () => {
    await gpuBackend();
    const v = await K.truncatedNormal([10000], 0, 1, 11).data();
    expect(Math.max(...v)).toBeLessThanOrEqual(2);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
  });
});
