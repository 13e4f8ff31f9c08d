import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { reduceOverride, reducePlan, type ReduceOp } from '@kerasgpu/kernels';
import { checkKernel, edgeSize, expectSameOnBackends, hostTensor, type HostTensor } from './harness.js';

const OPS: ReduceOp[] = ['sum', 'mean', 'max', 'min', 'prod'];
const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
/** Every subset of the axes of a rank-r tensor. */
const subsets = (r: number): number[][] => Array.from({ length: 2 ** r }, (_, m) => [...Array(r).keys()].filter((a) => (m >> a) & 1));
/** prod of many values stays finite when they are near 1. */
const nearOne = (h: HostTensor): HostTensor => ({ ...h, data: h.data.map((v) => 1 + v / 64) });
/** Summation order differs (tree vs sequential): tolerance grows with the reduced length. */
const tolFor = (n: number) => ({ atol: 1e-5 + 2e-6 * n, rtol: 1e-5 + 2e-7 * n });
/** A mean's error is its sum's over n. */
const tolOf = (op: ReduceOp, n: number) => (op === 'mean' ? { atol: tolFor(n).atol / Math.max(n, 1), rtol: 1e-5 } : tolFor(n));

/** A shape (rank 0-3, edge sizes) with a subset of its axes and keepDims. */
const shapeAxes = fc.array(edgeSize(33), { maxLength: 3 }).chain((shape) =>
  fc.tuple(fc.constant(shape), fc.subarray([...shape.keys()]), fc.boolean(), hostTensor(shape)));

// Each adapter kind has its own plan (serial vec4 loops on a CPU adapter, workgroup trees on a
// GPU): both run here, whatever the adapter.
for (const adapter of ['cpu', 'gpu'] as const) describe(`webgpu reduce vs cpu (${adapter} plan)`, () => {
  beforeAll(() => { reduceOverride.adapter = adapter; });
  afterAll(() => { reduceOverride.adapter = null; });
  for (const op of OPS) {
    it(`${op}: random shapes, axes and keepDims`, async () => {
      await checkKernel(shapeAxes, ([, , , h]) => [op === 'prod' ? nearOne(h) : h],
        ([, axes, keep]) => (x) => K.reduce(op, x!, axes, keep),
        ([shape, axes]) => tolOf(op, axes.reduce((n, a) => n * shape[a]!, 1)));
    });
  }

  it('every axes subset of a rank-4 tensor, all ops, keepDims both ways', async () => {
    const shape = [3, 5, 2, 7];
    const x = fc.sample(hostTensor(shape), { numRuns: 1, seed: 42 })[0]!;
    await expectSameOnBackends([x, nearOne(x)], (a, b) => subsets(4).flatMap((axes, i) =>
      OPS.map((op) => K.reduce(op, op === 'prod' ? b! : a!, axes, i % 2 === 0))), tolFor(sizeOf(shape)));
  });

  it('int32 sums, max and min are exact (no float accumulation)', async () => {
    await checkKernel(fc.array(edgeSize(17), { minLength: 1, maxLength: 3 }).chain((s) => fc.tuple(hostTensor(s, 1000, 'int32'), fc.subarray([...s.keys()]))),
      ([h]) => [h], ([, axes]) => (x) => [K.sum(x!, axes), K.max(x!, axes), K.min(x!, axes)], () => ({ atol: 0, rtol: 0 }));
  });

  it('long reductions: split into partial passes (a mean divides in the last), per-workgroup rows and strided columns', async () => {
    const cases: [number[], number[]][] = [[[3, 70001], [1]], [[200003], [0]], [[5, 4099, 3], [1]], [[300, 257], [0]], [[2, 129, 65], [0, 2]], [[4099, 3], [0]],
      // vec4 rows: contiguous reduced dims of a multiple of 4 (split, per row, collapsed).
      [[262148], [0]], [[4, 65540], [1]], [[3, 5, 4096], [1, 2]], [[40, 12], [1]],
      // 4 columns per invocation (CPU plan): a bias gradient's column sums (split), a kept outer dim, two reduced dims.
      [[2560, 512], [0]], [[3, 5, 8], [1]], [[7, 3, 12], [0, 1]], [[6, 2, 4, 8], [0, 2]]];
    for (const [shape, axes] of cases) {
      const x = fc.sample(hostTensor(shape, 1), { numRuns: 1, seed: shape[0]! })[0]!;
      const r = axes.reduce((n, a) => n * shape[a]!, 1);
      await expectSameOnBackends([x], (t) => [K.sum(t!, axes), K.max(t!, axes), K.min(t!, axes, true)], tolFor(r));
      await expectSameOnBackends([x], (t) => K.mean(t!, axes), tolOf('mean', r));
    }
  });

  it('NaN propagates through max and min; empty reductions give the identity (a mean 0/0: NaN)', async () => {
    await expectSameOnBackends([{ data: [1, NaN, 3, 4, 5, 6], shape: [2, 3] }, { data: [], shape: [2, 0] }],
      (a, e) => [K.max(a!, 1), K.min(a!, 1), K.sum(e!, 1), K.prod(e!, 1), K.max(e!, 1), K.min(e!, 1), K.mean(e!, 1)]);
  });

  it('argMax / argMin give the first NaN in a row (NumPy), on short, vec4 and workgroup rows', async () => {
    for (const w of [3, 8, 4100]) {
      const rows = [[0, 5, 1], [NaN, 5, 1], [0, NaN, 9], [NaN, NaN, 1], [-Infinity, Infinity, NaN]];
      const data = rows.flatMap((r) => Array.from({ length: w }, (_, i) => (i < 2 ? r[i]! : i === w - 1 ? r[2]! : 0)));
      await expectSameOnBackends([{ data, shape: [rows.length, w] }], (a) => [K.argMax(a!, 1), K.argMin(a!, 1), K.argMax(a!, 0)], { atol: 0, rtol: 0 });
    }
  });

  it('long contiguous argMax / argMin (vec4 rows), first index on ties', async () => {
    const x = fc.sample(hostTensor([3, 4100]), { numRuns: 1, seed: 9 })[0]!;
    await expectSameOnBackends([{ ...x, data: x.data.map(Math.round) }], (a) => [K.argMax(a!, 1), K.argMin(a!, 1)], { atol: 0, rtol: 0 });
  });
});

describe('reduce plans', () => {
  const dims = (d: number[], s: number[]) => ({ dims: d, strides: s });
  it('vec4 only for one contiguous reduced dim with rows at multiples of 4; chunks cover the row', () => {
    for (const cpu of [true, false]) {
      const full = reducePlan(cpu, dims([], []), dims([1 << 22], [1]), true);
      expect(full.vec).toBe(4);
      expect(full.chunks * full.chunkLen).toBeGreaterThanOrEqual(1 << 22);
      expect((full.chunks - 1) * full.chunkLen).toBeLessThan(1 << 22);
      expect(full.chunkLen % 4).toBe(0);
      expect(reducePlan(cpu, dims([3], [4098]), dims([4098], [1]), true).vec).toBe(1);
      expect(reducePlan(cpu, dims([3], [1]), dims([4096], [3]), true).vec).toBe(1);
      expect(reducePlan(cpu, dims([5], [8192]), dims([4096, 2], [2, 1]), true).vec).toBe(1);
      expect(reducePlan(cpu, dims([5], [4096]), dims([4096], [1]), false).chunks).toBe(1);
    }
  });
  it('4 columns per invocation on a CPU adapter where kept outputs are contiguous in 4s and the reduced walk is not', () => {
    const cols = reducePlan(true, dims([512], [1]), dims([2560], [512]), true);
    expect(cols).toMatchObject({ cols: 4, vec: 1 });
    expect((cols.chunks * 512) / 4).toBeLessThanOrEqual(1024); // invocations stay near the CPU target
    expect(reducePlan(true, dims([3, 8], [40, 1]), dims([5], [8]), true).cols).toBe(4);
    expect(reducePlan(true, dims([6], [1]), dims([5], [6]), true).cols).toBe(1); // 6 outputs: not in 4s
    expect(reducePlan(true, dims([8], [2]), dims([5], [16]), true).cols).toBe(1); // kept not contiguous
    expect(reducePlan(true, dims([8], [1]), dims([5], [10]), true).cols).toBe(1); // rows not at multiples of 4
    expect(reducePlan(false, dims([512], [1]), dims([2560], [512]), true).cols).toBe(1); // GPUs: workgroup trees
  });
});

for (const adapter of ['cpu', 'gpu'] as const) describe(`webgpu argMax / argMin vs cpu (${adapter} plan)`, () => {
  beforeAll(() => { reduceOverride.adapter = adapter; });
  afterAll(() => { reduceOverride.adapter = null; });
  it('every axis, first index on ties', async () => {
    // Integer-valued floats in [-2, 2] make ties common.
    await checkKernel(fc.array(edgeSize(65), { minLength: 1, maxLength: 3 }).chain((s) => fc.tuple(hostTensor(s), fc.nat(s.length - 1))),
      ([h]) => [{ ...h, data: h.data.map(Math.round) }], ([, axis]) => (x) => [K.argMax(x!, axis), K.argMin(x!, axis)], () => ({ atol: 0, rtol: 0 }));
  });
  it('long axes (a workgroup per output), int32 and bool input', async () => {
    const x = fc.sample(hostTensor([3, 1000, 2]), { numRuns: 1, seed: 7 })[0]!;
    const xi = fc.sample(hostTensor([2, 5, 300], 5, 'int32'), { numRuns: 1, seed: 8 })[0]!;
    await expectSameOnBackends([{ ...x, data: x.data.map(Math.round) }, xi],
      (a, b) => [K.argMax(a!, 1), K.argMin(a!, 1), K.argMax(b!, 2), K.argMin(b!, 0), K.argMax(K.greater(a!, 0), 1), K.argMin(K.greater(b!, 0), 2)], { atol: 0, rtol: 0 });
  });
});

describe('webgpu reduction gradients vs cpu', () => {
  it('K.grads of sum / mean / max / prod / logSumExp composites', async () => {
    await checkKernel(fc.array(edgeSize(17), { minLength: 1, maxLength: 3 }).chain((s) => fc.tuple(hostTensor(s), fc.subarray([...s.keys()], { minLength: 1 }))),
      ([h]) => [{ ...h, data: h.data.map((v, i) => v + i * 1e-3) }],
      ([, axes]) => (x) => K.grads((t) => K.add(K.add(K.sum(K.mul(K.max(t!, axes, true), t!)), K.sum(K.logSumExp(t!, axes))),
        K.add(K.sum(K.prod(K.add(K.mul(t!, 0.01), 1), axes)), K.sum(K.mean(K.square(t!), axes)))))([x!]),
      ([h]) => tolFor(sizeOf(h.shape)));
  });
});
