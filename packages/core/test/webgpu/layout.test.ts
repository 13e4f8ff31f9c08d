import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { checkKernel, edgeSize, expectSameOnBackends, hostTensor } from './harness.js';

const EXACT = { atol: 0, rtol: 0 };
const shapeArb = (maxRank: number, maxDim = 17) => fc.array(edgeSize(maxDim), { maxLength: maxRank });
const dtypeArb = fc.constantFrom<K.DType>('float32', 'int32', 'bool');
/** A tensor of any dtype (bool built from int32 values on both backends). */
const anyTensor = (shape: number[]) => fc.tuple(dtypeArb, hostTensor(shape, 3, 'int32'), hostTensor(shape)).map(([dtype, ints, floats]) =>
  (dtype === 'float32' ? floats : { ...ints, dtype }));

describe('webgpu layout kernels vs cpu (bit-exact, every dtype)', () => {
  it('transpose: random permutations', async () => {
    await checkKernel(shapeArb(4).chain((s) => fc.tuple(anyTensor(s), fc.shuffledSubarray([...s.keys()], { minLength: s.length, maxLength: s.length }))),
      ([h]) => [h], ([, perm]) => (x) => K.transpose(x!, perm), () => EXACT);
  });

  it('transpose: matrices with sides of multiples of 4 (moved as 4×4 blocks), also after merging axes, and batches of them', async () => {
    const kinds = (a: number, b: number, k: number): [number[], number[]][] => [[[4 * a, 4 * b], [1, 0]], [[4 * a, 2, 2 * b], [1, 2, 0]], [[k, 4 * a, 4 * b], [0, 2, 1]], [[k, 2, 2 * a, 4 * b], [0, 1, 3, 2]]];
    const arb = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), edgeSize(5), fc.nat(3)).chain(([a, b, k, kind]) => {
      const [shape, perm] = kinds(a, b, k)[kind]!;
      return fc.tuple(anyTensor(shape), fc.constant(perm));
    });
    await checkKernel(arb, ([h]) => [h], ([, perm]) => (x) => K.transpose(x!, perm), () => EXACT);
  });

  it('slice: random begin and size', async () => {
    await checkKernel(shapeArb(4, 33).chain((s) => fc.tuple(anyTensor(s), fc.tuple(...s.map((d) => fc.nat(d).chain((b) => fc.tuple(fc.constant(b), fc.nat(d - b))))))),
      ([h]) => [h], ([, bs]) => (x) => K.slice(x!, bs.map(([b]) => b), bs.map(([, n]) => n)), () => EXACT);
  });

  it('concat: 1-5 inputs along a random axis', async () => {
    const arb = shapeArb(3).filter((s) => s.length > 0).chain((s) => fc.tuple(fc.nat(s.length - 1), fc.array(edgeSize(17), { minLength: 1, maxLength: 5 }), dtypeArb)
      .chain(([axis, lens, dtype]) => fc.tuple(fc.constant(axis), fc.tuple(...lens.map((l) => hostTensor(s.map((d, i) => (i === axis ? l : d)), 3, dtype === 'float32' ? 'float32' : 'int32')
        .map((h) => ({ ...h, dtype })))))));
    await checkKernel(arb, ([, hs]) => hs, ([axis]) => (...xs) => K.concat(xs, axis), () => EXACT);
  });

  it('concat of more inputs than one kernel may bind (one strided write each), and of some empty ones', async () => {
    // 16-19 non-empty inputs (more than lavapipe's 15 per kernel), and empty ones around them.
    const arb = fc.tuple(edgeSize(5), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 16, maxLength: 19 })).chain(([rows, lens]) =>
      fc.tuple(...[0, ...lens, 0].map((l) => hostTensor([rows, l]))));
    await checkKernel(arb, (hs) => hs, () => (...xs) => K.concat(xs, 1), () => EXACT, 5);
  });

  it('pad: random paddings and value', async () => {
    await checkKernel(shapeArb(3).chain((s) => fc.tuple(anyTensor(s), fc.tuple(...s.map(() => fc.tuple(fc.nat(3), fc.nat(3)))), fc.integer({ min: -3, max: 3 }))),
      ([h]) => [h], ([, p, v]) => (x) => K.pad(x!, p, v), () => EXACT);
  });

  it('slice, concat and pad with innermost runs of whole vec4s (moved as vec4), and offsets that are not', async () => {
    // [a, b, 4q]: slicing or padding the outer axes keeps vec4 runs; an innermost begin or padding of 1-3 does not.
    const arb = fc.tuple(edgeSize(6), edgeSize(6), fc.integer({ min: 1, max: 5 }), dtypeArb, fc.nat(3), fc.nat(2)).chain(([a, b, q, dtype, inner, lead]) => fc.tuple(
      hostTensor([a + 1, b + 1, 4 * q], 3, dtype === 'float32' ? 'float32' : 'int32').map((h) => ({ ...h, dtype })),
      hostTensor([a + 1, 2, 4 * q], 3, dtype === 'float32' ? 'float32' : 'int32').map((h) => ({ ...h, dtype })),
      fc.constant(inner), fc.constant(lead)));
    await checkKernel(arb, ([h, g]) => [h, g], ([, , inner, lead]) => (x, y) => {
      const [a, b, c] = x!.shape as [number, number, number];
      return [
        K.slice(x!, [lead % a, 1, 0], [a - (lead % a), b - 1, c]),
        K.slice(x!, [0, 0, inner], [a, b, c - inner]),
        K.concat([x!, y!], 1), K.concat([x!, x!], 2),
        K.pad(x!, [[lead, 1], [0, 2], [0, 0]], 0), K.pad(x!, [[0, 0], [1, 0], [inner, 4 - inner]], 1),
      ];
    }, () => EXACT);
  });

  it('tile: random reps (including 0)', async () => {
    await checkKernel(shapeArb(3).chain((s) => fc.tuple(anyTensor(s), fc.tuple(...s.map(() => fc.nat(3))))),
      ([h]) => [h], ([, reps]) => (x) => K.tile(x!, reps), () => EXACT);
  });

  it('gather: indices of any shape along any axis, out of range gives 0', async () => {
    const arb = shapeArb(3).filter((s) => s.length > 0).chain((s) => fc.tuple(anyTensor(s), fc.nat(s.length - 1), fc.array(edgeSize(5), { maxLength: 2 }))
      .chain(([h, axis, ishape]) => fc.tuple(fc.constant(h), fc.constant(axis), hostTensor(ishape, s[axis]! + 1, 'int32'))));
    await checkKernel(arb, ([h, , idx]) => [h, idx], ([, axis]) => (x, i) => K.gather(x!, i!, axis), () => EXACT);
  });

  it('gather: rows of a multiple of 4 words (moved as vec4), as an epoch gathers its batches', async () => {
    const arb = fc.tuple(edgeSize(9), fc.integer({ min: 1, max: 9 }), dtypeArb).chain(([rows, quads, dtype]) => fc.tuple(
      hostTensor([rows, quads * 4], 3, dtype === 'float32' ? 'float32' : 'int32').map((h) => ({ ...h, dtype })), hostTensor([5], rows + 1, 'int32')));
    await checkKernel(arb, ([h, idx]) => [h, idx], () => (x, i) => K.gather(x!, i!, 0), () => EXACT);
  });

  it('scatterAdd: repeated indices accumulate', async () => {
    const arb = shapeArb(3).filter((s) => s.length > 0).chain((s) => fc.tuple(fc.constant(s), fc.nat(s.length - 1), fc.integer({ min: 1, max: 40 }))
      .chain(([shape, axis, m]) => fc.tuple(fc.constant(shape), fc.constant(axis), hostTensor(shape.map((d, i) => (i === axis ? m : d))),
        hostTensor([m], shape[axis]!, 'int32'))));
    await checkKernel(arb, ([, , u, idx]) => [u, { ...idx, data: idx.data.map(Math.abs) }],
      ([shape, axis]) => (u, i) => K.scatterAdd(u!, i!, shape, axis), () => ({ atol: 1e-5, rtol: 1e-5 }));
  });

  it('scatterAdd with long rows (row per update with fewer indices than rows, else row per output row)', async () => {
    for (const [shape, axis, m] of [[[1500, 17], 0, 301], [[3, 400, 16], 1, 257], [[3, 400, 16], 1, 450], [[20, 16], 0, 7]] as const) {
      const u = fc.sample(hostTensor(shape.map((d, i) => (i === axis ? m : d))), { numRuns: 1, seed: m })[0]!;
      const idx = fc.sample(hostTensor([m], shape[axis]! - 1, 'int32'), { numRuns: 1, seed: m + 1 })[0]!;
      // Few distinct indices so rows receive several updates; -1 is out of range and dropped.
      await expectSameOnBackends([u, { ...idx, data: idx.data.map((v) => (v % 9) - 1) }], (a, i) => K.scatterAdd(a!, i!, [...shape], axis), { atol: 1e-5, rtol: 1e-5 });
    }
  });

  it('a larger odd-sized tensor through transpose, slice and tile', async () => {
    const x = fc.sample(hostTensor([129, 65, 17]), { numRuns: 1, seed: 3 })[0]!;
    await expectSameOnBackends([x], (t) => [K.transpose(t!, [2, 0, 1]), K.slice(t!, [1, 3, 2], [127, 61, 13]), K.tile(t!, [1, 2, 1])], EXACT);
  });
});

describe('webgpu layout gradients vs cpu', () => {
  it('K.grads through transpose, slice, concat, pad, tile and gather', async () => {
    await checkKernel(fc.tuple(edgeSize(17), edgeSize(17)).chain(([a, b]) => fc.tuple(hostTensor([a, b]), hostTensor([3, a + 2], a, 'int32'))),
      ([h, idx]) => [h, idx], () => (x, idx) => K.grads((t) => {
        const [a, b] = t!.shape as [number, number];
        const y = K.concat([K.transpose(t!), K.reshape(K.slice(K.pad(t!, [[1, 2], [0, 1]]), [1, 0], [a, b]), [b, a])], 0);
        const g = K.gather(K.tile(y, [1, 2]), K.abs(idx!), 1);
        return K.sum(K.mul(g, g));
      })([x!]), ([h]) => ({ atol: 1e-4, rtol: 1e-4 * h.shape[0]! }));
  });
});
