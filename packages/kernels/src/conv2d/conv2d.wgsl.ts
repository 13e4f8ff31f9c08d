import type { GemmHooks } from '../matmul/matmul.wgsl.js';
import { UDIV_EXACT_BELOW, udivWgsl } from '../webgpu/wgsl.js';
import type { Conv2DGeometry } from './geometry.js';

/**
 * The three convolutions as implicit GEMMs over the one GEMM template: the A/B read hooks compute
 * im2col addresses on the fly (no im2col buffer). Index decompositions, NHWC, filter [kh,kw,c,f]:
 *   forward          C[(n,oh,ow)][f]    = Σ_(kh,kw,c) x[n, oh·s−p+kh·d, ow·s−p+kw·d, c] · w[kh,kw,c,f]
 *   backprop input   C[(n,ih,iw)][c]    = Σ_(kh,kw,f) dy[n, oh, ow, f] · w[kh,kw,c,f], oh·s = ih+p−kh·d
 *   backprop filter  C[f][(kh,kw,c)]    = Σ_(n,oh,ow) dy[(n,oh,ow), f] · x[n, oh·s−p+kh·d, ow·s−p+kw·d, c]
 *                    (A is dy read transposed: neighbouring rows, neighbouring lanes, are neighbouring
 *                    channels; C is written transposed, as dw [kh,kw,c,f])
 * A tap in the padding (or, for the input gradient, between strides) reads as 0. Indices are
 * decomposed with `udiv`/`umod` (reciprocal uniforms `r_<dim>`): plain division by a uniform
 * made every read several times slower on a CPU adapter.
 */
export type ConvKind = 'forward' | 'backpropInput' | 'backpropFilter';

const GEOMETRY_FIELDS = ['batch', 'inH', 'inW', 'inC', 'kH', 'kW', 'outC', 'outH', 'outW', 'strideH', 'strideW', 'dilH', 'dilW', 'padTop', 'padLeft'] as const;

/** The divisors of the index decompositions, passed with their reciprocals for `udiv`. */
const DIVISORS = ['inH', 'inW', 'inC', 'kW', 'outC', 'outH', 'outW', 'strideH', 'strideW'] as const;

export const convFields = [
  ...GEOMETRY_FIELDS.map((f) => [f, f.startsWith('pad') ? 'i32' : 'u32'] as const),
  ...DIVISORS.map((f) => [`r_${f}`, 'f32'] as const),
];
export const convValues = (g: Conv2DGeometry) => [...GEOMETRY_FIELDS.map((f) => g[f]), ...DIVISORS.map((f) => 1 / g[f])];
const div = (x: string, d: (typeof DIVISORS)[number]) => `udiv(${x}, u.${d}, u.r_${d})`;
const mod = (x: string, d: (typeof DIVISORS)[number]) => `umod(${x}, u.${d}, u.r_${d})`;

/** Whether every decomposed index stays below UDIV_EXACT_BELOW (else `udiv` divides plainly). */
export function convFastDivision(g: Conv2DGeometry): boolean {
  const largest = Math.max(g.batch * g.outH * g.outW, g.batch * g.inH * g.inW, g.kH * g.kW * Math.max(g.inC, g.outC), g.inH + g.inW + Math.abs(g.padTop) + Math.abs(g.padLeft));
  return largest < UDIV_EXACT_BELOW;
}

/** GEMM sizes of each convolution. */
export function convProblem(kind: ConvKind, g: Conv2DGeometry): { m: number; n: number; k: number } {
  const taps = g.kH * g.kW;
  switch (kind) {
    case 'forward': return { m: g.batch * g.outH * g.outW, n: g.outC, k: taps * g.inC };
    case 'backpropInput': return { m: g.batch * g.inH * g.inW, n: g.inC, k: taps * g.outC };
    case 'backpropFilter': return { m: g.outC, n: taps * g.inC, k: g.batch * g.outH * g.outW };
  }
}

/** Vec4 reads where 4 consecutive GEMM indices are 4 consecutive channels of one tap or pixel. */
export function convVectors(kind: ConvKind, g: Conv2DGeometry): { a4: boolean; b4: boolean } {
  switch (kind) {
    case 'forward': return { a4: g.inC % 4 === 0, b4: g.outC % 4 === 0 };
    case 'backpropInput': return { a4: g.outC % 4 === 0, b4: g.inC % 4 === 0 };
    case 'backpropFilter': return { a4: false, b4: g.inC % 4 === 0 };
  }
}

/** Forward's A row = output pixel (n, oh, ow), as (n·inH, oh·s − padTop, ow·s − padLeft). */
const X_ROW = `
fn mm_rowA(pix: u32) -> vec4i {
  let ow = ${mod('pix', 'outW')};
  let t = ${div('pix', 'outW')};
  let oh = ${mod('t', 'outH')};
  let n = ${div('t', 'outH')};
  return vec4i(i32(n * u.inH), i32(oh * u.strideH) - u.padTop, i32(ow * u.strideW) - u.padLeft, 0);
}`;

/** Flat x index for the window origin `o` = (n·inH, ih0, iw0) at tap (kh, kw), channel c; -1 in the padding. */
const X_AT = `
fn convX(o: vec4i, kh: u32, kw: u32, c: u32) -> i32 {
  let ih = o.y + i32(kh * u.dilH);
  let iw = o.z + i32(kw * u.dilW);
  if (ih < 0 || iw < 0 || ih >= i32(u.inH) || iw >= i32(u.inW)) { return -1; }
  return ((o.x + ih) * i32(u.inW) + iw) * i32(u.inC) + i32(c);
}`;

/** Filter gradient: B[pixel (n, oh, ow)][(kh, kw, c)], the input window's tap; 0 in the padding. */
const X_PIX_TAP = `
fn convXPix(pix: u32, kh: u32, kw: u32, c: u32) -> i32 {
  let ow = ${mod('pix', 'outW')};
  let t = ${div('pix', 'outW')};
  let oh = ${mod('t', 'outH')};
  let n = ${div('t', 'outH')};
  return convX(vec4i(i32(n * u.inH), i32(oh * u.strideH) - u.padTop, i32(ow * u.strideW) - u.padLeft, 0), kh, kw, c);
}`;

/** Input gradient: A row = input pixel (n, ih, iw) as (n·outH, ih + padTop, iw + padLeft). */
const DY_ROW = `
fn mm_rowA(pix: u32) -> vec4i {
  let iw = ${mod('pix', 'inW')};
  let t = ${div('pix', 'inW')};
  let ih = ${mod('t', 'inH')};
  let n = ${div('t', 'inH')};
  return vec4i(i32(n * u.outH), i32(ih) + u.padTop, i32(iw) + u.padLeft, 0);
}`;

/** Flat dy index reaching the input pixel `o` through tap (kh, kw), channel f; -1 if none. */
const DY_AT = `
fn convDy(o: vec4i, kh: u32, kw: u32, f: u32) -> i32 {
  let ohs = o.y - i32(kh * u.dilH);
  let ows = o.z - i32(kw * u.dilW);
  if (ohs < 0 || ows < 0) { return -1; }
  let oh = ${div('u32(ohs)', 'strideH')};
  let ow = ${div('u32(ows)', 'strideW')};
  if (oh * u.strideH != u32(ohs) || ow * u.strideW != u32(ows) || oh >= u.outH || ow >= u.outW) { return -1; }
  return ((o.x + i32(oh)) * i32(u.outW) + i32(ow)) * i32(u.outC) + i32(f);
}`;

/** The GEMM template's read hooks' parameters: A's (with the row context of mm_rowA) and B's. */
const A_PARAMS = 'base: u32, rc: vec4i, row: u32, k: u32';
const B_PARAMS = 'base: u32, k: u32, col: u32';

/** A read hook `name` (or `name`4) through an index function returning -1 for a zero tap. */
const gathered = (name: string, params: string, buf: string, vec: boolean, idx: string) => vec
  ? `fn ${name}4(${params}) -> vec4f { let i = ${idx}; if (i < 0) { return vec4f(0.0); } return ${buf}[u32(i) / 4u]; }`
  : `fn ${name}(${params}) -> f32 { let i = ${idx}; if (i < 0) { return 0.0; } return ${buf}[i]; }`;

/** Row-major [K][N] operand (the filter, or dy as the filter gradient's B). */
const rowMajorB = (buf: string, vec: boolean) => vec
  ? `fn mm_readB4(base: u32, k: u32, col: u32) -> vec4f { return ${buf}[(k * u.N + col) / 4u]; }`
  : `fn mm_readB(base: u32, k: u32, col: u32) -> f32 { return ${buf}[k * u.N + col]; }`;

const NO_BATCH_BASES = 'fn mm_baseA(batch: u32) -> u32 { return 0u; }\nfn mm_baseB(batch: u32) -> u32 { return 0u; }';
const WRITE = 'fn mm_write(batch: u32, row: u32, col: u32, v: f32) { Y[row * u.N + col] = v; }';
/** (kh, kw, c) of a filter-ordered index over `ch` channels. */
const tap = (i: string, ch: 'inC' | 'outC') => `${div(div(i, ch), 'kW')}, ${mod(div(i, ch), 'kW')}, ${mod(i, ch)}`;

export function convHooks(kind: ConvKind, g: Conv2DGeometry): GemmHooks {
  const { a4, b4 } = convVectors(kind, g);
  const vt = (v: boolean) => (v ? 'vec4f' : 'f32');
  const NO_BATCH = `${udivWgsl(convFastDivision(g))}\n${NO_BATCH_BASES}`;
  switch (kind) {
    case 'forward':
      return {
        fields: convFields, a4, b4,
        bindings: [['X', vt(a4), 'read'], ['W', vt(b4), 'read'], ['Y', 'f32', 'read_write']],
        code: [NO_BATCH, X_ROW, X_AT, gathered('mm_readA', A_PARAMS, 'X', a4, `convX(rc, ${tap('k', 'inC')})`), rowMajorB('W', b4), WRITE].join('\n'),
      };
    case 'backpropInput':
      return {
        fields: convFields, a4, b4,
        // B[(kh,kw,f)][c] = w[kh,kw,c,f]: the filter with its channel axes swapped (convGpu), read row-major.
        bindings: [['DY', vt(a4), 'read'], ['WT', vt(b4), 'read'], ['Y', 'f32', 'read_write']],
        code: [NO_BATCH, DY_ROW, DY_AT, gathered('mm_readA', A_PARAMS, 'DY', a4, `convDy(rc, ${tap('k', 'outC')})`), rowMajorB('WT', b4), WRITE].join('\n'),
      };
    case 'backpropFilter': {
      // A = dyᵀ, read in place: with whole vec4s of output channels, 4 rows at a k at once (aT4).
      const aT4 = g.outC % 4 === 0;
      return {
        fields: convFields, a4, aT4, b4,
        bindings: [['DY', vt(aT4), 'read'], ['X', vt(b4), 'read'], ['Y', 'f32', 'read_write']],
        code: [NO_BATCH, X_AT, X_PIX_TAP, 'fn mm_rowA(row: u32) -> vec4i { return vec4i(0); }',
          `fn mm_readA(base: u32, rc: vec4i, row: u32, k: u32) -> f32 { let i = k * u.M + row; return ${aT4 ? 'DY[i / 4u][i % 4u]' : 'DY[i]'}; }`,
          aT4 ? 'fn mm_readAT4(base: u32, row: u32, k: u32) -> vec4f { return DY[(k * u.M + row) / 4u]; }' : '',
          gathered('mm_readB', B_PARAMS, 'X', b4, `convXPix(k, ${tap('col', 'inC')})`), 'fn mm_write(batch: u32, row: u32, col: u32, v: f32) { Y[col * u.M + row] = v; }'].join('\n'),
      };
    }
  }
}
