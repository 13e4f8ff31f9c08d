import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { BINARY, FIT_MIN_WORK, gemmOverride, matMulGpu, UNARY, type GemmEpilogue, type GpuTensor, type UnaryOp } from '@kerasgpu/kernels';
import { VARIANTS } from './gemm-variants.js';
import { expectSameOnBackends, gpuBackend, hostTensor, PROPERTY_RUNS, type HostTensor } from './harness.js';

/**
 * Sizes around the tiles of both GEMM variants (32 and 64/128), plus random ones; multiples of 4
 * among them (a transposed A with M % 4 == 0 is read as vec4s of rows).
 */
const dim = fc.oneof(fc.constantFrom(1, 3, 4, 17, 63, 65, 68, 129), fc.integer({ min: 1, max: 70 }));
const tol = (k: number) => ({ atol: 1e-5 * k + 1e-5, rtol: 1e-4 });

interface Case { m: number; n: number; k: number; tA: boolean; tB: boolean; aBatch: number[]; bBatch: number[] }

/** Broadcast batch shapes: each dim is shared, or 1 on one side; ranks may differ. */
const batches = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }).chain((shape) =>
  fc.tuple(fc.constant(shape), fc.array(fc.constantFrom('both', 'a1', 'b1'), { minLength: shape.length, maxLength: shape.length }), fc.nat(shape.length), fc.nat(shape.length))
    .map(([s, which, dropA, dropB]) => [s.map((d, i) => (which[i] === 'a1' ? 1 : d)).slice(dropA), s.map((d, i) => (which[i] === 'b1' ? 1 : d)).slice(dropB)] as const));

const matmulCase = (batched: boolean): fc.Arbitrary<Case> =>
  fc.record({ m: dim, n: dim, k: dim, tA: fc.boolean(), tB: fc.boolean(), b: batched ? batches : fc.constant([[], []] as const) })
    .map(({ b: [aBatch, bBatch], ...c }) => ({ ...c, aBatch: [...aBatch], bBatch: [...bBatch] }));

/** webgpu vs cpu on `runs` generated cases (the tiled variant compiles slowly on lavapipe: fewer runs). */
async function check(cases: fc.Arbitrary<{ c: Case; xs: HostTensor[] }>, fn: (c: Case) => (...xs: K.Tensor[]) => K.Tensor | K.Tensor[], tolK: (c: Case) => number, runs: number): Promise<void> {
  await fc.assert(fc.asyncProperty(cases, async ({ c, xs }) => expectSameOnBackends(xs, fn(c), tol(tolK(c)))), { numRuns: runs });
}

function run(c: Case) {
  return fc.tuple(
    hostTensor([...c.aBatch, ...(c.tA ? [c.k, c.m] : [c.m, c.k])]),
    hostTensor([...c.bBatch, ...(c.tB ? [c.n, c.k] : [c.k, c.n])]),
  );
}

describe('webgpu matMul vs cpu', () => {
  afterEach(() => { gemmOverride.variant = null; gemmOverride.rowBlocks = null; });
  const withInputs = (cases: fc.Arbitrary<Case>) => cases.chain((c) => run(c).map((xs) => ({ c, xs: [...xs] })));
  const product = (c: Case) => (a: K.Tensor | undefined, b: K.Tensor | undefined) => K.matMul(a!, b!, c.tA, c.tB);
  for (const [name, variant, rowBlocks] of VARIANTS) {
    const runs = PROPERTY_RUNS;
    it(`${name} GEMM: edge sizes, both transposes`, async () => {
      gemmOverride.variant = variant;
      gemmOverride.rowBlocks = rowBlocks;
      await check(withInputs(matmulCase(false)), product, (c) => c.k, runs);
    });
    it(`${name} GEMM: broadcast batch dims`, async () => {
      gemmOverride.variant = variant;
      gemmOverride.rowBlocks = rowBlocks;
      await check(withInputs(matmulCase(true)), product, (c) => c.k, runs);
    });
  }
  it('whole tiles without bounds checks (large problems)', async () => {
    const c: Case = { m: 256, n: 128, k: 128, tA: false, tB: false, aBatch: [], bBatch: [] };
    expect(c.m * c.n * c.k).toBeGreaterThanOrEqual(FIT_MIN_WORK);
    await check(withInputs(fc.constant(c)), product, () => c.k, 1);
  });
  it('large problems read B packed into column panels: edge sizes, transposes, broadcast batch', async () => {
    // Each is large enough to be packed on a CPU adapter (and runs the GPU variant elsewhere).
    const cases: [Case, number][] = [ // with the output's batch count
      [{ m: 300, n: 130, k: 129, tA: false, tB: true, aBatch: [], bBatch: [] }, 1],
      [{ m: 257, n: 33, k: 520, tA: true, tB: false, aBatch: [2], bBatch: [1] }, 2],
      [{ m: 129, n: 67, k: 260, tA: false, tB: false, aBatch: [2, 1], bBatch: [3] }, 6],
      [{ m: 256, n: 40, k: 260, tA: true, tB: true, aBatch: [2], bBatch: [1] }, 2], // A's rows read as vec4s, whole row tiles
      [{ m: 100, n: 68, k: 320, tA: false, tB: false, aBatch: [2], bBatch: [2] }, 2], // B's rows packed as vec4s, per matrix
      // At most 32 rows: one subgroup per workgroup (whole, and partial rows).
      [{ m: 32, n: 130, k: 1100, tA: true, tB: false, aBatch: [], bBatch: [] }, 1],
      [{ m: 21, n: 67, k: 3100, tA: false, tB: true, aBatch: [], bBatch: [] }, 1],
    ];
    for (const [c, batches] of cases) {
      expect(c.m * c.n * c.k * batches).toBeGreaterThanOrEqual(FIT_MIN_WORK);
      await check(withInputs(fc.constant(c)), product, () => c.k, 1);
    }
  });
  it('production tiled configurations (64x64x16 and 64x128x16 tiles)', async () => {
    gemmOverride.variant = 'tiled';
    for (const [m, n, k] of [[65, 63, 33], [70, 129, 17]] as const) {
      const c: Case = { m, n, k, tA: false, tB: false, aBatch: [], bBatch: [] };
      await check(withInputs(fc.constant(c)), product, () => k, 1);
    }
  });
  it('gradients through matMul (dy given, both operands)', async () => {
    const sameBatch = fc.record({ c: matmulCase(false), batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }) })
      .map(({ c, batch }) => ({ ...c, aBatch: batch, bBatch: batch }));
    const cases = sameBatch.chain((c) => fc.tuple(run(c), hostTensor([...c.aBatch, c.m, c.n])).map(([xs, dy]) => ({ c, xs: [...xs, dy] })));
    await check(cases, (c) => (a, b, dy) => K.grads((x, y) => K.matMul(x!, y!, c.tA, c.tB))([a!, b!], dy), (c) => Math.max(c.k, c.m, c.n) * 4, Math.ceil(PROPERTY_RUNS / 2));
  });
  it('fused epilogue chain (kernel parameter): same-shape, per-column and scalar operands around the accumulator', async () => {
    const acts = ['relu', 'tanh', 'sigmoid'] as const satisfies readonly UnaryOp[];
    // act(acc + bias[col]) · z − s, with the operands bound in another order than the stages read them.
    // The epilogue is the same template code in both variants: the adapter's own one is enough.
    const cases = fc.record({ m: dim, n: dim, k: dim, act: fc.constantFrom(...acts) })
      .chain((c) => fc.tuple(hostTensor([c.m, c.k]), hostTensor([c.k, c.n]), hostTensor([c.n]), hostTensor([c.m, c.n]), hostTensor([1])).map((xs) => ({ c, xs })));
    await fc.assert(fc.asyncProperty(cases, async ({ c, xs: [a, b, bias, z, s] }) => {
      await K.setBackend('cpu');
      const t = (h: HostTensor) => K.tensor(h.data, h.shape);
      const want = await K.tidy(() => K.sub(K.mul(K.unary(c.act, K.add(K.matMul(t(a!), t(b!)), t(bias!))), t(z!)), t(s!))).data();
      const gpu = await gpuBackend();
      const ts = [a, b, bias, z, s].map((h) => t(h!));
      const y = K.zeros([c.m, c.n]);
      const g = (x: K.Tensor): GpuTensor => ({ buffer: (x.storageFor('test') as { buffer: GPUBuffer }).buffer, shape: x.shape, dtype: x.dtype });
      const bin = (op: 'add' | 'mul' | 'sub', args: ({ input: number } | { stage: number })[]) => ({ expr: BINARY[op].wgsl, params: ['a', 'b'], args, out: 'f32' as const });
      const chain: GemmEpilogue = {
        operands: [{ at: 'scalar', type: 'f32' }, { at: 'same', type: 'f32' }, { at: 'acc', type: 'f32' }, { at: 'column', type: 'f32' }],
        stages: [bin('add', [{ input: 2 }, { input: 3 }]), { expr: UNARY[c.act].wgsl, params: ['x'], args: [{ stage: 0 }], out: 'f32' }, bin('mul', [{ stage: 1 }, { input: 1 }]), bin('sub', [{ stage: 2 }, { input: 0 }])],
      };
      matMulGpu(gpu.ctx, g(ts[0]!), g(ts[1]!), { transposeA: false, transposeB: false }, g(y), { chain, buffers: [ts[4]!, ts[3]!, ts[2]!].map((x) => g(x).buffer) });
      const got = await y.data();
      K.dispose([...ts, y]);
      want.forEach((w, i) => {
        if (!(Math.abs(got[i]! - w) <= 1e-5 * c.k + 1e-5 + 1e-4 * Math.abs(w))) throw new Error(`${c.act} element ${i}: webgpu ${got[i]} vs cpu ${w}`);
      });
    }), { numRuns: 3 });
  });
});
