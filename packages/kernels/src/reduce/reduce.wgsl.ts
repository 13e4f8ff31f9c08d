import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import { fusedChainWgsl, fusedStagesKey, type FusedStage } from '../elementwise/elementwise.wgsl.js';
import { WGSL_ELEMENTWISE_HELPERS } from '../elementwise/ops.js';
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
export interface Accumulator {
  key: string; decls: string; init: string; load: (v: string, j: string) => string; store: (a: string) => string; out: Elem;
  /** Uniforms `store` reads (after the reduction's own). */
  uniforms?: UniformList;
}

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
    case 'sum':
    case 'mean': return 'a + b';
    case 'prod': return 'a * b';
    case 'max': return `select(a, b, b > a${nan})`;
    case 'min': return `select(a, b, b < a${nan})`;
  }
}

/**
 * `count`: a mean's divisor, the number of elements the whole reduction reduces (a split
 * reduction's first pass is a sum, its last pass the mean).
 */
export function valueAccumulator(op: ReduceOp, t: Elem, count = 0): Accumulator {
  const init = op === 'sum' || op === 'mean' ? `${t}(0)` : op === 'prod' ? `${t}(1)` : extreme(op, t);
  const mean = op === 'mean';
  return {
    key: `${op}:${t}`,
    decls: `alias A = ${t};\nfn combine(a: A, b: A) -> A { return ${combine(op, t)}; }`,
    init,
    load: (v) => v,
    store: (a) => (mean ? `${a} / u.count` : a),
    out: t,
    ...(mean ? { uniforms: [['count', 'f32', count]] as UniformList } : {}),
  };
}

/**
 * (value, index) pairs; the lower index wins a tie, so the first extreme is found as on the cpu.
 * A NaN beats every number (NumPy's rule: the first NaN's index, as max gives NaN).
 */
export function argAccumulator(op: ArgReduceOp, t: Elem): Accumulator {
  const better = op === 'argmax' ? '>' : '<';
  const nan = t === 'f32'
    ? `let an = ${isNanWgsl('a.v')};
  let bn = ${isNanWgsl('b.v')};
  if (an || bn) {
    if (bn && (!an || b.k < a.k)) { return b; }
    return a;
  }
  `
    : '';
  return {
    key: `${op}:${t}`,
    decls: `struct A { v: ${t}, k: u32 }
fn combine(a: A, b: A) -> A {
  ${nan}if (b.v ${better} a.v || (b.v == a.v && b.k < a.k)) { return b; }
  return a;
}`,
    init: `A(${extreme(op === 'argmax' ? 'max' : 'min', t)}, 0xffffffffu)`,
    load: (v, j) => `A(${v}, ${j})`,
    // An empty row finds no index; the cpu reference answers 0 there.
    store: (a) => `i32(select(${a}.k, 0u, ${a}.k == 0xffffffffu))`,
    out: 'i32',
  };
}

/** Workgroup width of the one-workgroup-per-output (or per chunk) kernel. */
export const REDUCE_WG = 256;

/**
 * How one reduction kernel is specialised (chosen in `plan`, reduce.webgpu.ts):
 *  - `mode` 'thread': one invocation per (output, chunk), a serial loop; 'workgroup': a workgroup
 *    per (output, chunk), strided loads then a tree in workgroup memory;
 *  - `vec` 4: the reduced walk is one contiguous dim whose rows and chunks start at multiples of 4,
 *    read as vec4 into four accumulators (a CPU adapter scalarises each storage load per lane,
 *    so one vec4 load costs far less than four scalar ones);
 *  - `cols` 4 ('thread' mode): an invocation reduces 4 adjacent outputs (the kept dims' innermost is
 *    contiguous, a multiple of 4, and every other stride a multiple of 4), one vec4 per reduced step;
 *  - kept and reduced ranks after `collapseDims`.
 */
export interface ReduceVariant { mode: 'thread' | 'workgroup'; vec: 1 | 4; cols: 1 | 4; keptRank: number; redRank: number }

/**
 * An elementwise chain computing the reduction's input (fuse.ts): the reduction reads its
 * operands (same-shape ones at the input's offset, scalars at 0) and evaluates the chain's
 * generated code instead of loading a stored input. Its value is rounded as stored, so the sum
 * is what the reduction of the stored chain output computes.
 */
export interface ReducePrologue { stages: readonly FusedStage[]; operands: readonly { at: 'same' | 'scalar'; type: Elem }[] }

/** What a prologue's generated code depends on (its pipeline key). */
export const prologueKey = (p: ReducePrologue): string => `${p.operands.map((o) => `${o.at}.${o.type}`).join(',')}:${fusedStagesKey(p.stages)}`;

/** `readX(off)` (vec 1) or `readX4(vec4 index)` (vec 4): the input, loaded or (prologue) computed. */
function inputReads(inType: Elem, vec: 1 | 4, p: ReducePrologue | undefined): { bindings: [string, string, 'read'][]; code: string } {
  if (!p) {
    return vec === 4
      ? { bindings: [['X', `vec4<${inType}>`, 'read']], code: `fn readX4(q: u32) -> vec4<${inType}> { return X[q]; }` }
      : { bindings: [['X', inType, 'read']], code: `fn readX(off: u32) -> ${inType} { return X[off]; }` };
  }
  const args = p.operands.map((o, k) => `f32(E${k}[${o.at === 'same' ? 'off' : '0u'}])`);
  return {
    bindings: p.operands.map((o, k): [string, string, 'read'] => [`E${k}`, o.type, 'read']),
    // n (the outputs) is never 0 when the kernel runs.
    code: `${fusedChainWgsl(p.stages, p.operands.length, 'u.n == 0u')}
fn readX(off: u32) -> f32 { return stored(ew(${args.join(', ')})); }
fn readX4(q: u32) -> vec4f { let b = 4u * q; return vec4f(readX(b), readX(b + 1u), readX(b + 2u), readX(b + 3u)); }`,
  };
}

/**
 * Reduction of X viewed as [kept..., reduced...] through strides (no transpose is materialised).
 * Uniforms: n outputs, R reduced elements, `chunks` per output each over `chunkLen` reduced
 * elements (writing partial results at Y[o * chunks + c]), kept dims k0../ks0.., reduced dims
 * r0../rs0...
 */
export function reduceWgsl(acc: Accumulator, inType: Elem, v: ReduceVariant, uniforms: UniformList, prologue?: ReducePrologue): string {
  const { mode, vec, cols, keptRank, redRank } = v;
  if (vec === 4 && redRank !== 1) throw new Error('reduce: vec4 loads need one contiguous reduced dim');
  if (cols === 4 && (vec === 4 || mode !== 'thread')) throw new Error('reduce: 4 columns per invocation are a thread-mode plan of scalar reduced steps');
  const reads = inputReads(inType, vec === 4 || cols === 4 ? 4 : 1, prologue);
  const head = `${uniformStruct(uniformFields(uniforms))}
${storageBindings(1, [...reads.bindings, ['Y', acc.out, 'read_write']])}
${F32_INF_DECLS}
${prologue ? WGSL_ELEMENTWISE_HELPERS : ''}
${reads.code}
${acc.decls}
${offsetFn('keptOffset', keptRank, 'k', 'ks')}
${offsetFn('redOffset', redRank, 'r', 'rs')}`;
  // One reduced dim needs no unravelling (j < R): no division per element.
  const at = (j: string) => (redRank === 1 ? `base + ${j} * u.rs0` : `base + redOffset(${j})`);
  // The loop over [start, end) of the chunk, from `first` stepping by `step` (vec4: in vectors).
  const loop = (first: string, step: string) => vec === 1
    ? `var acc = ${acc.init};
  for (var j = ${first}; j < end; j += ${step}) { acc = combine(acc, ${acc.load(`readX(${at('j')})`, 'j')}); }`
    : `var acc = ${acc.init};
  var acc1 = ${acc.init};
  var acc2 = ${acc.init};
  var acc3 = ${acc.init};
  let b4 = base / 4u;
  for (var j = ${first}; j < end / 4u; j += ${step}) {
    let x = readX4(b4 + j);
    acc = combine(acc, ${acc.load('x.x', '4u * j')});
    acc1 = combine(acc1, ${acc.load('x.y', '4u * j + 1u')});
    acc2 = combine(acc2, ${acc.load('x.z', '4u * j + 2u')});
    acc3 = combine(acc3, ${acc.load('x.w', '4u * j + 3u')});
  }
  acc = combine(combine(acc, acc1), combine(acc2, acc3));`;
  // Invocation g: chunk c of output o (cols 4: of outputs o … o + 3).
  const chunk = `if (g >= ${cols === 4 ? '(u.n / 4u)' : 'u.n'} * u.chunks) { return; }
  let o = (g / u.chunks)${cols === 4 ? ' * 4u' : ''};
  let c = g % u.chunks;
  let start = c * u.chunkLen;
  let end = min(start + u.chunkLen, u.R);
  let base = keptOffset(o);`;
  const first = (offset: string) => (vec === 4 ? `start / 4u${offset}` : `start${offset}`);
  if (cols === 4) {
    // Partial results stay at Y[output * chunks + chunk], one store per output.
    const lanes = ['x', 'y', 'z', 'w'] as const;
    return `${head}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG, 'g')}
  ${chunk}
${lanes.map((_, l) => `  var acc${l} = ${acc.init};`).join('\n')}
  for (var j = start; j < end; j++) {
    let x = readX4((${at('j')}) / 4u);
${lanes.map((x, l) => `    acc${l} = combine(acc${l}, ${acc.load(`x.${x}`, 'j')});`).join('\n')}
  }
${lanes.map((_, l) => `  Y[(o + ${l}u) * u.chunks + c] = ${acc.store(`acc${l}`)};`).join('\n')}
}`;
  }
  if (mode === 'thread') {
    return `${head}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG, 'g')}
  ${chunk}
  ${loop(first(''), '1u')}
  Y[g] = ${acc.store('acc')};
}`;
  }
  return `${head}
${workgroupReduceFn('wgReduce', 'A', REDUCE_WG, 'combine')}
@compute @workgroup_size(${REDUCE_WG})
fn main(${MAIN_ARGS}) {
  ${GROUP_INDEX_DECL}
  ${chunk}
  ${loop(first(' + lid.x'), `${REDUCE_WG}u`)}
  let r = wgReduce(acc, lid.x);
  if (lid.x == 0u) { Y[g] = ${acc.store('r')}; }
}`;
}
