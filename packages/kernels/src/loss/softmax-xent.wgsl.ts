import { F32_INF_DECLS, F32_NEG_INF, GROUP_INDEX_DECL, workgroupReduceFn } from '../webgpu/indexing.js';
import { MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';

export type XentDirection = 'forward' | 'backward';

/** Invocations per row (a workgroup per row; classes beyond it are strided over). */
export const XENT_WG = 64;

const OUTPUT = {
  // loss = Σy·log S − Σ y·(z − m)
  forward: `if (lid.x == 0u) { L[g] = t.y * log(t.x) - t.z; }`,
  backward: `for (var j = lid.x; j < u.len; j += ${XENT_WG}u) {
    let logP = Z[o + j] - m - log(t.x);
    DZ[o + j] = DL[g] * (exp(logP) * t.y - Y[o + j]);
    DY[o + j] = -DL[g] * logP;
  }`,
};

/**
 * Fused softmax cross-entropy (see softmax-xent.cpu.ts), one workgroup per row: a max reduction,
 * then one vec4 sum reduction of (exp(z − m), y, y·(z − m)), then the loss (forward) or both
 * gradients (backward). Bindings: Z, Y, then forward L; backward DL, DZ, DY.
 */
export function softmaxXentWgsl(direction: XentDirection): string {
  const io: [string, string, 'read' | 'read_write'][] = direction === 'forward'
    ? [['L', 'f32', 'read_write']]
    : [['DL', 'f32', 'read'], ['DZ', 'f32', 'read_write'], ['DY', 'f32', 'read_write']];
  return `${uniformStruct([['rows', 'u32'], ['len', 'u32']])}
${storageBindings(1, [['Z', 'f32', 'read'], ['Y', 'f32', 'read'], ...io])}
${F32_INF_DECLS}
fn maxOf(a: f32, b: f32) -> f32 { return max(a, b); }
fn sum4(a: vec4f, b: vec4f) -> vec4f { return a + b; }
${workgroupReduceFn('rowMax', 'f32', XENT_WG, 'maxOf')}
${workgroupReduceFn('rowSums', 'vec4f', XENT_WG, 'sum4')}
@compute @workgroup_size(${XENT_WG})
fn main(${MAIN_ARGS}) {
  ${GROUP_INDEX_DECL}
  if (g >= u.rows) { return; }
  let o = g * u.len;
  var mx = ${F32_NEG_INF};
  for (var j = lid.x; j < u.len; j += ${XENT_WG}u) { mx = max(mx, Z[o + j]); }
  let m = rowMax(mx, lid.x);
  var acc = vec4f(0.0);
  for (var j = lid.x; j < u.len; j += ${XENT_WG}u) {
    let d = Z[o + j] - m;
    let y = Y[o + j];
    acc += vec4f(exp(d), y, y * d, 0.0);
  }
  let t = rowSums(acc, lid.x);
  ${OUTPUT[direction]}
}`;
}
