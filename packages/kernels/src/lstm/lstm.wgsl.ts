import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import { CELL_ACTIVATIONS, type CellActivationName } from './activations.js';
import type { LstmCellAttrs } from './lstm.cpu.js';

export type LstmDirection = 'forward' | 'backward';

/** `act`/`inner` and their derivatives (of the pre-activation) as WGSL functions, from the table. */
export function activationFns(a: LstmCellAttrs): string {
  const fn = (name: string, body: string) => `fn ${name}(x: f32) -> f32 { return ${body}; }`;
  const pair = (name: string, act: CellActivationName) => `${fn(name, CELL_ACTIVATIONS[act].wgsl)}\n${fn(`d${name}`, CELL_ACTIVATIONS[act].dwgsl)}`;
  return `${pair('act', a.activation)}\n${pair('inner', a.innerActivation)}`;
}

/** The cell (see cellForward in lstm.cpu.ts): (c', h') from the gate pre-activations and c. */
export const CELL_FORWARD_FN = `fn cellForward(zi: f32, zf: f32, zg: f32, zo: f32, cPrev: f32) -> vec2<f32> {
  let cNew = inner(zf) * cPrev + inner(zi) * act(zg);
  return vec2<f32>(cNew, inner(zo) * act(cNew));
}`;

/** Its backward (see cellBackward): dz for the four gates and dc for the previous state. */
export const CELL_BACKWARD_FN = `struct CellGrad { dz: vec4<f32>, dc: f32 }
fn cellBackward(zi: f32, zf: f32, zg: f32, zo: f32, cPrev: f32, cNew: f32, dh: f32, dcNext: f32) -> CellGrad {
  let dcTotal = dcNext + dh * inner(zo) * dact(cNew);
  let dz = vec4<f32>(dcTotal * act(zg) * dinner(zi), dcTotal * cPrev * dinner(zf), dcTotal * inner(zi) * dact(zg), dh * act(cNew) * dinner(zo));
  return CellGrad(dz, dcTotal * inner(zf));
}`;

const FORWARD = `let s = cellForward(zi, zf, zg, zo, C[i]);
  CN[i] = s.x;
  H[i] = s.y;`;

const BACKWARD = `let cPrev = C[i];
  let d = cellBackward(zi, zf, zg, zo, cPrev, cellForward(zi, zf, zg, zo, cPrev).x, DH[i], DCN[i]);
  DZ[zrow] = d.dz.x;
  DZ[zrow + u.U] = d.dz.y;
  DZ[zrow + 2u * u.U] = d.dz.z;
  DZ[zrow + 3u * u.U] = d.dz.w;
  DC[i] = d.dc;`;

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
${CELL_FORWARD_FN}
${direction === 'forward' ? '' : CELL_BACKWARD_FN}
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
  ${direction === 'forward' ? FORWARD : BACKWARD}
}`;
}
