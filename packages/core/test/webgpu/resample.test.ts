import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import type { FillMode } from '@kerasgpu/kernels';
import { checkKernel, edgeSize, gpuBackend, hostTensor, type HostTensor } from './harness.js';

interface ResampleCase { n: number; h: number; w: number; c: number; fillMode: FillMode; cval: number }

const resampleCase: fc.Arbitrary<ResampleCase> = fc.record({
  n: fc.constantFrom(1, 2, 3), h: edgeSize(33), w: edgeSize(65), c: fc.constantFrom(1, 3, 4),
  fillMode: fc.constantFrom<FillMode>('constant', 'nearest', 'reflect', 'wrap'), cval: fc.constantFrom(0, -1.5),
});

/**
 * Random affine maps with dyadic entries (multiples of 1/64, offsets of 1/4): every product and
 * sum is exact in f32 whether or not the GPU fuses multiply-adds, so both backends round the same
 * positions and must agree exactly. Entries up to ±2 and offsets up to ±3 sizes reach far outside
 * the image (several periods of wrap and reflect) and land on half-pixel ties.
 */
const matrices = (c: ResampleCase) => fc.array(fc.tuple(
  fc.integer({ min: -128, max: 128 }), fc.integer({ min: -128, max: 128 }), fc.integer({ min: -12 * c.h, max: 12 * c.h }),
  fc.integer({ min: -128, max: 128 }), fc.integer({ min: -128, max: 128 }), fc.integer({ min: -12 * c.w, max: 12 * c.w }),
).map(([a, b, t, d, e, s]) => [a / 64, b / 64, t / 4, d / 64, e / 64, s / 4]), { minLength: c.n, maxLength: c.n })
  .map((ms): HostTensor => ({ data: ms.flat(), shape: [c.n, 6] }));

const cases = resampleCase.chain((c) => fc.tuple(fc.constant(c), hostTensor([c.n, c.h, c.w, c.c], 2), matrices(c)));

describe('webgpu affineResample vs cpu', () => {
  it('random affine maps, every fill mode, edge sizes: identical outputs', async () => {
    await checkKernel(cases, ([, x, m]) => [x, m], ([c]) => (x, m) => K.affineResample(x!, m!, { fillMode: c.fillMode, cval: c.cval }), () => ({ atol: 0, rtol: 0 }));
  });

  it('has no gradient: the VJP throws a GradientError naming the op', async () => {
    await gpuBackend();
    const x = K.ones([1, 2, 2, 1]);
    const m = K.tensor([[1, 0, 0, 0, 1, 0]]);
    expect(() => K.grad((t: K.Tensor) => K.sum(K.affineResample(t, m)))(x)).toThrow(/affineResample: gradients are not supported/);
    expect(() => K.affineResample(x, K.tensor([[1, 0, 0]]))).toThrow(/affineResample: expected images \[n, h, w, c\] and matrices \[n, 6\]/);
  });
});
