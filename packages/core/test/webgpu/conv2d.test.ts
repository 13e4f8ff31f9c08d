import fc from 'fast-check';
import { afterEach, describe, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { conv2dGeometry, gemmOverride, type Padding } from '@kerasgpu/kernels';
import { VARIANTS } from './gemm-variants.js';
import { expectSameOnBackends, hostTensor, PROPERTY_RUNS, type HostTensor } from './harness.js';

interface ConvCase { x: number[]; w: number[]; strides: [number, number]; dilations: [number, number]; padding: Padding; dy: number[] }

/** Random small NHWC convolutions: kernels 1-5, strides 1-3, dilations 1-2, valid/same/full; 'valid' images fit the window. */
const convCase: fc.Arbitrary<ConvCase> = fc.record({
  batch: fc.integer({ min: 1, max: 2 }), kH: fc.integer({ min: 1, max: 5 }), kW: fc.integer({ min: 1, max: 5 }),
  inC: fc.constantFrom(1, 3, 4, 5, 8), outC: fc.constantFrom(1, 3, 4, 8, 17), sH: fc.integer({ min: 1, max: 3 }), sW: fc.integer({ min: 1, max: 3 }),
  dH: fc.integer({ min: 1, max: 2 }), dW: fc.integer({ min: 1, max: 2 }), padding: fc.constantFrom<Padding>('valid', 'same', 'full'),
  extraH: fc.integer({ min: 0, max: 7 }), extraW: fc.integer({ min: 0, max: 7 }),
}).map((r) => {
  const h = (r.kH - 1) * r.dH + 1 + r.extraH, w = (r.kW - 1) * r.dW + 1 + r.extraW;
  const x = [r.batch, h, w, r.inC];
  const g = conv2dGeometry(x, r.kH, r.kW, r.outC, [r.sH, r.sW], [r.dH, r.dW], r.padding);
  return { x, w: [r.kH, r.kW, r.inC, r.outC], strides: [r.sH, r.sW], dilations: [r.dH, r.dW], padding: r.padding, dy: [r.batch, g.outH, g.outW, r.outC] };
});

const withInputs = convCase.chain((c) => fc.tuple(hostTensor(c.x), hostTensor(c.w), hostTensor(c.dy)).map((xs) => ({ c, xs: [...xs] })));
const opts = (c: ConvCase) => ({ strides: c.strides, dilations: c.dilations, padding: c.padding });
/** Longest reduction among the three GEMMs (taps·channels, or batch·outH·outW for the filter gradient). */
const reduction = (c: ConvCase) => Math.max(c.w[0]! * c.w[1]! * Math.max(c.w[2]!, c.w[3]!), c.dy[0]! * c.dy[1]! * c.dy[2]!);

async function check(runs: number, fn: (c: ConvCase) => (...xs: K.Tensor[]) => K.Tensor | K.Tensor[]): Promise<void> {
  await fc.assert(fc.asyncProperty(withInputs, async ({ c, xs }: { c: ConvCase; xs: HostTensor[] }) =>
    expectSameOnBackends(xs, fn(c), { atol: 1e-5 * reduction(c) * 4, rtol: 1e-4 })), { numRuns: runs });
}

describe('webgpu conv2d vs cpu (implicit GEMM)', () => {
  afterEach(() => { gemmOverride.variant = null; gemmOverride.rowBlocks = null; });
  for (const [name, variant, rowBlocks] of VARIANTS) {
    it(`${name}: forward, and both gradients via K.grads`, async () => {
      gemmOverride.variant = variant;
      gemmOverride.rowBlocks = rowBlocks;
      // The tiled variant runs on GPUs; here fewer cases keep its shader compiles (slow on lavapipe) few.
      await check(variant === 'subgroup' ? PROPERTY_RUNS : Math.ceil(PROPERTY_RUNS / 3), (c) => (x, w, dy) => [K.conv2d(x!, w!, opts(c)), ...K.grads((a, b) => K.conv2d(a!, b!, opts(c)))([x!, w!], dy)]);
    });
  }
});
