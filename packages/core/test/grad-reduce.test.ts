import fc from 'fast-check';
import { describe } from 'vitest';
import * as K from '@kerasgpu/core';
import type { Tensor } from '@kerasgpu/core';
import { axesArb, distinctInputsArb, inputsArb, shapeArb, SMOOTH, type Dist, type Input } from './helpers/arbitraries.js';
import { checkGrad } from './helpers/grad-check.js';
import { useCpuBackend } from './helpers/runs.js';

useCpuBackend();

type Reduction = (x: Tensor, axis?: number | number[], keepDims?: boolean) => Tensor;
interface ReduceCase { inputs: Input[]; axes: number | number[] | undefined; keepDims: boolean }

/** A tensor of rank 0–3, reduction axes in any spelling, keepDims either way. */
function reduceCases(values: (shape: number[]) => fc.Arbitrary<Input[]>): fc.Arbitrary<ReduceCase> {
  return shapeArb(0, 3).chain((shape) => fc.record({ inputs: values(shape), axes: axesArb(shape.length), keepDims: fc.boolean() }));
}
const smooth = reduceCases((s) => inputsArb([s], SMOOTH));
// max and min route the gradient to the extreme, so values never tie; prod divides by x.
const distinct = reduceCases((s) => distinctInputsArb([s]));
const nonZero: Dist = { min: -1.5, max: 1.5, avoid: [0], margin: 0.3 };

const REDUCTIONS: [name: string, fn: Reduction, cases: fc.Arbitrary<ReduceCase>][] = [
  ['sum', K.sum, smooth],
  ['mean', K.mean, smooth],
  ['logSumExp', K.logSumExp, smooth],
  ['max', K.max, distinct],
  ['min', K.min, distinct],
  ['prod', K.prod, reduceCases((s) => inputsArb([s], nonZero))],
];

describe('reductions over any axes, keepDims', () => {
  for (const [name, fn, cases] of REDUCTIONS) checkGrad(name, cases, ({ axes, keepDims }) => (x) => fn(x, axes, keepDims));
});
