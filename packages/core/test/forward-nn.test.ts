import fc from 'fast-check';
import { describe } from 'vitest';
import * as K from '@kerasgpu/core';
import { tensor, type Tensor } from '@kerasgpu/core';
import type { CellActivationName } from '@kerasgpu/kernels';
import { casesOf, inputArb, inputsArb, shapeArb, SMOOTH, type Input } from './helpers/arbitraries.js';
import { checkForward } from './helpers/forward-check.js';
import { lstmCaseArb } from './helpers/lstm-cases.js';
import { im2col, poolLoop } from './helpers/reference.js';
import { useCpuBackend } from './helpers/runs.js';
import { outputSize, windowCaseArb } from './helpers/window-cases.js';

useCpuBackend();

const f64 = (i: Input) => tensor(i.values, i.shape, 'float64');

describe('softmax', () => {
  const wide = casesOf(shapeArb(1, 3).map((s) => [s]), { min: -30, max: 30 });
  checkForward('softmax rows sum to 1', wide, ({ inputs: [x] }) => K.sum(K.softmax(f64(x!)), -1),
    ({ inputs: [x] }) => new Array<number>(x!.values.length / x!.shape.at(-1)!).fill(1));
  checkForward('exp(logSoftmax) equals softmax', wide, ({ inputs: [x] }) => K.exp(K.logSoftmax(f64(x!))), ({ inputs: [x] }) => K.softmax(f64(x!)));
  // Without subtracting the row max, exp(±80) overflows float32.
  const large = casesOf(shapeArb(1, 3).map((s) => [s]), { min: -80, max: 80 });
  checkForward('float32 softmax is stable for large logits', large, ({ inputs: [x] }) => K.sum(K.softmax(tensor(x!.values, x!.shape, 'float32')), -1),
    ({ inputs: [x] }) => new Array<number>(x!.values.length / x!.shape.at(-1)!).fill(1), 1e-5);
});

describe('conv2d and pooling against direct computations', () => {
  const convCases = windowCaseArb(fc.integer({ min: 1, max: 3 }), true).chain((w) =>
    fc.integer({ min: 1, max: 3 }).chain((outC) =>
      inputsArb([w.xShape, [w.kernel[0], w.kernel[1], w.xShape[3], outC]], SMOOTH).map((inputs) => ({ ...w, outC, inputs }))));
  checkForward('conv2d equals im2col + matMul', convCases,
    (c) => K.conv2d(f64(c.inputs[0]!), f64(c.inputs[1]!), { strides: c.strides, dilations: c.dilations, padding: c.padding }),
    (c) => {
      const out = outputSize(c);
      const cols = c.kernel[0] * c.kernel[1] * c.xShape[3];
      const patches = tensor(im2col(c.inputs[0]!.values, c, out), [c.xShape[0] * out[0] * out[1], cols], 'float64');
      return K.reshape(K.matMul(patches, K.reshape(f64(c.inputs[1]!), [cols, c.outC])), [c.xShape[0], ...out, c.outC]);
    });

  // ⟨conv2d(x, w), dy⟩ = ⟨x, conv2dTranspose(dy, w)⟩: the transpose is the adjoint of conv2d.
  const adjointCases = convCases.chain((c) => inputArb([c.xShape[0], ...outputSize(c), c.outC], SMOOTH).map((dy) => ({ ...c, dy })));
  checkForward('conv2dTranspose is the adjoint of conv2d', adjointCases,
    (c) => K.sum(K.mul(f64(c.inputs[0]!), K.conv2dTranspose(f64(c.dy), f64(c.inputs[1]!), c.xShape, { strides: c.strides, dilations: c.dilations, padding: c.padding }))),
    (c) => K.sum(K.mul(K.conv2d(f64(c.inputs[0]!), f64(c.inputs[1]!), { strides: c.strides, dilations: c.dilations, padding: c.padding }), f64(c.dy))));

  const poolCases = windowCaseArb(fc.integer({ min: 1, max: 3 }), false).chain((w) => inputArb(w.xShape, SMOOTH).map((x) => ({ ...w, inputs: [x] })));
  for (const kind of ['max', 'avg'] as const) {
    const op = kind === 'max' ? K.maxPool2d : K.avgPool2d;
    checkForward(`${kind}Pool2d equals a loop over each window's real cells`, poolCases,
      (c) => op(f64(c.inputs[0]!), c.kernel, { strides: c.strides, padding: c.padding }),
      (c) => poolLoop(c.inputs[0]!.values, c, outputSize(c), kind));
  }
});

describe('lstmCell', () => {
  /** The cell activations written with ops; hard_sigmoid is Keras's clip(0.2x + 0.5, 0, 1). */
  const ACT: Record<CellActivationName, (x: Tensor) => Tensor> = {
    tanh: K.tanh, sigmoid: K.sigmoid, relu: K.relu, linear: K.linear,
    hardSigmoid: (x) => K.clip(K.add(K.mul(x, 0.2), 0.5), 0, 1),
    swish: (x) => K.mul(x, K.sigmoid(x)),
  };
  /** Keras's step with gate order i, f, c, o; returns [h', c'] concatenated for comparison. */
  const formula = (xw: Tensor, hu: Tensor, b: Tensor, c: Tensor, act: CellActivationName, inner: CellActivationName) => {
    const [zi, zf, zc, zo] = K.split(K.add(K.add(xw, hu), b), 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const cNew = K.add(K.mul(ACT[inner](zf), c), K.mul(ACT[inner](zi), ACT[act](zc)));
    return K.concat([K.mul(ACT[inner](zo), ACT[act](cNew)), cNew], 1);
  };
  checkForward('lstmCell equals the gate formula composed from ops', lstmCaseArb(),
    ({ inputs, activation, innerActivation }) => K.concat(K.lstmCell(...(inputs.map(f64) as [Tensor, Tensor, Tensor, Tensor]), { activation, innerActivation }), 1),
    ({ inputs, activation, innerActivation }) => {
      const [xw, hu, b, c] = inputs.map(f64) as [Tensor, Tensor, Tensor, Tensor];
      return formula(xw, hu, b, c, activation, innerActivation);
    });
  checkForward('lstmCell defaults to tanh and hard_sigmoid', lstmCaseArb(),
    ({ inputs }) => K.concat(K.lstmCell(...(inputs.map(f64) as [Tensor, Tensor, Tensor, Tensor])), 1),
    ({ inputs }) => {
      const [xw, hu, b, c] = inputs.map(f64) as [Tensor, Tensor, Tensor, Tensor];
      return formula(xw, hu, b, c, 'tanh', 'hardSigmoid');
    });
});
