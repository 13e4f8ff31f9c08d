import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import { offsetFn, uniformFields, type UniformList } from '../webgpu/indexing.js';

/**
 * The first of the `per` consecutive words (of one row or run) an invocation moves, `i`, and the
 * bounds check: finding a word's row (divisions by uniforms) once for `per` words is most of
 * what a CPU adapter saves.
 */
const firstWord = (per: number) => `${flatIndexDecl(ELEMENTWISE_WG, 'g')}
  let i = g * ${per}u;
  if (i >= u.n) { return; }`;

/**
 * Layout kernels move 32-bit words and never look at them, so one pipeline serves every dtype
 * (f32, i32, and bool stored as u32).
 *
 * The strided copy: one invocation per element of an iteration space of dims `d*`, reading
 * X[srcBase + Σ c·s*] and writing Y[dstBase + Σ c·t*]. transpose, slice and tile are strided
 * reads into a contiguous output; concat and pad are strided writes of a contiguous input.
 * `width` 4: the words move as vec4 (dims, strides and bases then count vec4s). `per` > 1: that
 * many consecutive words of the innermost dim per invocation (contiguous on both sides, a
 * multiple of `per` long), their offsets unravelled once.
 */
export function stridedCopyWgsl(rank: number, uniforms: UniformList, width: 1 | 4, per: number): string {
  const word = width === 4 ? 'vec4<u32>' : 'u32';
  return `${uniformStruct(uniformFields(uniforms))}
${storageBindings(1, [['X', word, 'read'], ['Y', word, 'read_write']])}
${offsetFn('srcOffset', rank, 'd', 's', 'srcBase')}
${offsetFn('dstOffset', rank, 'd', 't', 'dstBase')}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${firstWord(per)}
  let src = srcOffset(i);
  let dst = dstOffset(i);
  for (var q = 0u; q < ${per}u; q++) { Y[dst + q] = X[src + q]; }
}`;
}

/**
 * concat of k inputs in one dispatch: each output row (outer index o) is the inputs' rows side by
 * side, input q's at word offsets [o_q, o_{q+1}) of a row of L words (its row: its axis length
 * times the words after the axis). `width` 4: every input's row is whole vec4s, which then move
 * as vec4 (L and offsets count vec4s). `per`: consecutive words per invocation (every input's
 * row a multiple of it, so they come from one input).
 */
export function concatWgsl(k: number, width: 1 | 4, per: number): string {
  const word = width === 4 ? 'vec4<u32>' : 'u32';
  const inputs = Array.from({ length: k }, (_, q) => q);
  const fields: UniformList = [['n', 'u32', 0], ['L', 'u32', 0], ...Array.from({ length: k + 1 }, (_, q) => [`o${q}`, 'u32', 0] as const)];
  return `${uniformStruct(uniformFields(fields))}
${storageBindings(1, [...inputs.map((q) => [`X${q}`, word, 'read'] as [string, string, 'read']), ['Y', word, 'read_write']])}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${firstWord(per)}
  let p = i % u.L;
  let o = i / u.L;
  ${inputs.map((q) => `if (p < u.o${q + 1}) {
    let src = o * (u.o${q + 1} - u.o${q}) + p - u.o${q};
    for (var r = 0u; r < ${per}u; r++) { Y[i + r] = X${q}[src + r]; }
    return;
  }`).join('\n  ')}
}`;
}

/**
 * A batch of matrix transposes Y[b][C][R] = X[b][R][C] with R and C multiples of 4, in 4×4
 * blocks: each invocation reads 4 vec4 rows and writes 4 vec4 columns (n = blocks of all
 * matrices, c4 = C/4, r4 = R/4). A sixteenth of the strided copy's invocations, as vec4s: what
 * a CPU adapter pays for.
 */
export const TRANSPOSE_BLOCKS_WGSL = `${uniformStruct(uniformFields([['n', 'u32', 0], ['c4', 'u32', 0], ['r4', 'u32', 0]]))}
${storageBindings(1, [['X', 'vec4<u32>', 'read'], ['Y', 'vec4<u32>', 'read_write']])}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n) { return; }
  let cb = i % u.c4;
  let rb = (i / u.c4) % u.r4;
  let m = (i / (u.c4 * u.r4)) * 4u * u.c4 * u.r4;
  let a = X[m + (rb * 4u) * u.c4 + cb];
  let b = X[m + (rb * 4u + 1u) * u.c4 + cb];
  let c = X[m + (rb * 4u + 2u) * u.c4 + cb];
  let d = X[m + (rb * 4u + 3u) * u.c4 + cb];
  Y[m + (cb * 4u) * u.r4 + rb] = vec4<u32>(a.x, b.x, c.x, d.x);
  Y[m + (cb * 4u + 1u) * u.r4 + rb] = vec4<u32>(a.y, b.y, c.y, d.y);
  Y[m + (cb * 4u + 2u) * u.r4 + rb] = vec4<u32>(a.z, b.z, c.z, d.z);
  Y[m + (cb * 4u + 3u) * u.r4 + rb] = vec4<u32>(a.w, b.w, c.w, d.w);
}`;

/**
 * gather: output viewed as [outer, m, inner]; element (o, t, j) = X[(o·len + IDX[t])·inner + j],
 * 0 (all bits clear: 0.0, 0 or false) where the index is out of range, as on the cpu. `width` 4:
 * rows of a multiple of 4 words move as vec4 (n and inner then count vec4s): a quarter of the
 * invocations, which on a CPU adapter is most of the cost of a batch gathered from its epoch.
 * `per` consecutive words of one row per invocation (inner % per == 0) share the row's index.
 */
export function gatherWgsl(uniforms: UniformList, width: 1 | 4, per: number): string {
  const word = width === 4 ? 'vec4<u32>' : 'u32';
  return `${uniformStruct(uniformFields(uniforms))}
${storageBindings(1, [['X', word, 'read'], ['IDX', 'i32', 'read'], ['Y', word, 'read_write']])}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${firstWord(per)}
  let j = i % u.inner;
  let t = (i / u.inner) % u.m;
  let o = i / (u.inner * u.m);
  let k = IDX[t];
  let ok = k >= 0 && u32(k) < u.len;
  let src = (o * u.len + u32(select(0, k, ok))) * u.inner + j;
  for (var q = 0u; q < ${per}u; q++) {
    var v = ${word}(0u);
    if (ok) { v = X[src + q]; }
    Y[i + q] = v;
  }
}`;
}

/**
 * scatterAdd, the transpose of gather: output [outer, len, inner]; element (o, k, j) sums
 * UPD[(o·m + t)·inner + j] over every t with IDX[t] = k, in increasing t. No atomics (WGSL has
 * no float atomics): each output is owned by one invocation, so the result is deterministic and
 * summed in the cpu reference's order.
 *  - `element`: one invocation per output element (short rows);
 *  - `row`: one invocation per output row (o, k), scanning the indices once for the whole row,
 *    so an embedding gradient compares each index once per row rather than once per element;
 *  - `owner`: one invocation per update row (o, t), for fewer indices than output rows (an
 *    embedding gradient: a batch of tokens into a large vocabulary). The first t of each index
 *    value owns its output row and sums the updates with that index in increasing t, scanning
 *    only up to its last occurrence; the others return. First and last occurrences are marked
 *    beforehand (scatterMarksWgsl), rows no index hits are zeroed by the caller.
 */
export type ScatterAddMode = 'element' | 'row' | 'owner';

/**
 * Per index value k of `len`, MARKS holds first and last occurrence as atomics: MARKS[k] = m − first
 * and MARKS[len + k] = last + 1 (0: none yet, so a zero-filled buffer is blank). `mark` sets them
 * (one invocation per index t); `clear` blanks them again after the scatter, so the buffer is
 * blank for the next one without a fill.
 */
export function scatterMarksWgsl(pass: 'mark' | 'clear'): string {
  return `${uniformStruct(uniformFields([['n', 'u32', 0], ['len', 'u32', 0]]))}
${storageBindings(1, [['IDX', 'i32', 'read'], ['MARKS', 'atomic<u32>', 'read_write']])}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n) { return; }
  let k = IDX[i];
  if (k < 0 || u32(k) >= u.len) { return; }
  ${pass === 'mark'
    ? 'atomicMax(&MARKS[u32(k)], u.n - i);\n  atomicMax(&MARKS[u.len + u32(k)], i + 1u);'
    : 'atomicStore(&MARKS[u32(k)], 0u);\n  atomicStore(&MARKS[u.len + u32(k)], 0u);'}
}`;
}

const OWNER_BODY = `let t = i % u.m;
  let o = i / u.m;
  let k = IDX[t];
  if (k < 0 || u32(k) >= u.len || atomicLoad(&MARKS[u32(k)]) != u.m - t) { return; }
  let last = atomicLoad(&MARKS[u.len + u32(k)]) - 1u;
  let row = (o * u.len + u32(k)) * u.inner;
  var src = (o * u.m + t) * u.inner;
  for (var j = 0u; j < u.inner; j++) { Y[row + j] = UPD[src + j]; }
  for (var q = t + 1u; q <= last; q++) {
    if (IDX[q] != k) { continue; }
    src = (o * u.m + q) * u.inner;
    for (var j = 0u; j < u.inner; j++) { Y[row + j] += UPD[src + j]; }
  }`;

export function scatterAddWgsl(type: 'f32' | 'i32', mode: ScatterAddMode, uniforms: UniformList): string {
  const body = mode === 'owner' ? OWNER_BODY : mode === 'element'
    ? `let j = i % u.inner;
  let k = i32((i / u.inner) % u.len);
  let o = i / (u.inner * u.len);
  var acc = ${type}(0);
  for (var t = 0u; t < u.m; t++) {
    if (IDX[t] == k) { acc += UPD[(o * u.m + t) * u.inner + j]; }
  }
  Y[i] = acc;`
    : `let k = i32(i % u.len);
  let o = i / u.len;
  let row = i * u.inner;
  for (var j = 0u; j < u.inner; j++) { Y[row + j] = ${type}(0); }
  for (var t = 0u; t < u.m; t++) {
    if (IDX[t] != k) { continue; }
    let src = (o * u.m + t) * u.inner;
    for (var j = 0u; j < u.inner; j++) { Y[row + j] += UPD[src + j]; }
  }`;
  const marks: [string, string, 'read_write'][] = mode === 'owner' ? [['MARKS', 'atomic<u32>', 'read_write']] : [];
  return `${uniformStruct(uniformFields(uniforms))}
${storageBindings(1, [['UPD', type, 'read'], ['IDX', 'i32', 'read'], ...marks, ['Y', type, 'read_write']])}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n) { return; }
  ${body}
}`;
}
