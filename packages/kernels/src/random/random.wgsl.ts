import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import { TRUNCATED_ROUNDS, type Distribution } from './random.cpu.js';

/**
 * Philox4x32-10 in WGSL, the twin of philox.ts: the same constants, counter (i, round, 0, 0) and
 * key (seed low, seed high) give the same bits. WGSL has no 64-bit integers, so `mulhi` builds
 * the high word of the product from 16-bit halves exactly as the TypeScript does.
 */
const PHILOX_WGSL = `
fn mulhi(a: u32, b: u32) -> u32 {
  let aLo = a & 0xffffu; let aHi = a >> 16u; let bLo = b & 0xffffu; let bHi = b >> 16u;
  let lo = aLo * bLo;
  let mid1 = aHi * bLo;
  let mid2 = aLo * bHi;
  let carry = ((lo >> 16u) + (mid1 & 0xffffu) + (mid2 & 0xffffu)) >> 16u;
  return aHi * bHi + (mid1 >> 16u) + (mid2 >> 16u) + carry;
}
fn philox(c0: u32, c1: u32, k0: u32, k1: u32) -> vec4u {
  var x = vec4u(c0, c1, 0u, 0u);
  var key0 = k0; var key1 = k1;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = mulhi(0xd2511f53u, x.x); let lo0 = 0xd2511f53u * x.x;
    let hi1 = mulhi(0xcd9e8d57u, x.z); let lo1 = 0xcd9e8d57u * x.z;
    x = vec4u(hi1 ^ x.y ^ key0, lo1, hi0 ^ x.w ^ key1, lo0);
    key0 += 0x9e3779b9u;
    key1 += 0xbb67ae85u;
  }
  return x;
}
fn bitsToUnit(bits: u32) -> f32 { return f32(bits >> 8u) * (1.0 / 16777216.0); }
fn boxMuller(b0: u32, b1: u32) -> f32 {
  let u1 = bitsToUnit(b0) + 1.0 / 16777216.0;
  let u2 = bitsToUnit(b1);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}`;

/** out[i] from Philox counter (i, round) as in random.cpu.ts; `out` is the stored element type. */
export function randomWgsl(dist: Distribution, out: 'f32' | 'i32'): string {
  const body = dist === 'uniform'
    ? 'let v = u.a + (u.b - u.a) * bitsToUnit(philox(i, 0u, u.k0, u.k1).x);'
    : `var z = 0.0;
  for (var rd = 0u; rd < ${TRUNCATED_ROUNDS}u; rd++) {
    let r = philox(i, rd, u.k0, u.k1);
    z = boxMuller(r.x, r.y);
    ${dist === 'normal' ? 'break;' : 'if (abs(z) <= 2.0) { break; }'}
  }
  ${dist === 'truncatedNormal' ? 'z = clamp(z, -2.0, 2.0);' : ''}
  let v = u.a + u.b * z;`;
  return `${uniformStruct([['n', 'u32'], ['k0', 'u32'], ['k1', 'u32'], ['a', 'f32'], ['b', 'f32']])}
${storageBindings(1, [['Y', out, 'read_write']])}
${PHILOX_WGSL}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n) { return; }
  ${body}
  Y[i] = ${out}(v);
}`;
}
