import { WGSL_ELEMENTWISE_HELPERS } from '../elementwise/ops.js';
import { fusedChainWgsl, fusedStagesKey, type Elem, type FusedStage } from '../elementwise/elementwise.wgsl.js';
import type { Uniform } from '../webgpu/context.js';
import { storageBindings, uniformStruct } from '../webgpu/wgsl.js';

/**
 * ONE tiled GEMM template, C[batch] = epilogue(A[batch] · B[batch]) with A: M×K and B: K×N as the
 * template sees them. How an element of A or B is read and how C is written are hooks supplied by
 * the caller (the mm_readA / mm_write idea of tfjs-backend-webgpu), so a plain matmul, a transposed
 * or broadcast-batched one and the three implicit-GEMM convolutions are all this one kernel.
 *
 * Hook contract (WGSL functions in `GemmHooks.code`; the template does every bounds check, so a
 * hook is only called with row < M, k < K, col < N). `base` is what mm_baseA/B returned for the
 * batch, computed once per invocation (outside the k-loop):
 *   fn mm_baseA(batch: u32) -> u32,  fn mm_baseB(batch: u32) -> u32
 *   fn mm_rowA(row: u32) -> vec4i    per-row context (e.g. a decomposed pixel), computed once per
 *                                    row outside the k-loop and passed to the A reads as `rc`
 *   fn mm_readA(base: u32, rc: vec4i, row: u32, k: u32) -> f32       when !a4
 *   fn mm_readA4(base: u32, rc: vec4i, row: u32, k: u32) -> vec4f    when a4: A[row][k..k+3], k % 4 == 0, K % 4 == 0
 *   fn mm_readAT4(base: u32, row: u32, k: u32) -> vec4f              also, when aT4: A[row..row+3][k],
 *                                    row % 4 == 0, M % 4 == 0 (the subgroup variant reads A through it)
 *   fn mm_readB(base: u32, k: u32, col: u32) -> f32          when !b4
 *   fn mm_readB4(base: u32, k: u32, col: u32) -> vec4f       when b4: B[k][col..col+3], col % 4 == 0, N % 4 == 0
 *   fn mm_write(batch: u32, row: u32, col: u32, v: f32)
 *   fn mm_write4(batch: u32, row: u32, col: u32, v: vec4f)  instead, when write4: C[row][col..col+3]
 *                                    (col % 4 == 0; the hook checks col + 1..3 < N itself): one
 *                                    invocation owns those 4 columns; no epilogue. For heavy
 *                                    epilogues: both kernels store their vec4s in a loop
 *                                    (one inlined copy of the hook, not one per vec4)
 */
export interface GemmHooks {
  /** Uniform fields of the hooks, after the template's own (M, N, K, offsets). */
  fields: readonly (readonly [string, Uniform[0]])[];
  /** Storage bindings in binding order (after the uniform struct). */
  bindings: readonly (readonly [string, string, 'read' | 'read_write'])[];
  /** The hook functions (and any helpers they use). */
  code: string;
  a4: boolean;
  /**
   * A stored k-major (a transposed A) with M % 4 == 0, readable as vec4s of 4 rows at one k: the
   * subgroup variant's lanes then load whole vec4s where they would load 4 scalars (lavapipe
   * runs each storage load as a loop over the lanes, so this is 4x fewer loops for A; the
   * weight gradients' GEMMs measured 8-22% faster). The tiled variant keeps the other A reads.
   */
  aT4?: boolean;
  b4: boolean;
  epilogue?: GemmEpilogue;
  write4?: boolean;
}

/**
 * Fused epilogue: an elementwise chain (the stages of a fused elementwise kernel, fuse.ts) applied
 * to each accumulator before it is written. Stage inputs are the operands in order: the
 * accumulator itself, or a binding `E<k>` (k = the operand's index) read at the output element
 * ('same': an array shaped like C), at its column ('column': N values, a bias) or at 0 ('scalar').
 */
export interface GemmEpilogue { stages: readonly FusedStage[]; operands: readonly { at: 'acc' | 'same' | 'column' | 'scalar'; type: Elem }[] }

/** The storage bindings of an epilogue's operands (the caller puts them before C's). */
export const epilogueBindings = (e: GemmEpilogue): (readonly [string, string, 'read'])[] =>
  e.operands.flatMap((o, k) => (o.at === 'acc' ? [] : [[`E${k}`, o.type, 'read'] as const]));

/** What an epilogue's generated code depends on (its pipeline key). */
export const epilogueKey = (e: GemmEpilogue): string => `${e.operands.map((o) => `${o.at}.${o.type}`).join(',')}:${fusedStagesKey(e.stages)}`;

/** `gemmEpilogue`: the chain over the accumulator and the operands at (batch, row, col); none = the accumulator as it is. */
function epilogueWgsl(e: GemmEpilogue | undefined): string {
  if (!e) return 'fn gemmEpilogue(batch: u32, row: u32, col: u32, acc: f32) -> f32 { return acc; }';
  const read = (o: GemmEpilogue['operands'][number], k: number) =>
    o.at === 'acc' ? 'stored(acc)' : `f32(E${k}[${o.at === 'same' ? '(batch * u.M + row) * u.N + col' : o.at === 'column' ? 'col' : '0u'}])`;
  // M and N are never 0 when the kernel runs.
  return `${fusedChainWgsl(e.stages, e.operands.length, 'u.N == 0u')}
fn gemmEpilogue(batch: u32, row: u32, col: u32, acc: f32) -> f32 { return ew(${e.operands.map(read).join(', ')}); }`;
}

/**
 * How the template is tiled. `subgroup`: for CPU adapters (lavapipe runs a subgroup as one SIMD
 * vector and scalarises every storage load per lane): each lane loads one row of A and shares it
 * with `subgroupBroadcast`, reads B as vec4, and owns (rowBlocks·sg)×4 outputs; no workgroup memory.
 * `tiled`: for discrete GPUs: TM×TN×TK tiles staged through workgroup memory, rm×rn outputs per
 * invocation, and register prefetch of the next k-tile while the current one is multiplied.
 */
export type GemmVariant =
  | { kind: 'subgroup'; sg: number; sgsPerWg: number; rowBlocks: number; kUnroll: 4 | 8 }
  | { kind: 'tiled'; wx: number; wy: number; rm: number; rn: number; tk: number };

/** Whether the variant's grid has row tiles in x (else column tiles in x, rows in y). */
export const gemmRowsFirst = (v: GemmVariant): boolean => v.kind === 'subgroup';

/** Rows and columns of C one workgroup covers. */
export function gemmTile(v: GemmVariant): { tm: number; tn: number; threads: number } {
  return v.kind === 'subgroup'
    ? { tm: v.sg * v.rowBlocks * v.sgsPerWg, tn: v.sg * 4, threads: v.sg * v.sgsPerWg }
    : { tm: v.wy * v.rm, tn: v.wx * v.rn, threads: v.wx * v.wy };
}

export const variantKey = (v: GemmVariant): string => Object.values(v).join('.');

/** The template's own uniforms, first in the struct: sizes and the offsets of a split dispatch. */
export const GEMM_FIELDS = [['M', 'u32'], ['N', 'u32'], ['K', 'u32'], ['mOff', 'u32'], ['nOff', 'u32'], ['zOff', 'u32']] as const;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const C = ['x', 'y', 'z', 'w'] as const;

/** Which dimensions are whole multiples of the tile (and K of the k-step): their bounds checks are left out. */
export interface GemmFit { m: boolean; n: boolean; k: boolean }

/** Zero-filled vec4 reads over the hooks: the single place where GEMM bounds are checked. */
function boundedReads(h: GemmHooks, fit: GemmFit): string {
  const guard = (conds: (string | false)[], zero: string) => {
    const c = conds.filter((x) => x);
    return c.length ? `  if (${c.join(' || ')}) { return ${zero}; }\n` : '';
  };
  // Unaligned edge: element j of the vec4 is read only when in range.
  const scalar = (read: (j: number) => string, inner: string, bound: string, fits: boolean) =>
    `  var v = vec4f(0.0);\n${range(4).map((j) => (fits ? `  v.${C[j]} = ${read(j)};` : `  if (${inner} + ${j}u < ${bound}) { v.${C[j]} = ${read(j)}; }`)).join('\n')}\n  return v;`;
  const inCol = (j: number) => (fit.n ? '' : `if (col + ${j}u < u.N) `);
  const readAT4 = h.aT4 ? `
fn gemmAT4(base: u32, row: u32, k: u32) -> vec4f {
${guard([!fit.m && 'row >= u.M', !fit.k && 'k >= u.K'], 'vec4f(0.0)')}  return mm_readAT4(base, row, k);
}` : '';
  return `
fn gemmA4(base: u32, rc: vec4i, row: u32, k: u32) -> vec4f {
${guard([!fit.m && 'row >= u.M', !fit.k && 'k >= u.K'], 'vec4f(0.0)')}${h.a4 ? '  return mm_readA4(base, rc, row, k);' : scalar((j) => `mm_readA(base, rc, row, k + ${j}u)`, 'k', 'u.K', fit.k)}
}${readAT4}
fn gemmB4(base: u32, k: u32, col: u32) -> vec4f {
${guard([!fit.k && 'k >= u.K', !fit.n && 'col >= u.N'], 'vec4f(0.0)')}${h.b4 ? '  return mm_readB4(base, k, col);' : scalar((j) => `mm_readB(base, k, col + ${j}u)`, 'col', 'u.N', fit.n)}
}
fn gemmStore(batch: u32, row: u32, col: u32, acc: vec4f) {
${guard([!fit.m && 'row >= u.M'], '')}${h.write4 ? `  ${fit.n ? '' : 'if (col < u.N) '}{ mm_write4(batch, row, col, acc); }` : range(4).map((j) => `  ${inCol(j)}{ mm_write(batch, row, col + ${j}u, gemmEpilogue(batch, row, col + ${j}u, acc.${C[j]})); }`).join('\n')}
}
${epilogueWgsl(h.epilogue)}`;
}

function header(h: GemmHooks, fit: GemmFit, subgroups: boolean): string {
  // Uniforms are copied once into a private struct: lavapipe re-loads a uniform on every use,
  // and the hooks read sizes on every element.
  const uniforms = uniformStruct([...GEMM_FIELDS, ...h.fields]).replace('var<uniform> u: U;', 'var<uniform> uniforms: U;\nvar<private> u: U;');
  return `${subgroups ? 'enable subgroups;\n' : ''}${uniforms}
${storageBindings(1, h.bindings)}
${h.epilogue ? WGSL_ELEMENTWISE_HELPERS : ''}
${h.code}
${boundedReads(h, fit)}`;
}

/**
 * (rowBlocks·sg)×4 outputs per lane: for each row block, lane l loads A's row (block row0 + l) and
 * the subgroup shares it by broadcast; every lane multiplies it by its own B vec4s. With `aT4`,
 * lane l loads rows 4·(l mod sg/4) … +3 of the block at k + ⌊l / (sg/4)⌋ instead, and a row's
 * 4 k-values are gathered from 4 lanes.
 */
function subgroupBody(v: Extract<GemmVariant, { kind: 'subgroup' }>, storeLoop: boolean, aT4: boolean): string {
  const { sg, kUnroll, rowBlocks } = v;
  const { tm, threads } = gemmTile(v);
  const rows = sg * rowBlocks;
  const groups = sg / 4; // row groups of 4 in a block (aT4)
  const aName = (blk: number, q: number) => `a${blk}_${q}`;
  const aLoads = range(rowBlocks).flatMap((blk) => range(kUnroll / 4).map((q) => (aT4
    ? `    let ${aName(blk, q)} = gemmAT4(aBase, row0 + ${blk * sg}u + (lane % ${groups}u) * 4u, k + ${q * 4}u + lane / ${groups}u);`
    : `    let ${aName(blk, q)} = gemmA4(aBase, rc${blk}, row0 + ${blk * sg}u + lane, k + ${q * 4}u);`)));
  const bLoads = range(kUnroll).map((j) => `    let b${j} = gemmB4(bBase, k + ${j}u, col);`);
  const share = (blk: number, q: number, lane: number) => (aT4
    ? `vec4f(${range(4).map((j) => `subgroupBroadcast(${aName(blk, q)}.${C[lane % 4]}, ${j * groups + Math.floor(lane / 4)}u)`).join(', ')})`
    : `subgroupBroadcast(${aName(blk, q)}, ${lane}u)`);
  const fmas = range(rows).map((r) => {
    const blk = Math.floor(r / sg), lane = r % sg;
    const shares = range(kUnroll / 4).map((q) => `let s${q} = ${share(blk, q, lane)};`).join(' ');
    const terms = range(kUnroll).map((j) => `s${Math.floor(j / 4)}.${C[j % 4]} * b${j}`);
    return `    { ${shares} acc${r} += ${terms.join(' + ')}; }`;
  });
  return `
@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) li: u32, @builtin(subgroup_invocation_id) lane: u32) {
  u = uniforms;
  let batch = wid.z + u.zOff;
  let aBase = mm_baseA(batch);
  let bBase = mm_baseB(batch);
  // Row tiles run fastest (x): workgroups that run one after another share B's column panel,
  // which then stays in cache.
  let row0 = (wid.x + u.mOff) * ${tm}u + (li / ${sg}u) * ${rows}u;
  let col = (wid.y + u.nOff) * ${sg * 4}u + lane * 4u;
${aT4 ? '' : range(rowBlocks).map((blk) => `  let rc${blk} = mm_rowA(row0 + ${blk * sg}u + lane);`).join('\n')}
${range(rows).map((r) => `  var acc${r} = vec4f(0.0);`).join('\n')}
  // Every lane runs every step (no early exit, loop bound read from the uniform buffer itself):
  // subgroupBroadcast needs uniform control flow.
  for (var k = 0u; k < uniforms.K; k += ${kUnroll}u) {
${aLoads.join('\n')}
${bLoads.join('\n')}
${fmas.join('\n')}
  }
${storeLoop
    ? `  var accs = array<vec4f, ${rows}>(${range(rows).map((r) => `acc${r}`).join(', ')});\n  for (var r = 0u; r < ${rows}u; r++) { gemmStore(batch, row0 + r, col, accs[r]); }`
    : range(rows).map((r) => `  gemmStore(batch, row0 + ${r}u, col, acc${r});`).join('\n')}
}`;
}

/**
 * Workgroup-memory tiling. A thread owns rows {(g·wy + ty)·4 + i} and columns {(g·wx + tx)·4 + j}
 * (interleaved vec4 groups, so neighbouring threads read neighbouring vec4s: no bank conflicts).
 * As is stored k-major so one vec4 holds 4 rows at one k.
 */
function tiledBody(v: Extract<GemmVariant, { kind: 'tiled' }>, storeLoop: boolean): string {
  const { wx, wy, rm, rn, tk } = v;
  const { tm, tn, threads } = gemmTile(v);
  const aVecs = (tm * tk) / 4, bVecs = (tk * tn) / 4;
  if (aVecs % threads || bVecs % threads || rm % 4 || rn % 4 || tk % 4) throw new Error(`gemm: tile ${tm}x${tn}x${tk} does not divide among ${threads} threads`);
  const la = aVecs / threads, lb = bVecs / threads;
  const ga = rm / 4, gb = rn / 4;
  // Per load slot: the element index e = li + s·threads, A as (row, k4) and B as (k, col4).
  const aAt = (s: number) => `(li + ${s * threads}u) / ${tk / 4}u, ((li + ${s * threads}u) % ${tk / 4}u) * 4u`;
  const bAt = (s: number) => `(li + ${s * threads}u) / ${tn / 4}u, ((li + ${s * threads}u) % ${tn / 4}u) * 4u`;
  const loads = (t: string) => [
    ...range(la).map((s) => `  { let rk = vec2u(${aAt(s)}); ra${s} = gemmA4(aBase, rcA${s}, m0 + rk.x, ${t} + rk.y); }`),
    ...range(lb).map((s) => `  { let kc = vec2u(${bAt(s)}); rb${s} = gemmB4(bBase, ${t} + kc.x, n0 + kc.y); }`),
  ].join('\n');
  const stores = [
    ...range(la).map((s) => `  { let rk = vec2u(${aAt(s)});${range(4).map((j) => ` As[rk.y + ${j}u][rk.x / 4u][rk.x % 4u] = ra${s}.${C[j]};`).join('')} }`),
    ...range(lb).map((s) => `  { let kc = vec2u(${bAt(s)}); Bs[kc.x][kc.y / 4u] = rb${s}; }`),
  ].join('\n');
  const fmas = range(rm).map((i) => range(gb).map((g) => `acc${i}_${g} += a${Math.floor(i / 4)}.${C[i % 4]} * b${g};`).join(' '));
  return `
var<workgroup> As: array<array<vec4f, ${tm / 4}>, ${tk}>;
var<workgroup> Bs: array<array<vec4f, ${tn / 4}>, ${tk}>;
@compute @workgroup_size(${wx}, ${wy})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32) {
  u = uniforms;
  let batch = wid.z + u.zOff;
  let aBase = mm_baseA(batch);
  let bBase = mm_baseB(batch);
  let m0 = (wid.y + u.mOff) * ${tm}u;
  let n0 = (wid.x + u.nOff) * ${tn}u;
${range(la).map((s) => `  var ra${s}: vec4f;\n  let rcA${s} = mm_rowA(m0 + (li + ${s * threads}u) / ${tk / 4}u);`).join('\n')}
${range(lb).map((s) => `  var rb${s}: vec4f;`).join('\n')}
${range(rm).map((i) => range(gb).map((g) => `  var acc${i}_${g} = vec4f(0.0);`).join('')).join('\n')}
${loads('0u')}
${stores}
  workgroupBarrier();
  for (var t = 0u; t < uniforms.K; t += ${tk}u) { // uniform control flow (barriers)
    let next = t + ${tk}u;
    // Register prefetch: the next tile's global loads overlap this tile's arithmetic.
    if (next < u.K) {
${loads('next')}
    }
    for (var kk = 0u; kk < ${tk}u; kk++) {
${range(ga).map((g) => `      let a${g} = As[kk][${g * wy}u + lid.y];`).join('\n')}
${range(gb).map((g) => `      let b${g} = Bs[kk][${g * wx}u + lid.x];`).join('\n')}
${fmas.map((l) => `      ${l}`).join('\n')}
    }
    workgroupBarrier();
    if (next < u.K) {
${stores}
    }
    workgroupBarrier();
  }
${storeLoop
    ? `  var accs = array<vec4f, ${rm * gb}>(${range(rm).flatMap((i) => range(gb).map((g) => `acc${i}_${g}`)).join(', ')});
  for (var q = 0u; q < ${rm * gb}u; q++) {
    let i = q / ${gb}u;
    let g = q % ${gb}u;
    gemmStore(batch, m0 + ((i / 4u) * ${wy}u + lid.y) * 4u + i % 4u, n0 + (g * ${wx}u + lid.x) * 4u, accs[q]);
  }`
    : range(rm).map((i) => range(gb).map((g) => `  gemmStore(batch, m0 + (${Math.floor(i / 4) * wy}u + lid.y) * 4u + ${i % 4}u, n0 + (${g * wx}u + lid.x) * 4u, acc${i}_${g});`).join('\n')).join('\n')}
}`;
}

/** K is consumed in steps of this many elements. */
export const gemmKStep = (v: GemmVariant): number => (v.kind === 'subgroup' ? v.kUnroll : v.tk);

export function gemmWgsl(v: GemmVariant, h: GemmHooks, fit: GemmFit): string {
  return header(h, fit, v.kind === 'subgroup') + (v.kind === 'subgroup' ? subgroupBody(v, h.write4 === true, h.aT4 === true && v.sg % 4 === 0) : tiledBody(v, h.write4 === true));
}
