import type { GemmHooks } from '../matmul/matmul.wgsl.js';
import type { LstmCellAttrs, LstmSequenceGradAttrs } from './lstm.cpu.js';
import { activationFns, CELL_BACKWARD_FN, CELL_FORWARD_FN } from './lstm.wgsl.js';

/**
 * Step t of a whole LSTM sequence (see lstmSequenceCpu / lstmSequenceGradCpu) as ONE dispatch:
 * the step's recurrent GEMM (the tuned matmul template) with the cell as its write epilogue.
 * Sequence tensors are [batch, T, ·] (row r, step t at r·T + t). The GEMM's A operand is the
 * previous step's slot of a sequence tensor the epilogue writes at this step's slot (one
 * read_write binding: no invocation reads what another writes), so no state is copied between steps.
 *  - `forward`: A = HS (h_{t−1}; H0 at t = 0); B = U with its columns permuted (4j + g = gate g
 *    of unit j), so the 4 columns an invocation owns are the 4 gates of one unit and the vec4
 *    write hook runs the cell: z = XW_t + h·U → Z_t, then CS_t and HS_t.
 *  - `backward`: A = DZ (dz_{t+1}, zero at t = T−1); B = Uᵀ, so C[r][j] = (dz_{t+1}·Uᵀ)[r][j] is
 *    the recurrent dh of unit j; the write hook adds DH_t and DC_t (dhs and dcs) and dc_{t+1}
 *    (DCS, the cell gradient per step), runs the cell's backward, adds it to DZ_t (the gates' own
 *    gradient on entry) and writes DCS_t. Gradients known to be zeros (`dcsZero`, `dzsZero`:
 *    outputs nothing used) are not read.
 * Every operand read per output is one the cell needs: on lavapipe the epilogue's scalar loads
 * and stores are as costly as its step's GEMM.
 */
export type LstmSequencePass = 'forward' | 'backward';

const FIELDS = [['U', 'u32'], ['T', 'u32'], ['t', 'u32']] as const;

type Zeros = Pick<LstmSequenceGradAttrs, 'dcsZero' | 'dzsZero'>;

/** The pass's own bindings after A and B (f32), in order; a gradient known to be zeros is not bound. */
function lstmSequenceBindings(pass: LstmSequencePass, zeros: Zeros): (readonly [string, 'read' | 'read_write'])[] {
  return pass === 'forward'
    ? [['XW', 'read'], ['CS', 'read_write'], ['Z', 'read_write'], ['C0', 'read']]
    : [['Z', 'read'], ['C0', 'read'], ['CS', 'read'], ['DH', 'read'], ...(zeros.dcsZero ? [] : [['DC', 'read'] as const]), ['DCS', 'read_write']];
}

const gates = (f: (g: number) => string, sep = '\n  ') => [0, 1, 2, 3].map(f).join(sep);
const C = ['x', 'y', 'z', 'w'] as const;

/** c_{t−1} of (row, unit j) at sequence row sr = row·T + t. */
const C_PREV = `fn cPrev(row: u32, sr: u32, j: u32) -> f32 {
  if (u.t == 0u) { return C0[row * u.U + j]; }
  return CS[(sr - 1u) * u.U + j];
}`;

const FORWARD = `fn mm_write4(batch: u32, row: u32, col: u32, hu: vec4f) {
  let j = col / 4u;
  let sr = row * u.T + u.t;
  let zb = sr * 4u * u.U + j;
  ${gates((g) => `let z${g} = XW[zb + ${g}u * u.U] + hu.${C[g]};
  Z[zb + ${g}u * u.U] = z${g};`)}
  let s = cellForward(z0, z1, z2, z3, cPrev(row, sr, j));
  CS[sr * u.U + j] = s.x;
  setA(sr * u.U + j, s.y);
}`;

// Units j..j+3 in a loop (one inlined copy of the cell's backward); N = U need not be a multiple of 4.
const backward = ({ dcsZero, dzsZero }: Zeros) => `fn mm_write4(batch: u32, row: u32, col: u32, dhr: vec4f) {
  for (var c = 0u; c < 4u; c++) { if (col + c < u.N) { cellGrad(row, col + c, dhr[c]); } }
}
fn cellGrad(row: u32, j: u32, dhr: f32) {
  let sr = row * u.T + u.t;
  let zb = sr * 4u * u.U + j;
  let dh = DH[sr * u.U + j] + dhr;
  var dc = ${dcsZero ? '0.0' : 'DC[sr * u.U + j]'};
  if (u.t + 1u < u.T) { dc += DCS[(sr + 1u) * u.U + j]; }
  let d = cellBackward(Z[zb], Z[zb + u.U], Z[zb + 2u * u.U], Z[zb + 3u * u.U], cPrev(row, sr, j), CS[sr * u.U + j], dh, dc);
  ${gates((g) => `setA(zb + ${g}u * u.U, ${dzsZero ? '' : `getA(zb + ${g}u * u.U) + `}d.dz[${g}]);`)}
  DCS[sr * u.U + j] = d.dc;
}`;

/** Uniform values of the hooks (after the GEMM's own) for step t. */
export const lstmSequenceUniforms = (units: number, steps: number, t: number): ['u32', number][] => [['u32', units], ['u32', steps], ['u32', t]];

/** The A operand's row for step t: the previous (forward: H0 first) or next (backward: zero last) slot. */
function readA(pass: LstmSequencePass, a4: boolean): string {
  const at = (slot: string) => `(row * u.T + ${slot}) * u.K + k`;
  const [sig, zero, load, first] = a4
    ? ['fn mm_readA4(base: u32, rc: vec4i, row: u32, k: u32) -> vec4f', 'vec4f(0.0)', (i: string) => `A[(${i}) / 4u]`, 'H0[(row * u.K + k) / 4u]']
    : ['fn mm_readA(base: u32, rc: vec4i, row: u32, k: u32) -> f32', '0.0', (i: string) => `A[${i}]`, 'H0[row * u.K + k]'];
  return pass === 'forward'
    ? `${sig} {\n  if (u.t == 0u) { return ${first}; }\n  return ${load(at('u.t - 1u'))};\n}`
    : `${sig} {\n  if (u.t + 1u == u.T) { return ${zero}; }\n  return ${load(at('u.t + 1u'))};\n}`;
}

/**
 * The GEMM hooks of one pass. Bindings: A (HS or DZ, read and written), B, then
 * lstmSequenceBindings (forward also H0, in A's element type). `a4`: A's rows read as vec4
 * (K % 4 == 0). `zeros` (backward): which incoming gradients are known zeros.
 */
export function lstmSequenceHooks(a: LstmCellAttrs, pass: LstmSequencePass, a4: boolean, b4: boolean, zeros: Zeros = { dcsZero: false, dzsZero: false }): GemmHooks {
  const vec = (v: boolean) => (v ? 'vec4f' : 'f32');
  const own = lstmSequenceBindings(pass, zeros).map(([name, access]) => [name, 'f32', access] as const);
  return {
    fields: FIELDS,
    bindings: [['A', vec(a4), 'read_write'], ['B', vec(b4), 'read'], ...own, ...(pass === 'forward' ? [['H0', vec(a4), 'read'] as const] : [])],
    code: [
      activationFns(a),
      pass === 'forward' ? CELL_FORWARD_FN : CELL_BACKWARD_FN,
      'fn mm_baseA(batch: u32) -> u32 { return 0u; }',
      'fn mm_baseB(batch: u32) -> u32 { return 0u; }',
      'fn mm_rowA(row: u32) -> vec4i { return vec4i(0); }',
      readA(pass, a4),
      b4 ? 'fn mm_readB4(base: u32, k: u32, col: u32) -> vec4f { return B[(k * u.N + col) / 4u]; }'
        : 'fn mm_readB(base: u32, k: u32, col: u32) -> f32 { return B[k * u.N + col]; }',
      `fn getA(i: u32) -> f32 { return ${a4 ? 'A[i / 4u][i % 4u]' : 'A[i]'}; }`,
      `fn setA(i: u32, v: f32) { ${a4 ? 'A[i / 4u][i % 4u]' : 'A[i]'} = v; }`,
      C_PREV,
      pass === 'forward' ? FORWARD : backward(zeros),
    ].join('\n'),
    a4, b4, write4: true,
  };
}
