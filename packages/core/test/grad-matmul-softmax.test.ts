import fc from 'fast-check';
import { describe } from 'vitest';
import * as K from '@kerasgpu/core';
import { broadcastShapesArb, casesOf, dimArb, inputsArb, shapeArb, SMOOTH } from './helpers/arbitraries.js';
import { checkGrad } from './helpers/grad-check.js';
import { useCpuBackend } from './helpers/runs.js';

useCpuBackend();

describe('matMul', () => {
  // Batch dims (up to two) broadcast against each other; either operand may be transposed.
  const cases = fc
    .record({ batch: broadcastShapesArb(2, 2), m: dimArb, k: dimArb, n: dimArb, transposeA: fc.boolean(), transposeB: fc.boolean() })
    .chain((c) => {
      const a = [...c.batch[0]!, ...(c.transposeA ? [c.k, c.m] : [c.m, c.k])];
      const b = [...c.batch[1]!, ...(c.transposeB ? [c.n, c.k] : [c.k, c.n])];
      return inputsArb([a, b], SMOOTH).map((inputs) => ({ ...c, inputs }));
    });
  checkGrad('matMul', cases, ({ transposeA, transposeB }) => (a, b) => K.matMul(a, b, transposeA, transposeB));
});

describe('softmax', () => {
  const cases = casesOf(shapeArb(1, 3).map((s) => [s]), { min: -3, max: 3 });
  checkGrad('softmax', cases, () => K.softmax);
  checkGrad('logSoftmax', cases, () => K.logSoftmax);
});
