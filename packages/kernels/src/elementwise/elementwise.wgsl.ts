import { BINARY, UNARY, WGSL_ELEMENTWISE_HELPERS, type BinaryOp, type UnaryOp } from './ops.js';
import { broadcastUniformFields, ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';

export type Elem = 'f32' | 'i32' | 'u32';

/**
 * How an input is indexed at output element i: 'same' = i (its shape is the output's), 'scalar'
 * = 0, 'strided' = Σ coordᵈ·strideᵈ over the (coalesced) output dims, strides 0 where broadcast.
 */
export type InputMode = 'same' | 'scalar' | 'strided';

/**
 * How one elementwise kernel is specialised (chosen in `elementwisePlan`, elementwise.webgpu.ts):
 *  - `rank`: dims of the (coalesced) output the strided inputs walk, 0 without strided inputs;
 *  - `vec`: 4 = inputs ('same' or 'scalar' only) and output read and written as vec4, the
 *    expression applied per component (CPU adapters scalarise every storage load per lane, so
 *    one vec4 load costs far less than four scalar ones); 1 = scalars;
 *  - `perInvocation`: consecutive outputs (multiple of `vec`) per invocation: contiguous runs
 *    amortise the invocation and workgroup cost and let strided inputs step their coordinates
 *    instead of dividing per element (integer division is scalarised on CPU adapters: a rank-4
 *    broadcast index cost 3× the whole relu on lavapipe).
 */
export interface ElementwiseVariant { rank: number; modes: readonly InputMode[]; vec: 1 | 4; perInvocation: number }

/**
 * One template for every elementwise kernel: each invocation writes `perInvocation` consecutive
 * outputs; `inputs` are read as f32 at their index (per `modes`), `expr` (from the op table, over
 * x or a, b, c) is computed in f32 and converted to the output element type.
 */
export function elementwiseWgsl(expr: string, inputs: readonly (readonly [string, Elem])[], out: Elem, v: ElementwiseVariant): string {
  return elementwiseKernelWgsl(`fn ew(${inputs.map(([n]) => `${n}: f32`).join(', ')}) -> f32 { return ${expr}; }`, inputs, out, v);
}

/** One stage of a fused chain: a table expression over its parameters, each a kernel input or an earlier stage's value. */
export interface FusedStage { expr: string; params: readonly string[]; args: readonly ({ input: number } | { stage: number })[]; out: Elem }

/**
 * A chain of elementwise kernels as one (fusion of a recorded program, fuse.ts): stage k is
 * the table expression it ran as a kernel of its own, its value converted to that kernel's
 * output type and back to f32 exactly as a store and a load between the kernels did, so the
 * fused kernel computes what the chain computed. Inputs are named p0, p1, ...
 */
export function fusedElementwiseWgsl(stages: readonly FusedStage[], inputs: readonly Elem[], out: Elem, v: ElementwiseVariant): string {
  const named = inputs.map((t, k) => [`p${k}`, t] as const);
  return elementwiseKernelWgsl(fusedChainWgsl(stages, inputs.length, 'u.n == 0u'), named, out, v);
}

/**
 * The one expression generator of a fused chain: `fn ew(p0: f32, ...) -> f32` (one parameter per
 * input) and its helpers, evaluating the stages in order as described above. `never` is a WGSL
 * condition on a uniform that is false whenever the kernel runs (see `stored`). The elementwise
 * template and the GEMM epilogue (matmul.wgsl.ts) both call it.
 */
export function fusedChainWgsl(stages: readonly FusedStage[], inputs: number, never: string): string {
  const fns = stages.map((s, k) => `fn s${k}(${s.params.map((n) => `${n}: f32`).join(', ')}) -> f32 { return ${s.expr}; }`);
  const value = (a: FusedStage['args'][number]) => ('input' in a ? `p${a.input}` : `t${a.stage}`);
  const lets = stages.map((s, k) => {
    const call = `s${k}(${s.args.map(value).join(', ')})`;
    if (k === stages.length - 1) return `let t${k} = ${call};`;
    return `let t${k} = stored(${s.out === 'f32' ? call : `f32(${s.out}(${call}))`});`;
  });
  // The shader compiler may contract a product in one stage and a sum in the next into one fma
  // (one rounding where the kernels rounded twice: GRU's gradients came out an ulp apart). A
  // select on a uniform it cannot know hides the product, so each intermediate is rounded as stored.
  const stored = `fn stored(v: f32) -> f32 { return select(v, -v, ${never}); }`;
  const params = Array.from({ length: inputs }, (_, k) => `p${k}: f32`);
  const ew = `fn ew(${params.join(', ')}) -> f32 {\n  ${lets.join('\n  ')}\n  return t${stages.length - 1};\n}`;
  return [stored, ...fns, ew].join('\n');
}

/** A chain's stages as text: what its generated code depends on (pipeline keys). */
export const fusedStagesKey = (stages: readonly FusedStage[]): string =>
  stages.map((s) => `(${s.params.join(',')})=>${s.expr}(${s.args.map((a) => ('input' in a ? `p${a.input}` : `t${a.stage}`)).join(',')})>${s.out}`).join(';');

/** The elementwise template around `fns`, WGSL defining `fn ew(<one f32 per input>) -> f32`. */
function elementwiseKernelWgsl(fns: string, inputs: readonly (readonly [string, Elem])[], out: Elem, v: ElementwiseVariant): string {
  const { modes, vec } = v;
  const strided = inputs.map(([n]) => n).filter((_, k) => modes[k] === 'strided');
  if (vec === 4 && strided.length > 0) throw new Error('elementwise: vec4 loads need same-shape or scalar inputs');
  const dims = strided.length > 0 ? v.rank : 0;
  const fields: [string, 'u32'][] = [['n', 'u32'], ...broadcastUniformFields(dims, strided)];
  const index = (n: string, k: number) => (modes[k] === 'same' ? 'i' : modes[k] === 'scalar' ? '0u' : `${n}_i`);
  const vecType = (t: string) => (vec === 4 ? `vec4<${t}>` : t);
  // A broadcast scalar stays a scalar array (splatted on read); same-shape inputs are vectors.
  const elemType = (t: Elem, k: number) => (modes[k] === 'scalar' ? t : vecType(t));
  const reads = inputs.map(([n], k) => `let ${n} = ${vecType('f32')}(${vec === 4 && modes[k] === 'scalar' ? `f32(${n.toUpperCase()}[0u])` : `${n.toUpperCase()}[${index(n, k)}]`});`).join('\n    ');
  const names = inputs.map(([n]) => n);
  const apply = vec === 1
    ? `ew(${names.join(', ')})`
    : `vec4<f32>(${['x', 'y', 'z', 'w'].map((c) => `ew(${names.map((n) => `${n}.${c}`).join(', ')})`).join(', ')})`;
  // Loop over whole vectors: i indexes vec-wide elements, u.n counts scalars.
  const count = vec === 4 ? 'u.n / 4u' : 'u.n';
  const per = v.perInvocation / vec;
  return `${uniformStruct(fields)}
${storageBindings(1, [...inputs.map(([n, t], k) => [n.toUpperCase(), elemType(t, k), 'read'] as const), ['Y', vecType(out), 'read_write'] as const])}
${WGSL_ELEMENTWISE_HELPERS}
${fns}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG, 'i0')}
  let count = ${count};
  let first = i0 * ${per}u;
  if (first >= count) { return; }
  ${dims > 0 ? stridedStart(dims, strided) : ''}
  for (var k = 0u; k < ${per}u; k++) {
    let i = first + k;
    if (i >= count) { break; }
    ${reads}
    Y[i] = ${vecType(out)}(${apply});
    ${dims > 0 ? stridedStep(dims, strided) : ''}
  }
}`;
}

/** Coordinates (c0 outermost) and strided indices of the invocation's first output, by division once. */
function stridedStart(rank: number, names: readonly string[]): string {
  const lines = ['var rem = first;', ...names.map((n) => `var ${n}_i = 0u;`)];
  for (let d = rank - 1; d >= 0; d--) {
    const coord = d === 0 ? 'rem' : `rem % u.o${d}`;
    lines.push(`var c${d} = ${coord};${d > 0 ? ` rem = rem / u.o${d};` : ''}${names.map((n) => ` ${n}_i += c${d} * u.${n}${d};`).join('')}`);
  }
  return lines.join('\n  ');
}

/** Advances the coordinates by one output: the innermost dim, carrying outward on wrap (no division). */
function stridedStep(rank: number, names: readonly string[]): string {
  const step = (d: number): string => {
    const bump = `c${d} += 1u;${names.map((n) => ` ${n}_i += u.${n}${d};`).join('')}`;
    if (d === 0) return bump; // the outermost coordinate never wraps before i reaches n
    const wrap = `c${d} = 0u;${names.map((n) => ` ${n}_i -= u.o${d} * u.${n}${d};`).join('')}`;
    return `${bump}\n    if (c${d} == u.o${d}) { ${wrap} ${step(d - 1)} }`;
  };
  return step(rank - 1);
}

export const unaryExpr = (op: UnaryOp): string => UNARY[op].wgsl;
export const binaryExpr = (op: BinaryOp): string => BINARY[op].wgsl;
/** `where`: c is read as f32 (bool stored as 0/1). */
export const WHERE_EXPR = 'select(b, a, c != 0.0)';
/** Cast to int truncates toward zero; to bool tests non-zero; from bool gives 0/1. */
export const castExpr = (to: Elem): string => (to === 'u32' ? 'select(0.0, 1.0, x != 0.0)' : to === 'i32' ? 'trunc(x)' : 'x');

/** Writes one 32-bit pattern to every element (zero-fill, NaN poisoning in tests). */
export function fillWgsl(vec4: boolean): string {
  return `${uniformStruct([['n', 'u32'], ['bits', 'u32']])}
${storageBindings(1, [['Y', vec4 ? 'vec4u' : 'u32', 'read_write']])}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i < u.n${vec4 ? ' / 4u) { Y[i] = vec4u(u.bits); }' : ') { Y[i] = u.bits; }'}
}`;
}
