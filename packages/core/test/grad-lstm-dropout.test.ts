import fc from 'fast-check';
import { describe } from 'vitest';
import * as K from '@kerasgpu/core';
import { casesOf, shapeArb, SMOOTH } from './helpers/arbitraries.js';
import { checkGrad } from './helpers/grad-check.js';
import { ACTIVATIONS, lstmCaseArb } from './helpers/lstm-cases.js';
import { useCpuBackend } from './helpers/runs.js';

useCpuBackend();

describe('lstmCell (activation and inner activation as parameters)', () => {
  checkGrad('lstmCell w.r.t. xw, hu, bias and c', lstmCaseArb(), ({ activation, innerActivation }) =>
    (xw, hu, b, c) => K.lstmCell(xw, hu, b, c, { activation, innerActivation }));
  // Each entry of the activation table in each role, whatever the random pairs above drew. The
  // other role is sigmoid, nonzero at 0: with tanh in both, h ∝ t³ along a direction through 0,
  // and the stencil's truncation error outgrows the tolerance on so small a derivative.
  for (const only of ACTIVATIONS) {
    for (const pair of [{ activation: only, innerActivation: 'sigmoid' }, { activation: 'sigmoid', innerActivation: only }] as const) {
      checkGrad(`lstmCell with activation ${pair.activation}, inner ${pair.innerActivation}`, lstmCaseArb(pair), () => (xw, hu, b, c) => K.lstmCell(xw, hu, b, c, pair));
    }
  }
});

describe('dropout with a fixed seed', () => {
  const cases = casesOf(shapeArb(0, 4).map((s) => [s]), SMOOTH).chain((c) =>
    fc.record({ rate: fc.constantFrom(0, 0.1, 0.5, 0.9), seed: fc.nat() }).map((r) => ({ ...c, ...r })));
  checkGrad('dropout', cases, ({ rate, seed }) => (x) => K.dropout(x, rate, seed));
  // The noise shape keeps the first axis and shares the mask along the others.
  checkGrad('dropout with a noise shape', cases, ({ rate, seed, inputs: [x] }) => (t) => K.dropout(t, rate, seed, x!.shape.map((d, i) => (i === 0 ? d : 1))));
});
