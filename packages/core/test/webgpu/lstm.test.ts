import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as K from '@kerasgpu/core';
import type { CellActivationName } from '@kerasgpu/kernels';
import { ACTIVATIONS } from '../helpers/lstm-cases.js';
import { checkKernel, edgeSize, hostTensor, type HostTensor } from './harness.js';

interface LstmCase { batch: number; units: number; activation: CellActivationName; inner: CellActivationName }

const lstmCase: fc.Arbitrary<LstmCase> = fc.record({
  batch: edgeSize(17),
  units: fc.constantFrom(1, 3, 17, 65),
  activation: fc.constantFrom<CellActivationName>('tanh', 'relu', 'linear', 'swish'),
  inner: fc.constantFrom<CellActivationName>('hardSigmoid', 'sigmoid'),
});

/** xw, hu, bias, c, and the output gradients dh, dc (values spanning hard_sigmoid's kinks at ±2.5). */
const lstmInputs = (c: LstmCase) => fc.tuple(fc.constant(c), fc.tuple(
  hostTensor([c.batch, 4 * c.units], 3), hostTensor([c.batch, 4 * c.units], 3), hostTensor([4 * c.units], 1),
  hostTensor([c.batch, c.units], 2), hostTensor([c.batch, c.units], 1), hostTensor([c.batch, c.units], 1),
));
const inputs = ([, hs]: [LstmCase, HostTensor[]]) => hs;

type Case = [LstmCase, HostTensor[]];
const forward = ([c]: Case) => (xw?: K.Tensor, hu?: K.Tensor, b?: K.Tensor, cPrev?: K.Tensor) =>
  K.lstmCell(xw!, hu!, b!, cPrev!, { activation: c.activation, innerActivation: c.inner });
// dh and dc weight the two outputs, so both halves of the backward kernel are exercised.
const gradients = ([c]: Case) => (xw?: K.Tensor, hu?: K.Tensor, b?: K.Tensor, cPrev?: K.Tensor, dh?: K.Tensor, dc?: K.Tensor) => K.grads((a, h, bias, s) => {
  const [hNew, cNew] = K.lstmCell(a!, h!, bias!, s!, { activation: c.activation, innerActivation: c.inner });
  return K.add(K.mul(hNew, dh!), K.mul(cNew, dc!));
})([xw!, hu!, b!, cPrev!]);
const gradientTolerance = ([c]: Case) => ({ atol: 1e-5 * c.batch, rtol: 1e-4 });

describe('webgpu lstmCell vs cpu', () => {
  it('forward h and c', async () => {
    await checkKernel(lstmCase.chain(lstmInputs), inputs, forward, () => ({ atol: 1e-5, rtol: 1e-4 }));
  });

  it('gradients of h and c w.r.t. xw, hu, bias and c (through K.grads)', async () => {
    await checkKernel(lstmCase.chain(lstmInputs), inputs, gradients, gradientTolerance);
  });

  // Each entry of the activation table in each role, beside Keras's default for the other (gates
  // that are 0 at 0 would put relu's kink at c' = 0, where the backends' rounding picks sides).
  for (const only of ACTIVATIONS) {
    for (const pair of [{ activation: only, inner: 'sigmoid' }, { activation: 'tanh', inner: only }] as const) {
      it(`activation ${pair.activation}, inner ${pair.inner}: forward and gradients`, async () => {
        const cases = lstmCase.map((c): LstmCase => ({ ...c, ...pair })).chain(lstmInputs);
        await checkKernel(cases, inputs, forward, () => ({ atol: 1e-5, rtol: 1e-4 }), 3);
        await checkKernel(cases, inputs, gradients, gradientTolerance, 3);
      });
    }
  }
});
