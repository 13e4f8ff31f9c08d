import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import type { CellActivationName } from '@kerasgpu/kernels';
import { inputArb, SMOOTH, type Case } from './helpers/arbitraries.js';
import { checkGrad } from './helpers/grad-check.js';
import { ACTIVATIONS, SMOOTH_ACTIVATIONS } from './helpers/lstm-cases.js';
import { propertyRuns, useCpuBackend } from './helpers/runs.js';

useCpuBackend();

interface SeqCase extends Case { activation: CellActivationName; innerActivation: CellActivationName }

/** xw [batch, steps, 4·units], u [units, 4·units], bias [4·units], h0, c0 [batch, units]. */
const seqCase = (activations: readonly CellActivationName[]): fc.Arbitrary<SeqCase> => fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }), steps: fc.integer({ min: 1, max: 3 }), units: fc.integer({ min: 1, max: 3 }),
    activation: fc.constantFrom(...activations), innerActivation: fc.constantFrom(...activations),
  })
  .chain(({ batch, steps, units, activation, innerActivation }) => fc
    .tuple(...[[batch, steps, 4 * units], [units, 4 * units], [4 * units], [batch, units], [batch, units]].map((s) => inputArb(s, SMOOTH)))
    .map((inputs) => ({ inputs, activation, innerActivation })));

/** The same sequence step by step with lstmCell and matMul: [hs, cs, gates]. */
function unrolled(xw: K.Tensor, u: K.Tensor, bias: K.Tensor, h0: K.Tensor, c0: K.Tensor, options: K.LstmCellOptions): K.Tensor[] {
  let h = h0, c = c0;
  const hs: K.Tensor[] = [], cs: K.Tensor[] = [], gates: K.Tensor[] = [];
  for (const x of K.unstack(xw, 1)) {
    const hu = K.matMul(h, u);
    [h, c] = K.lstmCell(x, hu, bias, c, options);
    hs.push(h);
    cs.push(c);
    gates.push(K.add(K.add(x, hu), bias));
  }
  return [K.stack(hs, 1), K.stack(cs, 1), K.stack(gates, 1)];
}

describe('lstmSequence', () => {
  // Smooth activations only: a whole sequence cannot keep every step's gates off hard_sigmoid's
  // and relu's kinks; those are covered by the comparison with the unrolled cell below.
  checkGrad('lstmSequence w.r.t. xw, u, bias, h0 and c0', seqCase(SMOOTH_ACTIVATIONS), ({ activation, innerActivation }) =>
    (xw, u, b, h0, c0) => K.lstmSequence(xw, u, b, h0, c0, { activation, innerActivation }));

  it('equals the unrolled lstmCell + matMul steps, values and gradients, for every activation', async () => {
    await fc.assert(fc.asyncProperty(seqCase(ACTIVATIONS), async ({ inputs, activation, innerActivation }) => {
      const xs = inputs.map((x) => K.tensor(x.values, x.shape, 'float64'));
      const options = { activation, innerActivation };
      const weights = (ys: K.Tensor[]) => ys.map((y, k) => K.mul(y, K.reshape(K.add(K.mul(K.range(0, y.size, 1, 'float64'), 0.1), k), y.shape)));
      const loss = (f: (...a: K.Tensor[]) => K.Tensor[]) => (...a: K.Tensor[]) => weights(f(...a)).map((y) => K.sum(y)).reduce((s, t) => K.add(s, t));
      const run = async (f: (...a: K.Tensor[]) => K.Tensor[]) => Promise.all([...f(...xs), ...K.grads(loss(f))(xs)].map((t) => t.data()));
      const fused = await run((xw, u, b, h0, c0) => K.lstmSequence(xw!, u!, b!, h0!, c0!, options));
      const steps = await run((xw, u, b, h0, c0) => unrolled(xw!, u!, b!, h0!, c0!, options));
      fused.forEach((got, k) => {
        const want = steps[k]!;
        got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want[i]!))));
      });
    }), { numRuns: propertyRuns() });
  });

  it('names the op and the shapes on a mismatch', () => {
    expect(() => K.lstmSequence(K.zeros([2, 3, 8]), K.zeros([2, 8]), K.zeros([8]), K.zeros([2, 3]), K.zeros([2, 2]))).toThrow(/lstmSequence: .*h0 \[2, 3\]/);
    expect(() => K.lstmSequence(K.zeros([2, 0, 8]), K.zeros([2, 8]), K.zeros([8]), K.zeros([2, 2]), K.zeros([2, 2]))).toThrow(/lstmSequence: expected xw \[batch, steps ≥ 1/);
  });
});
