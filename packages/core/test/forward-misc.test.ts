import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { tensor, type Tensor } from '@kerasgpu/core';
import { broadcastShapesArb, distinctInputsArb, inputsArb, shapeArb, sizeOf, type Input } from './helpers/arbitraries.js';
import { checkForward } from './helpers/forward-check.js';
import { broadcastMap, stridesOf } from './helpers/reference.js';
import { propertyRuns, useCpuBackend } from './helpers/runs.js';

useCpuBackend();

const f64 = (i: Input) => tensor(i.values, i.shape, 'float64');
const N = 20_000;

async function stats(t: Tensor): Promise<{ values: Float64Array; mean: number; variance: number }> {
  const values = Float64Array.from(await t.data());
  t.dispose();
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { values, mean, variance };
}

/** Runs `check` for generated seeds (as many as the other properties). */
const forSeeds = (check: (seed: number) => Promise<void>) => fc.assert(fc.asyncProperty(fc.nat(), check), { numRuns: propertyRuns() });

describe('seeded random tensors', () => {
  const makers: [string, (seed: number) => Tensor][] = [
    ['randomUniform', (s) => K.randomUniform([7, 5], -1, 2, s)],
    ['randomNormal', (s) => K.randomNormal([7, 5], 1, 3, s)],
    ['truncatedNormal', (s) => K.truncatedNormal([7, 5], 0, 2, s)],
    ['randint', (s) => K.randint(-3, 9, [7, 5], s)],
  ];
  for (const [name, make] of makers) {
    it(`${name}: the same seed gives the same numbers, another seed others`, () =>
      forSeeds(async (seed) => {
        const [a, b, c] = [make(seed), make(seed), make(seed + 1)];
        const [da, db, dc] = await Promise.all([a.data(), b.data(), c.data()]);
        [a, b, c].forEach((t) => t.dispose());
        expect(Array.from(da)).toEqual(Array.from(db));
        expect(Array.from(da)).not.toEqual(Array.from(dc));
      }));
  }

  // Sample means stay within 5 standard errors (a false alarm about once in 3.5 million).
  it('randomUniform lies in [min, max) with mean (min + max) / 2', () =>
    forSeeds(async (seed) => {
      const { values, mean } = await stats(K.randomUniform([N], -2, 3, seed));
      expect(values.every((v) => v >= -2 && v < 3)).toBe(true);
      expect(Math.abs(mean - 0.5)).toBeLessThan((5 * 5) / Math.sqrt(12 * N));
    }));

  it('randomNormal has the given mean and standard deviation', () =>
    forSeeds(async (seed) => {
      const { mean, variance } = await stats(K.randomNormal([N], 1, 3, seed));
      expect(Math.abs(mean - 1)).toBeLessThan((5 * 3) / Math.sqrt(N));
      expect(Math.abs(variance / 9 - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    }));

  it('truncatedNormal stays within two standard deviations', () =>
    forSeeds(async (seed) => {
      const { values, mean, variance } = await stats(K.truncatedNormal([N], 1, 3, seed));
      expect(values.every((v) => Math.abs(v - 1) <= 6 + 1e-5)).toBe(true);
      expect(Math.abs(mean - 1)).toBeLessThan((5 * 3) / Math.sqrt(N));
      // A standard normal cut at ±2 has standard deviation 0.8796.
      expect(Math.sqrt(variance) / 3).toBeCloseTo(0.8796, 1);
    }));

  it('randint draws every integer of [low, high) and nothing else', () =>
    forSeeds(async (seed) => {
      const t = K.randint(-3, 4, [2000], seed);
      expect(t.dtype).toBe('int32');
      const { values, mean } = await stats(t);
      expect(new Set(values)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
      expect(Math.abs(mean)).toBeLessThan((5 * 2) / Math.sqrt(2000));
    }));

  it('randint stays below high far from zero (where float32 rounding once reached it)', () =>
    forSeeds(async (seed) => {
      const { values } = await stats(K.randint(1e6, 1e6 + 3, [N], seed));
      expect(values.every((v) => Number.isInteger(v) && v >= 1e6 && v < 1e6 + 3)).toBe(true);
    }));
});

describe('dropout', () => {
  it('keeps about 1 − rate of the elements, scaled by 1 / (1 − rate), the same ones for the same seed', () =>
    fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(0.1, 0.3, 0.5, 0.8), async (seed, rate) => {
        const x = K.ones([N], 'float64');
        const [a, b] = [K.dropout(x, rate, seed), K.dropout(x, rate, seed)];
        const [da, db] = await Promise.all([a.data(), b.data()]);
        [x, a, b].forEach((t) => t.dispose());
        expect(Array.from(da)).toEqual(Array.from(db));
        const kept = da.filter((v) => v !== 0);
        expect(kept.every((v) => Math.abs(v - 1 / (1 - rate)) < 1e-12)).toBe(true);
        expect(Math.abs(kept.length / N - (1 - rate))).toBeLessThan(5 * Math.sqrt((rate * (1 - rate)) / N));
      }),
      { numRuns: propertyRuns() },
    ));
});

describe('dropout with a noise shape', () => {
  it('one draw per slice: elements along the axes of size 1 are kept or dropped together', () =>
    fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(0.2, 0.5), async (seed, rate) => {
        const x = K.ones([4, 3, 5], 'float64');
        const y = K.dropout(x, rate, seed, [4, 1, 5]);
        const v = await y.data();
        [x, y].forEach((t) => t.dispose());
        for (let b = 0; b < 4; b++) for (let c = 0; c < 5; c++) {
          const column = [0, 1, 2].map((s) => v[b * 15 + s * 5 + c]!);
          expect(new Set(column).size).toBe(1);
          expect([0, 1 / (1 - rate)]).toContain(column[0]);
        }
      }),
      { numRuns: propertyRuns() },
    ));

  it('a noise shape that is not x\'s shape with some dimensions 1 is refused', () => {
    expect(() => K.dropout(K.ones([2, 3]), 0.5, 1, [2, 2])).toThrow(/dropout: noise shape \[2, 2\] must be x's shape \[2, 3\]/);
    expect(() => K.dropout(K.ones([2, 3]), 0.5, 1, [3])).toThrow(/noise shape/);
  });
});

describe('argmax, argmin, oneHot, comparisons', () => {
  const argCases = shapeArb(1, 3).chain((shape) =>
    fc.record({ inputs: distinctInputsArb([shape]), axis: fc.integer({ min: -shape.length, max: shape.length - 1 }) }));
  /** Index of the best value along `axis`, by a loop over the flat array. */
  const argLoop = (x: Input, axis: number, better: (a: number, b: number) => boolean) => {
    const a = axis < 0 ? axis + x.shape.length : axis;
    const st = stridesOf(x.shape);
    const outer = sizeOf(x.shape.slice(0, a)), inner = st[a]!, n = x.shape[a]!;
    const out: number[] = [];
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        let best = 0;
        for (let k = 1; k < n; k++) if (better(x.values[o * n * inner + k * inner + i]!, x.values[o * n * inner + best * inner + i]!)) best = k;
        out.push(best);
      }
    return out;
  };
  checkForward('argMax equals a loop', argCases, ({ inputs: [x], axis }) => K.argMax(f64(x!), axis), ({ inputs: [x], axis }) => argLoop(x!, axis, (p, q) => p > q));
  checkForward('argMin equals a loop', argCases, ({ inputs: [x], axis }) => K.argMin(f64(x!), axis), ({ inputs: [x], axis }) => argLoop(x!, axis, (p, q) => p < q));

  // Indices outside [0, depth) give an all-zero row.
  const oneHotCases = fc.record({ shape: shapeArb(0, 2), depth: fc.integer({ min: 1, max: 5 }) }).chain(({ shape, depth }) =>
    fc.record({ shape: fc.constant(shape), depth: fc.constant(depth), indices: fc.array(fc.integer({ min: -1, max: depth }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }) }));
  checkForward('oneHot', oneHotCases, ({ shape, depth, indices }) => K.oneHot(tensor(indices, shape, 'int32'), depth),
    ({ depth, indices }) => indices.flatMap((i) => Array.from({ length: depth }, (_, k) => (k === i ? 1 : 0))));

  // Small integers make ties common, so equal and the non-strict orders are exercised.
  const comparisonCases = broadcastShapesArb(2).chain((shapes) => inputsArb(shapes, { min: -2, max: 2 }))
    .map((inputs) => ({ inputs: inputs.map((x) => ({ ...x, values: x.values.map(Math.round) })) }));
  const COMPARISONS: [string, (a: Tensor, b: Tensor) => Tensor, (a: number, b: number) => boolean][] = [
    ['equal', K.equal, (a, b) => a === b],
    ['notEqual', K.notEqual, (a, b) => a !== b],
    ['less', K.less, (a, b) => a < b],
    ['lessEqual', K.lessEqual, (a, b) => a <= b],
    ['greater', K.greater, (a, b) => a > b],
    ['greaterEqual', K.greaterEqual, (a, b) => a >= b],
    ['logicalAnd', (a, b) => K.logicalAnd(K.cast(a, 'bool'), K.cast(b, 'bool')), (a, b) => a !== 0 && b !== 0],
    ['logicalOr', (a, b) => K.logicalOr(K.cast(a, 'bool'), K.cast(b, 'bool')), (a, b) => a !== 0 || b !== 0],
  ];
  for (const [name, op, ref] of COMPARISONS) {
    checkForward(`${name} broadcasts and gives bool`, comparisonCases,
      ({ inputs: [a, b] }) => {
        const y = op(f64(a!), f64(b!));
        if (y.dtype !== 'bool') throw new Error(`${name} gave ${y.dtype}`);
        return y;
      },
      ({ inputs: [a, b] }) => broadcastMap(K.broadcastShapes(name, a!.shape, b!.shape), [a!, b!], (p, q) => (ref(p, q) ? 1 : 0)));
  }
});
