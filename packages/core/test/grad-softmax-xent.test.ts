import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { casesOf, shapeArb } from './helpers/arbitraries.js';
import { checkGrad } from './helpers/grad-check.js';
import { useCpuBackend } from './helpers/runs.js';

useCpuBackend();

describe('softmaxCrossEntropy (fused)', () => {
  // Labels anywhere in [0, 1]: the op and both gradients hold for any label weights, not only one-hot.
  const cases = casesOf(shapeArb(1, 3).map((s) => [s, s]), [{ min: -4, max: 4 }, { min: 0, max: 1 }]);
  checkGrad('softmaxCrossEntropy', cases, () => (z, y) => K.softmaxCrossEntropy(z, y));

  it('equals −Σ labels·logSoftmax(logits) over the last axis', async () => {
    await fc.assert(fc.asyncProperty(cases, async ({ inputs: [z, y] }) => {
      const [zt, yt] = [z!, y!].map((x) => K.tensor(Float64Array.from(x.values), x.shape, 'float64')) as [K.Tensor, K.Tensor];
      const fused = await K.softmaxCrossEntropy(zt, yt).data();
      const composed = await K.neg(K.sum(K.mul(yt, K.logSoftmax(zt)), -1)).data();
      expect(fused.length).toBe(composed.length);
      fused.forEach((v, i) => expect(v).toBeCloseTo(composed[i]!, 12));
    }), { numRuns: 20 });
  });

  it('is stable for huge logits and gives softmax − onehot as the logits gradient', async () => {
    const z = K.tensor([1000, 0, -1000, 3, 1, 2], [2, 3], 'float64');
    const y = K.tensor([1, 0, 0, 0, 0, 1], [2, 3], 'float64');
    expect(Array.from(await K.softmaxCrossEntropy(z, y).data()).map((v) => +v.toFixed(9))).toEqual([0, +(-2 + 3 + Math.log(1 + Math.exp(-2) + Math.exp(-1))).toFixed(9)]);
    const [dz] = K.grads((a) => K.sum(K.softmaxCrossEntropy(a, y)))([z]);
    const p = [Math.exp(0), Math.exp(-2), Math.exp(-1)].map((v, _, a) => v / (a[0]! + a[1]! + a[2]!));
    const want = [1 - 1, 0, 0, p[0]!, p[1]!, p[2]! - 1];
    Array.from(await dz!.data()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
  });

  it('names both shapes when they differ', () => {
    expect(() => K.softmaxCrossEntropy(K.zeros([2, 3]), K.zeros([2, 4]))).toThrow(/softmaxCrossEntropy.*\[2, 3\].*\[2, 4\]/);
  });
});
