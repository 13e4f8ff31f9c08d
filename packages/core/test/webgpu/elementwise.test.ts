import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { BINARY, ELEMENTWISE_SPLIT_MIN, elementwisePlan, UNARY, type BinaryOp, type UnaryOp } from '@kerasgpu/kernels';
import { checkKernel, edgeSize, expectSameOnBackends, hostTensor } from './harness.js';

/** Broadcast-compatible shape pairs: each dim of b is the dim of a or 1; ranks may differ. */
const broadcastPair = fc.array(edgeSize(33), { minLength: 0, maxLength: 4 }).chain((a) =>
  fc.tuple(fc.constant(a), fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length }), fc.nat(a.length)).map(([s, ones, drop]) => {
    const b = s.map((d, i) => (ones[i] ? 1 : d)).slice(drop);
    return [s, b] as const;
  }));

/** Operands broadcast on both sides (a dim may be 1 in either), so every input is strided. */
const twoSided = (count: number) => fc.array(edgeSize(17), { minLength: 1, maxLength: 4 }).chain((s) =>
  fc.array(fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }), { minLength: count, maxLength: count })
    .map((ones) => ones.map((o) => s.map((d, i) => (o[i] ? 1 : d)))));

describe('webgpu elementwise vs cpu', () => {
  for (const op of Object.keys(UNARY) as UnaryOp[]) {
    it(`unary ${op}`, async () => {
      const positive = ['log', 'sqrt', 'reciprocal'].includes(op);
      await checkKernel(fc.array(edgeSize(65), { maxLength: 3 }).chain((s) => hostTensor(s, 3)),
        (h) => [positive ? { ...h, data: h.data.map((v) => Math.abs(v) + 0.1) } : op === 'log1p' ? { ...h, data: h.data.map((v) => Math.abs(v)) } : h],
        () => (x) => K.unary(op, x), () => ({ atol: 1e-5, rtol: 1e-4 }));
    });
  }
  for (const op of Object.keys(BINARY) as BinaryOp[]) {
    it(`binary ${op} with broadcasting`, async () => {
      await checkKernel(broadcastPair.chain(([a, b]) => fc.tuple(hostTensor(a, 3), hostTensor(b, 3))),
        ([a, b]) => (op === 'pow' ? [{ ...a, data: a.data.map((v) => Math.abs(v) + 0.1) }, b] : op === 'div' ? [a, { ...b, data: b.data.map((v) => (Math.abs(v) < 0.1 ? 1 : v)) }] : [a, b]),
        () => (a, b) => K.binary(op, a!, b!), () => ({ atol: 1e-5, rtol: 1e-4 }));
    });
  }
  it('special values (NaN, ±Infinity, ±0) give the cpu answer for every op, scalar and vec4 paths', async () => {
    const special = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, 100, -100];
    const pairs = [special.flatMap((v) => special.map(() => v)), special.flatMap(() => special)];
    for (const x of [special, [...special, NaN, -Infinity]]) {
      for (const op of Object.keys(UNARY) as UnaryOp[]) await expectSameOnBackends([{ data: x, shape: [x.length] }], (t) => K.unary(op, t!));
      await expectSameOnBackends([{ data: x, shape: [x.length] }], (t) => K.clip(t!, -1, 1));
    }
    for (const op of Object.keys(BINARY) as BinaryOp[]) {
      await expectSameOnBackends(pairs.map((d) => ({ data: d, shape: [d.length] })), (a, b) => K.binary(op, a!, b!));
    }
  });
  it('operands broadcast on both sides (coordinates carried across several dims per invocation)', async () => {
    await checkKernel(twoSided(3).chain((ss) => fc.tuple(...ss.map((sh) => hostTensor(sh, 3)))), (hs) => hs,
      () => (a, b, c) => [K.sub(a!, b!), K.where(K.greater(a!, 0), b!, c!)]);
  });
  it('where and cast', async () => {
    await checkKernel(broadcastPair.chain(([a, b]) => fc.tuple(hostTensor(a, 3), hostTensor(b, 3))), ([a, b]) => [a, b],
      () => (a, b) => [K.where(K.greater(a!, 0), a!, b!), K.cast(a!, 'int32'), K.cast(K.cast(b!, 'bool'), 'float32')]);
  });
  // Same-shape and scalar operands run as vec4 when the size is a multiple of 4, and past
  // ELEMENTWISE_SPLIT_MIN as a vec4 bulk plus a scalar tail dispatch (its own binding window).
  const long = fc.constantFrom(4, 12, 64, 1028, ELEMENTWISE_SPLIT_MIN - 1, ELEMENTWISE_SPLIT_MIN + 1, ELEMENTWISE_SPLIT_MIN + 3, ELEMENTWISE_SPLIT_MIN + 65);
  it('plans vec4 for sizes divisible by 4, a vec4 bulk and a scalar tail past the split size', () => {
    const parts = (n: number) => elementwisePlan(n, 0, ['same', 'scalar']).map((p) => [p.variant.vec, p.start, p.n]);
    expect(parts(1028)).toEqual([[4, 0, 1028]]);
    expect(parts(1027)).toEqual([[1, 0, 1027]]);
    expect(parts(ELEMENTWISE_SPLIT_MIN + 65)).toEqual([[4, 0, ELEMENTWISE_SPLIT_MIN + 64], [1, ELEMENTWISE_SPLIT_MIN + 64, 1]]);
    expect(elementwisePlan(1028, 2, ['same', 'strided']).map((p) => p.variant.vec)).toEqual([1]);
  });
  it('vec4 bulk and scalar tail: same-shape and scalar operands, every element type', async () => {
    await checkKernel(long.chain((n) => fc.tuple(hostTensor([n], 3), hostTensor([n], 3), hostTensor([], 3), hostTensor([n], 3, 'int32'))),
      (hs) => hs,
      () => (a, b, s, i) => [K.mul(a!, b!), K.sub(s!, a!), K.where(K.greater(a!, s!), b!, s!), K.cast(K.add(i!, 1), 'float32'), K.relu(a!), K.cast(b!, 'bool')]);
  });
});
