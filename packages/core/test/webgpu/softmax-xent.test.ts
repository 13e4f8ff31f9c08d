import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { checkKernel, edgeSize, expectSameOnBackends, hostTensor, type HostTensor } from './harness.js';

/** Rows (any leading shape) of 1 to 129 classes; labels one-hot (`hot` = class per row) or soft (in [0, 1]). */
const xentCase = fc.tuple(fc.array(edgeSize(17), { maxLength: 2 }), edgeSize(129)).chain(([lead, classes]) => {
  const shape = [...lead, classes];
  const rows = lead.reduce((n, d) => n * d, 1);
  const hot = fc.option(fc.array(fc.nat(classes - 1), { minLength: rows, maxLength: rows }));
  return fc.tuple(hostTensor(shape, 8), hostTensor(shape, 1), hostTensor(lead, 1), hot, fc.constant(classes));
});

const toInputs = ([z, y, dl, hot, classes]: [HostTensor, HostTensor, HostTensor, number[] | null, number]): HostTensor[] => {
  const labels = hot ? y.data.map((_, i) => (hot[Math.floor(i / classes)] === i % classes ? 1 : 0)) : y.data.map(Math.abs);
  return [z, { ...y, data: labels }, dl];
};

describe('webgpu softmaxCrossEntropy vs cpu', () => {
  it('loss per row and the gradients w.r.t. logits and labels', async () => {
    await checkKernel(xentCase, toInputs, () => (z, y, dl) => [
      K.softmaxCrossEntropy(z!, y!),
      ...K.grads((a, b) => K.softmaxCrossEntropy(a!, b!))([z!, y!], dl),
    ], ([, , , , classes]) => ({ atol: 1e-5 * Math.sqrt(classes), rtol: 1e-4 }));
  });

  it('a NaN logit makes its row NaN, as in softmax (both take the NaN-aware row max)', async () => {
    // Row 0 has a NaN past the first stride of the workgroup; row 1 stays finite.
    const classes = 70;
    const z = Array.from({ length: 2 * classes }, (_, i) => (i === 66 ? NaN : (i % 7) - 3));
    const y = z.map((_, i) => (i % classes === 3 ? 1 : 0));
    await expectSameOnBackends([{ data: z, shape: [2, classes] }, { data: y, shape: [2, classes] }, { data: [1, 1], shape: [2] }], (a, b, dl) => [
      K.softmaxCrossEntropy(a!, b!),
      ...K.grads((p, q) => K.softmaxCrossEntropy(p!, q!))([a!, b!], dl),
      K.softmax(a!),
    ]);
  });
});
