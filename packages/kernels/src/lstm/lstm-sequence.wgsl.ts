import type { GemmHooks } from '../matmul/matmul.wgsl.js';
import type { LstmCellAttrs } from './lstm.cpu.js';
import { activationFns, CELL_BACKWARD_FN, CELL_FORWARD_FN } from './lstm.wgsl.js';

/**
 * Step t of a whole LSTM sequence (see lstmSequenceCpu / lstmSequenceGradCpu) as ONE dispatch:
 * the step's recurrent GEMM (the tuned matmul template) with the cell as its write epilogue.
 * Sequence tensors are [batch, T, ·] (row r, step t at r·T + t). The recurrent state lives in
 * two ping-pong scratch buffers: the GEMM's A operand is the previous state (read only), the
 * epilogue writes the next one (a buffer may not be read by one invocation while another writes it).
 *  - `forward`: state = [h: batch×U][c: batch×U]; B = U with its columns permuted (4j + g = gate
 *    g of unit j), so the 4 columns an invocation owns are the 4 gates of one unit and the
 *    vec4 write hook runs the cell: z = XW_t + h·U + b → Z_t, CS_t, HS_t and the next state.
 *  - `backward`: state = [dz: batch×4U][dc: batch×U] (dz of step t+1, the running dc); B = Uᵀ,
 *    so C[r][j] = (dz_{t+1}·Uᵀ)[r][j] is the recurrent dh of unit j; the write hook adds
 *    DST_t (dhs and dcs joined), runs the cell's backward, adds it to DZ_t (the gates' own
 *    gradient on entry) and writes dz_t and dc into the next state. Step T−1 starts from a
 *    zero state.
 */
export type LstmSequencePass = 'forward' | 'backward';

const FIELDS = [['U', 'u32'], ['T', 'u32'], ['t', 'u32']] as const;

const BINDINGS: Record<LstmSequencePass, readonly (readonly [string, 'read' | 'read_write'])[]> = {
  forward: [['XW', 'read'], ['BIAS', 'read'], ['HS', 'read_write'], ['CS', 'read_write'], ['Z', 'read_write'], ['SN', 'read_write']],
  backward: [['Z', 'read'], ['C0', 'read'], ['CS', 'read'], ['DST', 'read'], ['DZ', 'read_write'], ['SN', 'read_write']],
};

const gates = (f: (g: number) => string, sep = '\n  ') => [0, 1, 2, 3].map(f).join(sep);
const C = ['x', 'y', 'z', 'w'] as const;

const FORWARD = `fn mm_write4(batch: u32, row: u32, col: u32, hu: vec4f) {
  let j = col / 4u;
  let sr = row * u.T + u.t;
  let zb = sr * 4u * u.U + j;
  ${gates((g) => `let z${g} = XW[zb + ${g}u * u.U] + hu.${C[g]} + BIAS[j + ${g}u * u.U];
  Z[zb + ${g}u * u.U] = z${g};`)}
  let s = cellForward(z0, z1, z2, z3, stateAt(u.M * u.U + row * u.U + j));
  CS[sr * u.U + j] = s.x;
  HS[sr * u.U + j] = s.y;
  SN[row * u.U + j] = s.y;
  SN[u.M * u.U + row * u.U + j] = s.x;
}`;

// Units j..j+3 in a loop (one inlined copy of the cell's backward); N = U need not be a multiple of 4.
const BACKWARD = `fn mm_write4(batch: u32, row: u32, col: u32, dhr: vec4f) {
  for (var c = 0u; c < 4u; c++) { if (col + c < u.N) { cellGrad(row, col + c, dhr[c]); } }
}
fn cellGrad(row: u32, j: u32, dhr: f32) {
  let sr = row * u.T + u.t;
  let zb = sr * 4u * u.U + j;
  let dh = DST[sr * 2u * u.U + j] + dhr;
  let dc = DST[sr * 2u * u.U + u.U + j] + stateAt(u.M * u.K + row * u.U + j);
  var cPrev: f32;
  if (u.t == 0u) { cPrev = C0[row * u.U + j]; } else { cPrev = CS[(sr - 1u) * u.U + j]; }
  let d = cellBackward(Z[zb], Z[zb + u.U], Z[zb + 2u * u.U], Z[zb + 3u * u.U], cPrev, CS[sr * u.U + j], dh, dc);
  ${gates((g) => `let g${g} = DZ[zb + ${g}u * u.U] + d.dz[${g}];
  DZ[zb + ${g}u * u.U] = g${g};
  SN[row * u.K + j + ${g}u * u.U] = g${g};`)}
  SN[u.M * u.K + row * u.U + j] = d.dc;
}`;

/** Uniform values of the hooks (after the GEMM's own) for step t. */
export const lstmSequenceUniforms = (units: number, steps: number, t: number): ['u32', number][] => [['u32', units], ['u32', steps], ['u32', t]];

/**
 * The GEMM hooks of one pass. Bindings: A (previous state), B, then BINDINGS[pass]. `a4`: A's
 * rows read as vec4 (the state's h or dz part is a contiguous [batch, K] matrix, K % 4 == 0).
 */
export function lstmSequenceHooks(a: LstmCellAttrs, pass: LstmSequencePass, a4: boolean, b4: boolean): GemmHooks {
  const vec = (v: boolean) => (v ? 'vec4f' : 'f32');
  return {
    fields: FIELDS,
    bindings: [['A', vec(a4), 'read'], ['B', vec(b4), 'read'], ...BINDINGS[pass].map(([name, access]) => [name, 'f32', access] as const)],
    code: [
      activationFns(a),
      pass === 'forward' ? CELL_FORWARD_FN : CELL_BACKWARD_FN,
      'fn mm_baseA(batch: u32) -> u32 { return 0u; }',
      'fn mm_baseB(batch: u32) -> u32 { return 0u; }',
      'fn mm_rowA(row: u32) -> vec4i { return vec4i(0); }',
      a4 ? 'fn mm_readA4(base: u32, rc: vec4i, row: u32, k: u32) -> vec4f { return A[(row * u.K + k) / 4u]; }'
        : 'fn mm_readA(base: u32, rc: vec4i, row: u32, k: u32) -> f32 { return A[row * u.K + k]; }',
      b4 ? 'fn mm_readB4(base: u32, k: u32, col: u32) -> vec4f { return B[(k * u.N + col) / 4u]; }'
        : 'fn mm_readB(base: u32, k: u32, col: u32) -> f32 { return B[k * u.N + col]; }',
      `fn stateAt(i: u32) -> f32 { return ${a4 ? 'A[i / 4u][i % 4u]' : 'A[i]'}; }`,
      pass === 'forward' ? FORWARD : BACKWARD,
    ].join('\n'),
    a4, b4, write4: true,
  };
}
