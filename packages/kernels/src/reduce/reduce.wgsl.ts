import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import { F32_INF_DECLS, F32_NEG_INF, F32_POS_INF, GROUP_INDEX_DECL, isNanWgsl, offsetFn, workgroupReduceFn, type UniformList } from '../webgpu/indexing.js';
import { uniformFields } from '../webgpu/indexing.js';
import type { ArgReduceOp, ReduceOp } from './reduce.cpu.js';

/** Stored element types; u32 (bool) only reaches arg reductions. */
type Elem = 'f32' | 'i32' | 'u32';

/**
 * How one reduction accumulates: `A` is the accumulator type, `combine(a, b)` is declared in
 * `decls`, `load(v, j)` makes an accumulator from element `v` at reduced position `j`, `store(a)`
 * gives the output element. Value reductions and arg reductions differ only here.
 */
export interface Accumulator { key: string; decls: string; init: string; load: (v: string, j: string) => string; store: (a: string) => string; out: Elem }

function extreme(op: 'max' | 'min', t: Elem): string {
  switch (t) {
    case 'f32': return op === 'max' ? F32_NEG_INF : F32_POS_INF;
    case 'i32': return op === 'max' ? 'bitcast<i32>(0x80000000u)' : 'bitcast<i32>(0x7fffffffu)';
    case 'u32': return op === 'max' ? '0u' : '0xffffffffu';
  }
}

/** NaN propagates through max/min, as in the cpu reference (i32 has no NaN). */
function combine(op: ReduceOp, t: Elem): string {
  const nan = t === 'f32' ? ` || ${isNanWgsl('b')}` : '';
  switch (op) {
    case 'sum': return 'a + b';
    case 'prod': return 'a * b';
    case 'max': return `select(a, b, b > a${nan})`;
    case 'min': return `select(a, b, b < a${nan})`;
  }
}

export function valueAccumulator(op: ReduceOp, t: Elem): Accumulator {
  const init = op === 'sum' ? `${t}(0)` : op === 'prod' ? `${t}(1)` : extreme(op, t);
  return {
    key: `${op}:${t}`,
    decls: `alias A = ${t};\nfn combine(a: A, b: A) -> A { return ${combine(op, t)}; }`,
    init,
    load: (v) => v,
    store: (a) => a,
    out: t,
  };
}

/** (value, index) pairs; the lower index wins a tie, so the first extreme is found as on the cpu. */
export function argAccumulator(op: ArgReduceOp, t: Elem): Accumulator {
  const better = op === 'argmax' ? '>' : '<';
  return {
    key: `${op}:${t}`,
    decls: `struct A { v: ${t}, k: u32 }
fn combine(a: A, b: A) -> A {
  if (b.v ${better} a.v || (b.v == a.v && b.k < a.k)) { return b; }
  return a;
}`,
    init: `A(${extreme(op === 'argmax' ? 'max' : 'min', t)}, 0xffffffffu)`,
    load: (v, j) => `A(${v}, ${j})`,
    // An all-NaN (or empty) row finds no index; the cpu reference answers 0 there.
    store: (a) => `i32(select(${a}.k, 0u, ${a}.k == 0xffffffffu))`,
    out: 'i32',
  };
}

/** Workgroup width of the one-workgroup-per-output (or per chunk) kernel. */
export const REDUCE_WG = 256;

/**
 * Reduction of X viewed as [kept..., reduced...] through strides (no transpose is materialised).
 * Uniforms: n outputs, R reduced elements, `chunks` workgroups per output each over `chunkLen`
 * reduced elements (writing partial results at Y[o * chunks + c]), kept dims k0../ks0.., reduced
 * dims r0../rs0...
 *  - `thread`: one invocation per output, a serial loop (short reductions, or kept inner dims
 *    where neighbouring invocations read neighbouring elements);
 *  - `workgroup`: a workgroup per (output, chunk), strided loads then a tree in workgroup memory.
 */
export function reduceWgsl(acc: Accumulator, inType: Elem, mode: 'thread' | 'workgroup', keptRank: number, redRank: number, uniforms: UniformList): string {
  const head = `${uniformStruct(uniformFields(uniforms))}
${storageBindings(1, [['X', inType, 'read'], ['Y', acc.out, 'read_write']])}
${F32_INF_DECLS}
${acc.decls}
${offsetFn('keptOffset', keptRank, 'k', 'ks')}
${offsetFn('redOffset', redRank, 'r', 'rs')}`;
  if (mode === 'thread') {
    return `${head}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n) { return; }
  let base = keptOffset(i);
  var acc = ${acc.init};
  for (var j = 0u; j < u.R; j++) { acc = combine(acc, ${acc.load('X[base + redOffset(j)]', 'j')}); }
  Y[i] = ${acc.store('acc')};
}`;
  }
  return `${head}
${workgroupReduceFn('wgReduce', 'A', REDUCE_WG, 'combine')}
@compute @workgroup_size(${REDUCE_WG})
fn main(${MAIN_ARGS}) {
  ${GROUP_INDEX_DECL}
  if (g >= u.n * u.chunks) { return; }
  let o = g / u.chunks;
  let start = (g % u.chunks) * u.chunkLen;
  let end = min(start + u.chunkLen, u.R);
  let base = keptOffset(o);
  var acc = ${acc.init};
  for (var j = start + lid.x; j < end; j += ${REDUCE_WG}u) { acc = combine(acc, ${acc.load('X[base + redOffset(j)]', 'j')}); }
  let r = wgReduce(acc, lid.x);
  if (lid.x == 0u) { Y[g] = ${acc.store('r')}; }
}`;
}
