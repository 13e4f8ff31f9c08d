import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, udivWgsl, uniformStruct } from '../webgpu/wgsl.js';

export type PoolOp = 'max' | 'avg';
/**
 * `backward` gathers per input cell (any geometry); `windowBackward` scatters per output window
 * and is only correct when windows do not overlap (pool.webgpu.ts decides).
 */
export type PoolDirection = 'forward' | 'backward' | 'windowBackward';

/** Geometry uniforms shared by the pooling kernels (`n` = invocations, first; forward: `C` counts channel groups). */
export const POOL_UNIFORMS = [
  ['n', 'u32'], ['inH', 'i32'], ['inW', 'i32'], ['C', 'u32'], ['kH', 'i32'], ['kW', 'i32'], ['outH', 'i32'], ['outW', 'i32'],
  ['sH', 'i32'], ['sW', 'i32'], ['dH', 'i32'], ['dW', 'i32'], ['padTop', 'i32'], ['padLeft', 'i32'],
  // Reciprocals of the divisors, for udiv (integer division by a uniform is scalarised on CPU adapters).
  ['rC', 'f32'], ['rInH', 'f32'], ['rInW', 'f32'], ['rOutH', 'f32'], ['rOutW', 'f32'], ['rSH', 'f32'], ['rSW', 'f32'],
  // Forward only: blocks of output columns per row (1 for the backward kernels).
  ['owBlocks', 'u32'], ['rOwBlocks', 'f32'],
] as const;

/** ⌊x / u.<d>⌋ and x mod u.<d> (x ≥ 0) through udiv with the reciprocal uniform `r<D>`. */
const R = { C: 'rC', inH: 'rInH', inW: 'rInW', outH: 'rOutH', outW: 'rOutW', sH: 'rSH', sW: 'rSW', owBlocks: 'rOwBlocks' } as const;
const div = (x: string, d: keyof typeof R) => `udiv(${x}, u32(u.${d}), u.${R[d]})`;
const mod = (x: string, d: keyof typeof R) => `umod(${x}, u32(u.${d}), u.${R[d]})`;

/**
 * WGSL helpers over the window of output cell (b, oh, ow): `cellIndex` is the flat NHWC offset of
 * window cell (kh, kw) or -1 when it lies in the padding; `windowArgmax` is the offset of the FIRST
 * maximal real cell (strict `>` in kh-major order, as the CPU reference); `windowCount` is the
 * number of real cells (the average's divisor: padding never counts).
 */
const CELL_HELPER = `
fn cellIndex(b: i32, oh: i32, ow: i32, kh: i32, kw: i32, c: u32) -> i32 {
  let ih = oh * u.sH - u.padTop + kh * u.dH;
  let iw = ow * u.sW - u.padLeft + kw * u.dW;
  if (ih < 0 || ih >= u.inH || iw < 0 || iw >= u.inW) { return -1; }
  return ((b * u.inH + ih) * u.inW + iw) * i32(u.C) + i32(c);
}`;
const ARGMAX_HELPER = `
fn windowArgmax(b: i32, oh: i32, ow: i32, c: u32) -> i32 {
  var best = -1;
  var bestV = 0.0;
  for (var kh = 0; kh < u.kH; kh++) {
    for (var kw = 0; kw < u.kW; kw++) {
      let k = cellIndex(b, oh, ow, kh, kw, c);
      if (k >= 0 && (best < 0 || X[k] > bestV)) { best = k; bestV = X[k]; }
    }
  }
  return best;
}`;
const COUNT_HELPER = `
fn axisCount(o: i32, s: i32, pad: i32, k: i32, d: i32, size: i32) -> i32 {
  var n = 0;
  for (var j = 0; j < k; j++) { let p = o * s - pad + j * d; if (p >= 0 && p < size) { n++; } }
  return n;
}
fn windowCount(oh: i32, ow: i32) -> i32 {
  return axisCount(oh, u.sH, u.padTop, u.kH, u.dH, u.inH) * axisCount(ow, u.sW, u.padLeft, u.kW, u.dW, u.inW);
}`;

/** The output cell (b, oh, ow, c) of flat output index i. */
const OUTPUT_CELL = `let c = ${mod('i', 'C')};
  var r = ${div('i', 'C')};
  let ow = i32(${mod('r', 'outW')}); r = ${div('r', 'outW')};
  let oh = i32(${mod('r', 'outH')});
  let b = i32(${div('r', 'outH')});`;

/**
 * Kernel specialisation (the backward kernels take 1 output; the gathering one 1 channel too): `vec` channels per load (4 when C % 4 == 0: NHWC channels are
 * contiguous, and a CPU adapter runs each storage load per lane, so one vec4 load costs far less
 * than four scalar ones), `outputs` consecutive output columns per invocation (the index
 * decomposition and row bounds are shared; no division in the window loop).
 */
export interface PoolVariant { readonly vec: 1 | 4; readonly outputs: number }

/**
 * Forward: one invocation per (b, oh, block of `outputs` columns, group of `vec` channels), the
 * channel group fastest so neighbouring lanes read neighbouring addresses. Uniform `C` counts
 * channel groups and `owBlocks` column blocks. Max keeps the FIRST real cell's value and replaces it
 * only where a later cell is strictly greater (per component), as the CPU reference's argmax:
 * NaN only when the first real cell is NaN, -0 kept against a later +0. Average: sum of the real
 * cells over their count (padding never counts); an empty window gives 0 either way.
 */
function forwardBody(op: PoolOp, { vec, outputs }: PoolVariant): string {
  const T = vec === 4 ? 'vec4<f32>' : 'f32';
  const cols = Array.from({ length: outputs }, (_, p) => p);
  const update = (p: number) => op === 'max'
    ? `if (n${p} == 0) { a${p} = v; } else { a${p} = select(a${p}, v, v > a${p}); }
          n${p}++;`
    : `a${p} += v; n${p}++;`;
  return `let c = ${mod('i', 'C')};
  var r = ${div('i', 'C')};
  let ow0 = i32(${mod('r', 'owBlocks')}) * ${outputs}; r = ${div('r', 'owBlocks')};
  let oh = i32(${mod('r', 'outH')});
  let b = i32(${div('r', 'outH')});
  ${cols.map((p) => `var a${p} = ${T}(0.0); var n${p} = 0;`).join('\n  ')}
  for (var kh = 0; kh < u.kH; kh++) {
    let ih = oh * u.sH - u.padTop + kh * u.dH;
    if (ih < 0 || ih >= u.inH) { continue; }
    let row = (b * u.inH + ih) * u.inW;
    for (var kw = 0; kw < u.kW; kw++) {
      let iw0 = ow0 * u.sW - u.padLeft + kw * u.dW;
      ${cols.map((p) => `{
        let iw = iw0 + ${p} * u.sW;
        if (ow0 + ${p} < u.outW && iw >= 0 && iw < u.inW) {
          let v = X[u32(row + iw) * u.C + c];
          ${update(p)}
        }
      }`).join('\n      ')}
    }
  }
  let y0 = (u32((b * u.outH + oh) * u.outW + ow0)) * u.C + c;
  ${cols.map((p) => `if (ow0 + ${p} < u.outW) { Y[y0 + ${p}u * u.C] = ${op === 'max' ? `a${p}` : `select(${T}(0.0), a${p} / f32(n${p}), n${p} > 0)`}; }`).join('\n  ')}`;
}

/**
 * Max backward for non-overlapping windows: one invocation per output element (group of `vec`
 * channels) writes its whole window (dy at the first argmax, zero elsewhere; per component, as
 * windowArgmax). No cell is in two windows, so no two invocations write one cell and each cell
 * gets at most one term, as in the CPU reference. Cells outside every window are zeroed
 * beforehand by the caller when there are any.
 */
function windowBackwardBody(vec: 1 | 4): string {
  const [F, I] = vec === 4 ? ['vec4<f32>', 'vec4<i32>'] : ['f32', 'i32'];
  const cells = (body: string) => `for (var kh = 0; kh < u.kH; kh++) {
    for (var kw = 0; kw < u.kW; kw++) {
      let k = cellIndex(b, oh, ow, kh, kw, c);
      if (k >= 0) { ${body} }
    }
  }`;
  return `${OUTPUT_CELL}
  var best = ${I}(-1);
  var bestV = ${F}(0.0);
  ${cells(`let v = X[k]; let take = (best < ${I}(0)) | (v > bestV); best = select(best, ${I}(k), take); bestV = select(bestV, v, take);`)}
  let g = DY[i];
  ${cells(`DX[k] = select(${F}(0.0), g, best == ${I}(k));`)}`;
}

/**
 * Backward, gathered per input element (b, ih, iw, c) so no two invocations write one cell (no
 * atomics): it visits every output window that covers the cell, in the CPU reference's
 * accumulation order (oh, then ow, ascending, hence kh and kw descending).
 */
function backwardBody(op: PoolOp): string {
  const contribution = op === 'max'
    ? `if (windowArgmax(b, oh, ow, c) == me) { acc += DY[o]; }`
    : `acc += DY[o] / f32(windowCount(oh, ow));`;
  return `let c = ${mod('i', 'C')};
  var r = ${div('i', 'C')};
  let iw = i32(${mod('r', 'inW')}); r = ${div('r', 'inW')};
  let ih = i32(${mod('r', 'inH')});
  let b = i32(${div('r', 'inH')});
  let me = i32(i);
  var acc = 0.0;
  for (var kh = u.kH - 1; kh >= 0; kh--) {
    let th = ih + u.padTop - kh * u.dH;
    if (th < 0) { continue; }
    let oh = i32(${div('u32(th)', 'sH')});
    if (oh * u.sH != th || oh >= u.outH) { continue; }
    for (var kw = u.kW - 1; kw >= 0; kw--) {
      let tw = iw + u.padLeft - kw * u.dW;
      if (tw < 0) { continue; }
      let ow = i32(${div('u32(tw)', 'sW')});
      if (ow * u.sW != tw || ow >= u.outW) { continue; }
      let o = ((b * u.outH + oh) * u.outW + ow) * i32(u.C) + i32(c);
      ${contribution}
    }
  }
  DX[i] = acc;`;
}

/**
 * One template for max/avg pooling, forward and backward (NHWC, f32). Bindings after the
 * uniforms: forward X, Y; max backward DY, X, DX; avg backward DY, DX.
 */
export function poolWgsl(op: PoolOp, direction: PoolDirection, fastDivision: boolean, variant: PoolVariant): string {
  if (direction === 'windowBackward' && op !== 'max') throw new Error(`pool: no window-scatter backward for ${op} pooling`);
  if (direction !== 'forward' && variant.outputs !== 1) throw new Error(`pool: the ${direction} kernel has no column-block variant`);
  if (direction === 'backward' && variant.vec !== 1) throw new Error('pool: the gathering backward kernel has no vec4 variant');
  const T = variant.vec === 4 ? 'vec4<f32>' : 'f32';
  const buffers: [string, string, 'read' | 'read_write'][] = direction === 'forward'
    ? [['X', T, 'read'], ['Y', T, 'read_write']]
    : op === 'max'
      ? [['DY', T, 'read'], ['X', T, 'read'], ['DX', T, 'read_write']]
      : [['DY', 'f32', 'read'], ['DX', 'f32', 'read_write']];
  // The argmax helper reads X, which the average backward kernel does not bind.
  const helpers = direction === 'forward' ? '' : CELL_HELPER + (direction === 'windowBackward' ? '' : op === 'max' ? ARGMAX_HELPER : COUNT_HELPER);
  return `${uniformStruct(POOL_UNIFORMS)}
${storageBindings(1, buffers)}
${udivWgsl(fastDivision)}
${helpers}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n) { return; }
  ${direction === 'forward' ? forwardBody(op, variant) : direction === 'windowBackward' ? windowBackwardBody(variant.vec) : backwardBody(op)}
}`;
}
