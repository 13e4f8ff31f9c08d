import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { BINARY, UNARY, type BinaryOp, type UnaryOp } from '@kerasgpu/kernels';
import { checkKernel, edgeSize, hostTensor } from './harness.js';

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
  it('operands broadcast on both sides (coordinates carried across several dims per invocation)', async () => {
    await checkKernel(twoSided(3).chain((ss) => fc.tuple(...ss.map((sh) => hostTensor(sh, 3)))), (hs) => hs,
      () => (a, b, c) => [K.sub(a!, b!), K.where(K.greater(a!, 0), b!, c!)]);
  });
  it('where and cast', async () => {
    await checkKernel(broadcastPair.chain(([a, b]) => fc.tuple(hostTensor(a, 3), hostTensor(b, 3))), ([a, b]) => [a, b],
      () => (a, b) => [K.where(K.greater(a!, 0), a!, b!), K.cast(a!, 'int32'), K.cast(K.cast(b!, 'bool'), 'float32')]);
  });
});
