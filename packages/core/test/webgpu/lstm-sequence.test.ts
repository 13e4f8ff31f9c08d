import fc from 'fast-check';
import { afterEach, describe, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { gemmOverride, type CellActivationName } from '@kerasgpu/kernels';
import { checkKernel, edgeSize, expectSameOnBackends, hostTensor, type HostTensor } from './harness.js';

interface SeqCase { batch: number; steps: number; units: number; activation: CellActivationName; inner: CellActivationName }

// Units: multiples of 4 take the vec4 kernels, others the scalar ones; batches of 4 and more
// take four rows per invocation, with a partial last group when the batch is not a multiple.
const seqCase: fc.Arbitrary<SeqCase> = fc.record({
  batch: edgeSize(17),
  steps: fc.constantFrom(1, 2, 5),
  units: fc.constantFrom(1, 3, 4, 8, 17, 20),
  activation: fc.constantFrom<CellActivationName>('tanh', 'relu', 'swish'),
  inner: fc.constantFrom<CellActivationName>('hardSigmoid', 'sigmoid'),
});

/** xw, u, bias, h0, c0, then the weights of hs and cs in the loss of the gradient test. */
const seqInputs = (c: SeqCase) => fc.tuple(fc.constant(c), fc.tuple(
  hostTensor([c.batch, c.steps, 4 * c.units], 3), hostTensor([c.units, 4 * c.units], 0.5), hostTensor([4 * c.units], 1),
  hostTensor([c.batch, c.units], 1), hostTensor([c.batch, c.units], 1),
  hostTensor([c.batch, c.steps, c.units], 1), hostTensor([c.batch, c.steps, c.units], 1),
));
const inputs = ([, hs]: [SeqCase, HostTensor[]]) => hs;
// Errors grow with the recurrent dot length and carry through the steps.
const tol = (c: SeqCase, terms: number) => ({ atol: 2e-6 * c.units * c.steps * terms, rtol: 1e-4 });

/** The forward outputs and the gradients w.r.t. xw, u, bias, h0 and c0 of a weighted sum of hs and cs. */
const forwardAndGrads = (c: SeqCase) => (...x: K.Tensor[]) => {
  const attrs = { activation: c.activation, innerActivation: c.inner };
  const [xw, u, b, h0, c0, wh, wc] = x as [K.Tensor, K.Tensor, K.Tensor, K.Tensor, K.Tensor, K.Tensor, K.Tensor];
  const grads = K.grads((...a) => {
    const [hs, cs] = K.lstmSequence(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, attrs);
    return K.add(K.sum(K.mul(hs, wh)), K.sum(K.mul(cs, wc)));
  })([xw, u, b, h0, c0]);
  return [...K.lstmSequence(xw, u, b, h0, c0, attrs), ...grads];
};

describe('webgpu lstmSequence vs cpu', () => {
  afterEach(() => { gemmOverride.variant = null; });

  it('forward hs, cs and gates', async () => {
    await checkKernel(seqCase.chain(seqInputs), inputs, ([c]) => (xw, u, b, h0, c0) =>
      K.lstmSequence(xw!, u!, b!, h0!, c0!, { activation: c.activation, innerActivation: c.inner }), ([c]) => tol(c, 1));
  });

  it('gradients w.r.t. xw, u, bias, h0 and c0 (through K.grads)', async () => {
    await checkKernel(seqCase.chain(seqInputs), inputs, ([c]) => forwardAndGrads(c), ([c]) => tol(c, 4 * c.batch));
  });

  // A step GEMM is specialised to its shape: with 32 rows, units a multiple of 8 and of 4, every
  // tile is whole and the kernel has no bounds checks (the case the property's batches miss).
  it('forward and gradients at a batch of whole tiles', async () => {
    const c: SeqCase = { batch: 32, steps: 3, units: 8, activation: 'tanh', inner: 'hardSigmoid' };
    const [sample] = fc.sample(seqInputs(c), { numRuns: 1, seed: 32 });
    await expectSameOnBackends(inputs(sample!), forwardAndGrads(c), tol(c, 4 * c.batch));
  });

  // The backward skips the gradients of outputs nothing read (zeros): here of cs and not of the
  // gates (the loss reads them, so dz starts from their gradient), then of both (an LSTM layer's case).
  it('gradients when the loss reads hs and the gates, or hs alone', async () => {
    const c: SeqCase = { batch: 5, steps: 3, units: 8, activation: 'tanh', inner: 'sigmoid' };
    const [sample] = fc.sample(seqInputs(c), { numRuns: 1, seed: 5 });
    const xs = inputs(sample!);
    const [wz] = fc.sample(hostTensor([c.batch, c.steps, 4 * c.units], 1), { numRuns: 1, seed: 6 });
    for (const gates of [true, false]) {
      await expectSameOnBackends([...xs.slice(0, 5), wz!], (...x) => K.grads((...a) => {
        const [hs, , z] = K.lstmSequence(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, { activation: c.activation, innerActivation: c.inner });
        return gates ? K.add(K.sum(hs), K.sum(K.mul(z, x[5]!))) : K.sum(K.mul(hs, hs));
      })(x.slice(0, 5) as K.Tensor[]), tol(c, 4 * c.batch));
    }
  });

  // Each step is one GEMM with the cell as its write epilogue: the discrete-GPU (workgroup-memory)
  // variant stores its tile differently from the subgroup one chosen on this adapter. One case
  // (units 17: a partial vec4 of units in the backward's store; lavapipe compiles this variant slowly).
  it('forward and gradients with the tiled GEMM variant', async () => {
    gemmOverride.variant = 'tiled';
    const c: SeqCase = { batch: 5, steps: 3, units: 17, activation: 'tanh', inner: 'sigmoid' };
    const [sample] = fc.sample(seqInputs(c), { numRuns: 1, seed: 17 });
    await expectSameOnBackends(inputs(sample!), forwardAndGrads(c), tol(c, 4 * c.batch));
  });
});
