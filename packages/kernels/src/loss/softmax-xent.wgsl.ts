import { rowMaxWgsl } from '../softmax/softmax.wgsl.js';
import { GROUP_INDEX_DECL, workgroupReduceFn } from '../webgpu/indexing.js';
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
 * Fused softmax cross-entropy (see softmax-xent.cpu.ts), one workgroup per row: the row max m
 * (`rowMaxWgsl`, as softmax's), then one vec4 sum reduction of (exp(z − m), y, y·(z − m)), then
 * the loss (forward) or both gradients (backward). Bindings: Z, Y, then forward L; backward DL,
 * DZ, DY.
 */
export function softmaxXentWgsl(direction: XentDirection): string {
  const io: [string, string, 'read' | 'read_write'][] = direction === 'forward'
    ? [['L', 'f32', 'read_write']]
    : [['DL', 'f32', 'read'], ['DZ', 'f32', 'read_write'], ['DY', 'f32', 'read_write']];
  const rowMax = rowMaxWgsl('Z', XENT_WG);
  return `${uniformStruct([['rows', 'u32'], ['len', 'u32']])}
${storageBindings(1, [['Z', 'f32', 'read'], ['Y', 'f32', 'read'], ...io])}
${rowMax.decls}
fn sum4(a: vec4f, b: vec4f) -> vec4f { return a + b; }
${workgroupReduceFn('rowSums', 'vec4f', XENT_WG, 'sum4')}
@compute @workgroup_size(${XENT_WG})
fn main(${MAIN_ARGS}) {
  ${GROUP_INDEX_DECL}
  if (g >= u.rows) { return; }
  let o = g * u.len;
  ${rowMax.body}
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
