import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { tensor, type Tensor } from '@kerasgpu/core';
import {
  AWAY_FROM_ZERO, broadcastShapesArb, casesOf, distinctInputsArb, inputsArb, POSITIVE, SMOOTH, sizeOf, type Dist,
} from './helpers/arbitraries.js';
import { checkGrad } from './helpers/grad-check.js';
import { useCpuBackend } from './helpers/runs.js';

useCpuBackend();

const unaryShapes = broadcastShapesArb(1);
const binaryShapes = broadcastShapesArb(2);

/** Each unary op with the values its derivative is smooth on. */
const UNARY: [name: string, fn: (x: Tensor) => Tensor, dist: Dist][] = [
  ['neg', K.neg, SMOOTH],
  ['exp', K.exp, SMOOTH],
  ['log', K.log, POSITIVE],
  ['log1p', K.log1p, { min: -0.8, max: 3 }],
  ['sqrt', K.sqrt, POSITIVE],
  ['square', K.square, SMOOTH],
  ['reciprocal', K.reciprocal, { ...AWAY_FROM_ZERO, margin: 0.2 }],
  ['abs', K.abs, AWAY_FROM_ZERO],
  ['sign', K.sign, AWAY_FROM_ZERO],
  ['relu', K.relu, AWAY_FROM_ZERO],
  ['elu', K.elu, AWAY_FROM_ZERO],
  ['selu', K.selu, AWAY_FROM_ZERO],
  ['softplus', K.softplus, SMOOTH],
  ['softsign', K.softsign, AWAY_FROM_ZERO],
  ['sigmoid', K.sigmoid, SMOOTH],
  ['hardSigmoid', K.hardSigmoid, { min: -4, max: 4, avoid: [-2.5, 2.5] }],
  ['tanh', K.tanh, SMOOTH],
  ['linear', K.linear, SMOOTH],
  ['swish', (x) => K.unary('swish', x), SMOOTH],
];

const BINARY: [name: string, fn: (a: Tensor, b: Tensor) => Tensor, dists: [Dist, Dist]][] = [
  ['add', K.add, [SMOOTH, SMOOTH]],
  ['sub', K.sub, [SMOOTH, SMOOTH]],
  ['mul', K.mul, [SMOOTH, SMOOTH]],
  ['div', K.div, [SMOOTH, { ...AWAY_FROM_ZERO, margin: 0.3 }]],
  ['pow', K.pow, [POSITIVE, SMOOTH]],
];

describe('unary ops', () => {
  for (const [name, fn, dist] of UNARY) checkGrad(name, casesOf(unaryShapes, dist), () => fn);
});

describe('binary ops (broadcasting)', () => {
  for (const [name, fn, dists] of BINARY) checkGrad(name, casesOf(binaryShapes, dists), () => fn);
  // Ties switch the branch, so both operands draw from one set of well-separated values.
  const separated = binaryShapes.chain(distinctInputsArb).map((inputs) => ({ inputs }));
  checkGrad('maximum', separated, () => K.maximum);
  checkGrad('minimum', separated, () => K.minimum);
  checkGrad('pow with a scalar exponent', casesOf(unaryShapes, POSITIVE), () => (x) => K.pow(x, 3));
});

describe('clip, where, cast', () => {
  checkGrad('clip', casesOf(unaryShapes, { min: -2, max: 2, avoid: [-0.5, 0.5] }), () => (x) => K.clip(x, -0.5, 0.5));

  const whereCases = broadcastShapesArb(3).chain(([c, a, b]) =>
    fc.record({
      inputs: inputsArb([a!, b!], SMOOTH),
      cond: fc.array(fc.boolean(), { minLength: sizeOf(c!), maxLength: sizeOf(c!) }).map((values) => ({ shape: c!, values })),
    }),
  );
  checkGrad('where (no gradient through the condition)', whereCases, ({ cond }) => (a, b) => K.where(tensor(cond.values, cond.shape, 'bool'), a, b));

  // Through an integer cast nothing flows: the VJP is zero, and so is the finite difference
  // away from integers.
  checkGrad('cast to int32', casesOf(unaryShapes, { min: 0.1, max: 0.9 }), () => (x) => K.cast(K.cast(x, 'int32'), 'float64'));

  it('cast: the gradient comes back in the input dtype', async () => {
    const x = tensor([1, 2, 3], [3], 'float64');
    const g = K.grad((t) => K.sum(K.mul(K.cast(t, 'float32'), 2)))(x);
    expect(g.dtype).toBe('float64');
    expect(Array.from(await g.data())).toEqual([2, 2, 2]);
  });
});
