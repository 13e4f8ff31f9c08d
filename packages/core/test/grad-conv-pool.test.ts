import fc from 'fast-check';
import { describe } from 'vitest';
import * as K from '@kerasgpu/core';
import type { Tensor } from '@kerasgpu/core';
import { conv2dGeometry } from '@kerasgpu/kernels';
import { run1 } from './helpers/primitives.js';
import { distinctInputsArb, inputsArb, SMOOTH } from './helpers/arbitraries.js';
import { checkGrad } from './helpers/grad-check.js';
import { useCpuBackend } from './helpers/runs.js';
import { outputSize, windowCaseArb, type WindowCase } from './helpers/window-cases.js';

useCpuBackend();

interface ConvCase extends WindowCase { outC: number }
const convCases = windowCaseArb(fc.integer({ min: 1, max: 3 }), true).chain((w) =>
  fc.integer({ min: 1, max: 3 }).map((outC): ConvCase => ({ ...w, outC })));
const filterShape = (c: ConvCase) => [c.kernel[0], c.kernel[1], c.xShape[3], c.outC];
const dyShape = (c: ConvCase) => [c.xShape[0], ...outputSize(c), c.outC];
const convOptions = (c: WindowCase) => ({ strides: c.strides, dilations: c.dilations, padding: c.padding });
const geometry = (c: ConvCase) => conv2dGeometry(c.xShape, c.kernel[0], c.kernel[1], c.outC, c.strides, c.dilations, c.padding);

describe('conv2d (strides, valid/same/full padding, dilation)', () => {
  checkGrad('conv2d w.r.t. input and filter', convCases.chain((c) => inputsArb([c.xShape, filterShape(c)], SMOOTH).map((inputs) => ({ ...c, inputs }))),
    (c) => (x, w) => K.conv2d(x, w, convOptions(c)));

  // The backward primitives are differentiable too (their VJPs are the other two conv products).
  checkGrad('conv2dBackpropInput w.r.t. dy and filter', convCases.chain((c) => inputsArb([dyShape(c), filterShape(c)], SMOOTH).map((inputs) => ({ ...c, inputs }))),
    (c) => (dy, w) => run1('conv2d', 'conv2dBackpropInput', [dy, w], geometry(c), c.xShape, 'float64'));
  checkGrad('conv2dTranspose w.r.t. input and filter', convCases.chain((c) => inputsArb([dyShape(c), filterShape(c)], SMOOTH).map((inputs) => ({ ...c, inputs }))),
    (c) => (x, w) => K.conv2dTranspose(x, w, c.xShape, convOptions(c)));
  checkGrad('conv2dBackpropFilter w.r.t. x and dy', convCases.chain((c) => inputsArb([c.xShape, dyShape(c)], SMOOTH).map((inputs) => ({ ...c, inputs }))),
    (c) => (x, dy) => run1('conv2d', 'conv2dBackpropFilter', [x, dy], geometry(c), filterShape(c), 'float64'));
});

describe('pooling (pool size, strides, padding)', () => {
  const pools = windowCaseArb(fc.integer({ min: 1, max: 3 }), false);
  const pool = (op: typeof K.maxPool2d, c: WindowCase) => (x: Tensor) => op(x, c.kernel, { strides: c.strides, padding: c.padding });
  // The max of a window moves only where values tie; distinct values keep the probes away from ties.
  checkGrad('maxPool2d', pools.chain((c) => distinctInputsArb([c.xShape]).map((inputs) => ({ ...c, inputs }))), (c) => pool(K.maxPool2d, c));
  checkGrad('avgPool2d', pools.chain((c) => inputsArb([c.xShape], SMOOTH).map((inputs) => ({ ...c, inputs }))), (c) => pool(K.avgPool2d, c));
  checkGrad('avgPool2dGrad w.r.t. dy', pools.chain((c) => inputsArb([[c.xShape[0], ...outputSize(c), c.xShape[3]]], SMOOTH).map((inputs) => ({ ...c, inputs }))),
    (c) => (dy) => run1('avgPool2d', 'avgPool2dGrad', [dy],
      conv2dGeometry(c.xShape, c.kernel[0], c.kernel[1], c.xShape[3], c.strides, c.dilations, c.padding), c.xShape, 'float64'));
});
