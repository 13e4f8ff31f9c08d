import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import { AFFINE_ROW_VALUES, type FillMode } from './resample.cpu.js';

/** The fill mode as WGSL mapping an out-of-range index i into [0, n), or -1 for cval (see fillIndex). */
const FILL: Record<FillMode, string> = {
  constant: 'return -1;',
  nearest: 'return select(n - 1, 0, i < 0);',
  wrap: 'return ((i % n) + n) % n;',
  reflect: 'let p = 2 * n; let k = ((i % p) + p) % p; return select(p - 1 - k, k, k < n);',
};

export const RESAMPLE_UNIFORMS = [['n', 'u32'], ['H', 'u32'], ['W', 'u32'], ['C', 'u32'], ['cval', 'f32']] as const;

/**
 * One invocation per output element (b, row, col, channel): the sample position M_b · (row, col, 1)
 * rounded half up (f32 -> i32 saturates), mapped by the fill mode. Bindings: X, M, then Y.
 */
export function affineResampleWgsl(fillMode: FillMode): string {
  return `${uniformStruct(RESAMPLE_UNIFORMS)}
${storageBindings(1, [['X', 'f32', 'read'], ['M', 'f32', 'read'], ['Y', 'f32', 'read_write']])}
fn fill(i: i32, n: i32) -> i32 {
  if (i >= 0 && i < n) { return i; }
  ${FILL[fillMode]}
}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n) { return; }
  let ch = i % u.C;
  let pix = i / u.C;
  let col = pix % u.W;
  let row = (pix / u.W) % u.H;
  let b = pix / (u.W * u.H);
  let m = b * ${AFFINE_ROW_VALUES}u;
  let r = f32(row);
  let c = f32(col);
  let sr = fill(i32(floor(M[m] * r + M[m + 1u] * c + M[m + 2u] + 0.5)), i32(u.H));
  let sc = fill(i32(floor(M[m + 3u] * r + M[m + 4u] * c + M[m + 5u] + 0.5)), i32(u.W));
  if (sr < 0 || sc < 0) {
    Y[i] = u.cval;
  } else {
    Y[i] = X[((b * u.H + u32(sr)) * u.W + u32(sc)) * u.C + ch];
  }
}`;
}
