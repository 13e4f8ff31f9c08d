import type { Uniform } from './context.js';

/**
 * WGSL-generating index helpers shared by the reduce, layout and softmax kernels, so the index
 * arithmetic is written once. Uniform fields are declared and valued from one list
 * (`UniformList`), which keeps the struct layout and the packed values in the same order.
 */

/** Named uniforms: [name, WGSL type, value]. */
export type UniformList = (readonly [string, Uniform[0], number])[];

export const uniformFields = (list: UniformList): [string, Uniform[0]][] => list.map(([n, t]) => [n, t]);
export const uniformValues = (list: UniformList): Uniform[] => list.map(([, t, v]) => [t, v]);

/** Fields `<prefix>0..` holding `values` as u32. */
export function u32Fields(prefix: string, values: readonly number[]): UniformList {
  return values.map((v, d) => [`${prefix}${d}`, 'u32', v] as const);
}

/**
 * A WGSL function `fn <name>(flat: u32) -> u32` that unravels `flat` row-major over the dims
 * `u.<dims>0..` (rank `rank`) and returns Σ coordinate·`u.<strides>d` (plus `u.<base>` if given).
 */
export function offsetFn(name: string, rank: number, dims: string, strides: string, base?: string): string {
  const lines: string[] = [];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`  { let c = rem % u.${dims}${d}; rem = rem / u.${dims}${d}; off += c * u.${strides}${d}; }`);
  }
  return `fn ${name}(flat: u32) -> u32 {
  var rem = flat;
  var off = ${base ? `u.${base}` : '0u'};
${lines.join('\n')}
  return off;
}`;
}

/**
 * Dims of an iteration space with one stride list per operand, simplified: size-1 dims dropped
 * and adjacent dims merged where every operand walks them contiguously. The flat order of the
 * iteration space is unchanged, so kernels index the same elements with a lower rank.
 */
export function collapseDims(dims: readonly number[], strides: readonly (readonly number[])[]): { dims: number[]; strides: number[][] } {
  const outDims: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  dims.forEach((d, i) => {
    if (d === 1) return;
    const last = outDims.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === d * s[i]!)) {
      outDims[last]! *= d;
      strides.forEach((s, k) => { outStrides[k]![last] = s[i]!; });
      return;
    }
    outDims.push(d);
    strides.forEach((s, k) => outStrides[k]!.push(s[i]!));
  });
  return { dims: outDims, strides: outStrides };
}

/** Declares `let g` = the workgroup index of a dispatch over `ctx.grid(groups * size, size)`. */
export const GROUP_INDEX_DECL = 'let g = wid.x + wid.y * nwg.x;';

/**
 * A WGSL function `fn <name>(v: T, l: u32) -> T` combining `v` over the workgroup (size `size`, a
 * power of two) by a tree in workgroup memory with `combine`; every invocation gets the result.
 * Must be called from uniform control flow (it has barriers).
 */
export function workgroupReduceFn(name: string, type: string, size: number, combine: string): string {
  return `var<workgroup> ${name}_sh: array<${type}, ${size}>;
fn ${name}(v: ${type}, l: u32) -> ${type} {
  ${name}_sh[l] = v;
  workgroupBarrier();
  for (var s = ${size / 2}u; s > 0u; s = s >> 1u) {
    if (l < s) { ${name}_sh[l] = ${combine}(${name}_sh[l], ${name}_sh[l + s]); }
    workgroupBarrier();
  }
  let r = ${name}_sh[0];
  workgroupBarrier();
  return r;
}`;
}

/**
 * ±infinity in f32. WGSL has no infinity literal and rejects a constant-evaluated bitcast to
 * infinity, so the bits come from a private variable (evaluated at run time). Kernels using
 * F32_NEG_INF / F32_POS_INF include F32_INF_DECLS.
 */
export const F32_INF_DECLS = 'var<private> f32InfBits: u32 = 0x7f800000u;';
export const F32_NEG_INF = '(-bitcast<f32>(f32InfBits))';
export const F32_POS_INF = 'bitcast<f32>(f32InfBits)';

/**
 * WGSL test for an f32 NaN by its bits: compilers may fold `x != x` to false (fast math, as
 * lavapipe does), which would stop NaN propagating through max/min.
 */
export const isNanWgsl = (x: string): string => `((bitcast<u32>(${x}) & 0x7fffffffu) > 0x7f800000u)`;
