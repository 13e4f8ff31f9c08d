import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { checkKernel, edgeSize, expectSameOnBackends, hostTensor } from './harness.js';

/** Rows of edge lengths, and a few rows longer than one workgroup (256) and several strides of it. */
const shapeArb = fc.oneof(
  fc.tuple(fc.array(edgeSize(17), { maxLength: 2 }), edgeSize()).map(([lead, n]) => [...lead, n]),
  fc.tuple(edgeSize(5), fc.constantFrom(255, 256, 257, 1000)).map(([rows, n]) => [rows, n]),
);

describe('webgpu softmax vs cpu', () => {
  for (const log of [false, true]) {
    const op = log ? K.logSoftmax : K.softmax;
    it(`${log ? 'logSoftmax' : 'softmax'}: random shapes, large values`, async () => {
      await checkKernel(shapeArb.chain((s) => hostTensor(s, 30)), (h) => [h], () => (x) => op(x!), () => ({ atol: 2e-6, rtol: 1e-4 }));
    });
  }
  it('rows with -Infinity entries and one-element rows', async () => {
    await expectSameOnBackends([{ data: [-Infinity, 0, 1, -Infinity, 5, 5], shape: [2, 3] }, { data: [3, -2], shape: [2, 1] }],
      (a, b) => [K.softmax(a!), K.logSoftmax(a!), K.softmax(b!), K.logSoftmax(b!)]);
  });
  it('K.grads through softmax and logSoftmax', async () => {
    await checkKernel(shapeArb.chain((s) => fc.tuple(hostTensor(s, 3), hostTensor(s, 1))), ([x, w]) => [x, w],
      () => (x, w) => K.grads((t) => K.add(K.sum(K.mul(K.softmax(t!), w!)), K.sum(K.mul(K.logSoftmax(t!), w!))))([x!]),
      () => ({ atol: 1e-5, rtol: 1e-4 }));
  });
});
