import { MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import { F32_INF_DECLS, F32_NEG_INF, GROUP_INDEX_DECL, isNanWgsl, workgroupReduceFn } from '../webgpu/indexing.js';

/**
 * The max-shift of a row softmax, shared by softmax and the fused softmax cross-entropy, for a
 * kernel with one workgroup of `size` invocations per row of `u.len` elements of `src` starting
 * at `o`. `decls` go at module scope; `body` leaves the row's max in `m`. The max is NaN-aware
 * (WGSL's max need not return a NaN operand), so a NaN in the row makes every output NaN.
 */
export function rowMaxWgsl(src: string, size: number): { decls: string; body: string } {
  return {
    decls: `${F32_INF_DECLS}
fn maxOf(a: f32, b: f32) -> f32 { return select(a, b, b > a || ${isNanWgsl('b')}); }
${workgroupReduceFn('rowMax', 'f32', size, 'maxOf')}`,
    body: `var mx = ${F32_NEG_INF};
  for (var j = lid.x; j < u.len; j += ${size}u) { mx = maxOf(mx, ${src}[o + j]); }
  let m = rowMax(mx, lid.x);`,
  };
}

/**
 * Softmax (or log-softmax) of rows of length u.len, one workgroup of `size` invocations per row:
 * a max reduction, a sum of exp(x - max), then the outputs, each pass a strided loop over the row
 * (so long rows use every invocation and short rows cost one pass each).
 */
export function softmaxWgsl(size: number, log: boolean): string {
  const out = log ? 'X[o + j] - m - log(s)' : 'exp(X[o + j] - m) / s';
  const rowMax = rowMaxWgsl('X', size);
  return `${uniformStruct([['rows', 'u32'], ['len', 'u32']])}
${storageBindings(1, [['X', 'f32', 'read'], ['Y', 'f32', 'read_write']])}
${rowMax.decls}
fn sumOf(a: f32, b: f32) -> f32 { return a + b; }
${workgroupReduceFn('rowSum', 'f32', size, 'sumOf')}
@compute @workgroup_size(${size})
fn main(${MAIN_ARGS}) {
  ${GROUP_INDEX_DECL}
  if (g >= u.rows) { return; }
  let o = g * u.len;
  ${rowMax.body}
  var sm = 0.0;
  for (var j = lid.x; j < u.len; j += ${size}u) { sm += exp(X[o + j] - m); }
  let s = rowSum(sm, lid.x);
  for (var j = lid.x; j < u.len; j += ${size}u) { Y[o + j] = ${out}; }
}`;
}
