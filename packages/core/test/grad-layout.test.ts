import fc from 'fast-check';
import { describe } from 'vitest';
import * as K from '@kerasgpu/core';
import { tensor } from '@kerasgpu/core';
import { dimArb, inputArb, inputsArb, shapeArb, SMOOTH, sizeOf, type Input } from './helpers/arbitraries.js';
import { checkGrad } from './helpers/grad-check.js';
import { useCpuBackend } from './helpers/runs.js';

useCpuBackend();

const one = (shape: number[]) => inputArb(shape, SMOOTH).map((x) => [x]);
const axisOf = (rank: number) => fc.integer({ min: -rank, max: rank - 1 });
/** Positive integers summing to n (a composition), for split sizes. */
const compositionOf = (n: number): fc.Arbitrary<number[]> =>
  n === 1 ? fc.constant([1]) : fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: n - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), n];
    return points.slice(1).map((p, i) => p - points[i]!);
  });

describe('layout ops', () => {
  // The same dims reordered, with 1s inserted, two neighbours possibly merged and one possibly -1.
  const reshapeCases = shapeArb(0, 4).chain((shape) =>
    fc.record({
      inputs: one(shape),
      target: fc.shuffledSubarray([...shape, 1, 1], { minLength: shape.length, maxLength: shape.length + 2 })
        .filter((t) => sizeOf(t) === sizeOf(shape))
        .chain((t) => fc.tuple(fc.constant(t), fc.option(fc.nat(Math.max(0, t.length - 2)), { nil: undefined }), fc.option(fc.nat(), { nil: undefined })))
        .map(([t, merge, wildcard]) => {
          const merged = merge === undefined || t.length < 2 ? t : [...t.slice(0, merge), t[merge]! * t[merge + 1]!, ...t.slice(merge + 2)];
          return wildcard === undefined || !merged.length ? merged : merged.map((d, j) => (j === wildcard % merged.length ? -1 : d));
        }),
    }),
  );
  checkGrad('reshape', reshapeCases, ({ target }) => (x) => K.reshape(x, target));

  const transposeCases = shapeArb(0, 4).chain((shape) =>
    fc.record({
      inputs: one(shape),
      perm: fc.option(fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length }), { nil: undefined }),
    }),
  );
  checkGrad('transpose', transposeCases, ({ perm }) => (x) => K.transpose(x, perm));

  const sliceCases = shapeArb(1, 4).chain((shape) =>
    fc.record({
      inputs: one(shape),
      window: fc.tuple(...shape.map((d) => fc.integer({ min: 0, max: d - 1 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: -1, max: d - b }))))),
    }),
  );
  checkGrad('slice', sliceCases, ({ window }) => (x) => K.slice(x, window.map(([b]) => b), window.map(([, s]) => s)));

  const concatCases = shapeArb(1, 3).chain((shape) =>
    fc.tuple(fc.nat(shape.length - 1), fc.array(dimArb, { minLength: 1, maxLength: 3 })).chain(([axis, sizes]) =>
      fc.record({ inputs: inputsArb(sizes.map((d) => shape.map((s, i) => (i === axis ? d : s))), SMOOTH), axis: fc.constant(axis) }),
    ),
  );
  checkGrad('concat', concatCases, ({ axis }) => (...xs) => K.concat(xs, axis));

  const stackCases = shapeArb(0, 3).chain((shape) =>
    fc.record({ inputs: fc.integer({ min: 1, max: 3 }).chain((n) => inputsArb(new Array<number[]>(n).fill(shape), SMOOTH)), axis: axisOf(shape.length + 1) }),
  );
  checkGrad('stack', stackCases, ({ axis }) => (...xs) => K.stack(xs, axis));

  const splitCases = shapeArb(1, 3).chain((shape) =>
    fc.nat(shape.length - 1).chain((axis) =>
      fc.record({
        inputs: one(shape),
        axis: fc.constant(axis),
        sizes: fc.oneof(compositionOf(shape[axis]!), fc.constantFrom(...[1, 2, 3, 5].filter((p) => shape[axis]! % p === 0))),
      }),
    ),
  );
  checkGrad('split', splitCases, ({ axis, sizes }) => (x) => K.split(x, sizes, axis));

  const padCases = shapeArb(0, 3).chain((shape) =>
    fc.record({
      inputs: one(shape),
      paddings: fc.tuple(...shape.map(() => fc.tuple(fc.nat(2), fc.nat(2)))),
      value: fc.double({ min: -1, max: 1, noNaN: true }),
    }),
  );
  checkGrad('pad', padCases, ({ paddings, value }) => (x) => K.pad(x, paddings, value));

  const tileCases = shapeArb(0, 3).chain((shape) => fc.record({ inputs: one(shape), reps: fc.tuple(...shape.map(() => fc.integer({ min: 1, max: 3 }))) }));
  checkGrad('tile', tileCases, ({ reps }) => (x) => K.tile(x, reps));

  // Repeated indices make the VJP (scatterAdd) accumulate.
  const gatherIndices = shapeArb(1, 3).chain((xShape) =>
    fc.nat(xShape.length - 1).chain((axis) =>
      fc.record({
        xShape: fc.constant(xShape),
        axis: fc.constant(axis),
        indices: shapeArb(0, 2).chain((s) =>
          fc.array(fc.nat(xShape[axis]! - 1), { minLength: sizeOf(s), maxLength: sizeOf(s) }).map((values) => ({ shape: s, values }))),
      }),
    ),
  );
  const indicesOf = (c: { indices: Input }) => tensor(c.indices.values, c.indices.shape, 'int32');
  checkGrad('gather', gatherIndices.chain((c) => one(c.xShape).map((inputs) => ({ ...c, inputs }))), (c) => (x) => K.gather(x, indicesOf(c), c.axis));
  const scatterCases = gatherIndices.chain((c) =>
    one([...c.xShape.slice(0, c.axis), ...c.indices.shape, ...c.xShape.slice(c.axis + 1)]).map((inputs) => ({ ...c, inputs })));
  checkGrad('scatterAdd (the VJP of gather)', scatterCases, (c) => (u) => K.scatterAdd(u, indicesOf(c), c.xShape, c.axis));

  const expandCases = shapeArb(0, 3).chain((shape) => fc.record({ inputs: one(shape), axis: axisOf(shape.length + 1) }));
  checkGrad('expandDims', expandCases, ({ axis }) => (x) => K.expandDims(x, axis));

  const squeezeCases = fc.array(fc.constantFrom(1, 1, 2, 3), { maxLength: 4 }).chain((shape) =>
    fc.record({
      inputs: one(shape),
      axis: fc.option(fc.subarray(shape.flatMap((d, i) => (d === 1 ? [i] : []))), { nil: undefined }),
    }),
  );
  checkGrad('squeeze', squeezeCases, ({ axis }) => (x) => K.squeeze(x, axis));
});
