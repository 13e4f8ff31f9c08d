import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import { CELL_ACTIVATIONS, type CellActivationName } from './activations.js';
import type { LstmCellAttrs } from './lstm.cpu.js';

export type LstmDirection = 'forward' | 'backward';

/** `act`/`inner` and their derivatives (of the pre-activation) as WGSL functions, from the table. */
function activationFns(a: LstmCellAttrs): string {
  const fn = (name: string, body: string) => `fn ${name}(x: f32) -> f32 { return ${body}; }`;
  const pair = (name: string, act: CellActivationName) => `${fn(name, CELL_ACTIVATIONS[act].wgsl)}\n${fn(`d${name}`, CELL_ACTIVATIONS[act].dwgsl)}`;
  return `${pair('act', a.activation)}\n${pair('inner', a.innerActivation)}`;
}

/** Backward (see lstmCellGradCpu): dz for the four gates and dc for the previous state. */
const BACKWARD = `let dcTotal = DCN[i] + DH[i] * inner(zo) * dact(cNew);
  DZ[zrow] = dcTotal * act(zg) * dinner(zi);
  DZ[zrow + u.U] = dcTotal * cPrev * dinner(zf);
  DZ[zrow + 2u * u.U] = dcTotal * inner(zi) * dact(zg);
  DZ[zrow + 3u * u.U] = DH[i] * act(cNew) * dinner(zo);
  DC[i] = dcTotal * inner(zf);`;

/**
 * One fused LSTM step per (row, unit): the four gate pre-activations z = xw + hu + b (Keras
 * order i, f, c, o), activations, and the state update (forward) or its gradient (backward).
 * Bindings: XW, HU, B, C, then forward H, CN; backward DH, DCN, DZ, DC.
 */
export function lstmWgsl(a: LstmCellAttrs, direction: LstmDirection): string {
  const read = (n: string) => [n, 'f32', 'read'] as const;
  const write = (n: string) => [n, 'f32', 'read_write'] as const;
  const io = direction === 'forward' ? [write('H'), write('CN')] : [read('DH'), read('DCN'), write('DZ'), write('DC')];
  return `${uniformStruct([['n', 'u32'], ['U', 'u32']])}
${storageBindings(1, [read('XW'), read('HU'), read('B'), read('C'), ...io])}
${activationFns(a)}
fn z(base: u32, col: u32) -> f32 { let k = base + col; return XW[k] + HU[k] + B[col]; }
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n) { return; }
  let j = i % u.U;
  let zrow = (i / u.U) * 4u * u.U + j;
  let base = zrow - j;
  let zi = z(base, j);
  let zf = z(base, j + u.U);
  let zg = z(base, j + 2u * u.U);
  let zo = z(base, j + 3u * u.U);
  let cPrev = C[i];
  let cNew = inner(zf) * cPrev + inner(zi) * act(zg);
  ${direction === 'forward' ? 'CN[i] = cNew;\n  H[i] = inner(zo) * act(cNew);' : BACKWARD}
}`;
}
