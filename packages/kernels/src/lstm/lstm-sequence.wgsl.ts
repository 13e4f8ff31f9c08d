import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import type { LstmCellAttrs } from './lstm.cpu.js';
import { activationFns, CELL_BACKWARD_FN, CELL_FORWARD_FN } from './lstm.wgsl.js';

/**
 * The cell of step t of a whole LSTM sequence (see lstmSequenceCpu / lstmSequenceGradCpu), one
 * invocation per (row r, unit j); the recurrent matmul of the step is a GEMM dispatched before it
 * (lstm.webgpu.ts). Sequence tensors are [batch, T, ·] (row r, step t at r·T + t); the step's
 * contiguous [batch, ·] operands of the GEMMs live in scratch buffers.
 *  - `forward`: z = XW_t + HU + b → Z_t; the cell → CS_t, HS_t and the scratch state CP, HP
 *    (c and h of this step: the next step's c_{t−1} and GEMM operand);
 *  - `backward`: dh = DST_t(h half) + DHR (= dz_{t+1}·Uᵀ), dc = DST_t(c half) + DC (the running
 *    dc); the cell's backward is added to DZ_t (which holds the gates' own gradient on entry),
 *    copied to the scratch DZP (the next GEMM's operand), and the new running dc goes to DC.
 */
export type LstmSequencePass = 'forward' | 'backward';

export const LSTM_SEQUENCE_UNIFORMS = [['n', 'u32'], ['U', 'u32'], ['T', 'u32'], ['t', 'u32']] as const;

const BUFFERS: Record<LstmSequencePass, readonly (readonly [string, 'read' | 'read_write'])[]> = {
  forward: [['XW', 'read'], ['HU', 'read'], ['BIAS', 'read'], ['HS', 'read_write'], ['CS', 'read_write'], ['Z', 'read_write'], ['CP', 'read_write'], ['HP', 'read_write']],
  backward: [['Z', 'read'], ['C0', 'read'], ['CS', 'read'], ['DST', 'read'], ['DHR', 'read'], ['DZ', 'read_write'], ['DZP', 'read_write'], ['DC', 'read_write']],
};

const gates = (f: (g: number) => string) => [0, 1, 2, 3].map(f).join('\n  ');

const FORWARD = `${gates((g) => `let z${g} = XW[zb + ${g}u * u.U] + HU[sb + ${g}u * u.U] + BIAS[j + ${g}u * u.U];
  Z[zb + ${g}u * u.U] = z${g};`)}
  let s = cellForward(z0, z1, z2, z3, CP[i]);
  CS[row * u.U + j] = s.x;
  HS[row * u.U + j] = s.y;
  CP[i] = s.x;
  HP[i] = s.y;`;

const BACKWARD = `let next = u.t + 1u < u.T;
  let dh = DST[row * 2u * u.U + j] + select(0.0, DHR[i], next);
  let dc = DST[row * 2u * u.U + u.U + j] + select(0.0, DC[i], next);
  var cPrev: f32;
  if (u.t == 0u) { cPrev = C0[i]; } else { cPrev = CS[(row - 1u) * u.U + j]; }
  let d = cellBackward(Z[zb], Z[zb + u.U], Z[zb + 2u * u.U], Z[zb + 3u * u.U], cPrev, CS[row * u.U + j], dh, dc);
  ${gates((g) => `let g${g} = DZ[zb + ${g}u * u.U] + d.dz[${g}];
  DZ[zb + ${g}u * u.U] = g${g};
  DZP[sb + ${g}u * u.U] = g${g};`)}
  DC[i] = d.dc;`;

export function lstmSequenceWgsl(a: LstmCellAttrs, pass: LstmSequencePass): string {
  return `${uniformStruct(LSTM_SEQUENCE_UNIFORMS)}
${storageBindings(1, BUFFERS[pass].map(([name, access]) => [name, 'f32', access] as const))}
${activationFns(a)}
${pass === 'forward' ? CELL_FORWARD_FN : CELL_BACKWARD_FN}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n) { return; }
  let j = i % u.U;
  let r = i / u.U;
  let row = r * u.T + u.t;
  let zb = row * 4u * u.U + j;
  let sb = r * 4u * u.U + j;
  ${pass === 'forward' ? FORWARD : BACKWARD}
}`;
}
