/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
 * counter-based generator, so element i of a random tensor depends only on (seed, i). The WGSL
 * twin in random.wgsl.ts computes the same bits, which makes the cpu and webgpu backends agree.
 */
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32s. */
function mulhi(a: number, b: number): number {
  const aLo = a & 0xffff, aHi = a >>> 16, bLo = b & 0xffff, bHi = b >>> 16;
  const lo = aLo * bLo;
  const mid1 = aHi * bLo;
  const mid2 = aLo * bHi;
  const carry = ((lo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (aHi * bHi + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
}

/** The two uint32 key words (core's RandomKey: seeds, splitting and the global stream live there). */
export type PhiloxKey = readonly [number, number];

/** Four uint32 outputs for counter (c0, c1, 0, 0) under key (k0, k1). */
export function philox4x32(c0: number, c1: number, k0: number, k1: number): [number, number, number, number] {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = 0, x3 = 0;
  let key0 = k0 >>> 0, key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, x0), lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulhi(M1, x2), lo1 = Math.imul(M1, x2) >>> 0;
    [x0, x1, x2, x3] = [(hi1 ^ x1 ^ key0) >>> 0, lo1, (hi0 ^ x3 ^ key1) >>> 0, lo0];
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  return [x0, x1, x2, x3];
}

/** Uniform in [0, 1) from the top 24 bits: exactly representable in f32 on both backends. */
export function bitsToUnit(bits: number): number {
  return (bits >>> 8) * (1 / 16777216);
}
