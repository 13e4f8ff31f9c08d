import { CELL_ACTIVATIONS, type CellActivationName } from './activations.js';
import type { DataArray } from '../types.js';

/**
 * One LSTM step, Keras gate order i, f, c, o in the 4·units columns of the pre-activations:
 *   z = xW + hU + b;  i = σ(z_i), f = σ(z_f), g = act(z_c), o = σ(z_o)
 *   c' = f·c + i·g;   h' = o·act(c')         (σ = the inner activation)
 */
export interface LstmCellAttrs { units: number; activation: CellActivationName; innerActivation: CellActivationName }

function preactivation(xw: DataArray, hu: DataArray, bias: DataArray, row: number, col: number, units: number): number {
  const k = row * 4 * units + col;
  return xw[k]! + hu[k]! + bias[col]!;
}

export function lstmCellCpu(xw: DataArray, hu: DataArray, bias: DataArray, c: DataArray, hOut: DataArray, cOut: DataArray, a: LstmCellAttrs): void {
  const act = CELL_ACTIVATIONS[a.activation].f;
  const inner = CELL_ACTIVATIONS[a.innerActivation].f;
  const u = a.units;
  for (let r = 0; r < c.length / u; r++) {
    for (let j = 0; j < u; j++) {
      const z = (gate: number) => preactivation(xw, hu, bias, r, gate * u + j, u);
      const cNew = inner(z(1)) * c[r * u + j]! + inner(z(0)) * act(z(2));
      cOut[r * u + j] = cNew;
      hOut[r * u + j] = inner(z(3)) * act(cNew);
    }
  }
}

/**
 * Backward of one step given dh' and dc' (gradients w.r.t. the cell's outputs): writes dz, the
 * gradient w.r.t. the pre-activations z (= d(xW) = d(hU); summed over rows it is d(b)), and dc.
 */
export function lstmCellGradCpu(
  xw: DataArray, hu: DataArray, bias: DataArray, c: DataArray, dh: DataArray, dcNext: DataArray,
  dz: DataArray, dc: DataArray, a: LstmCellAttrs,
): void {
  const act = CELL_ACTIVATIONS[a.activation];
  const inner = CELL_ACTIVATIONS[a.innerActivation];
  const u = a.units;
  for (let r = 0; r < c.length / u; r++) {
    for (let j = 0; j < u; j++) {
      const z = (gate: number) => preactivation(xw, hu, bias, r, gate * u + j, u);
      const [zi, zf, zg, zo] = [z(0), z(1), z(2), z(3)];
      const cPrev = c[r * u + j]!;
      const cNew = inner.f(zf) * cPrev + inner.f(zi) * act.f(zg);
      const dcTotal = dcNext[r * u + j]! + dh[r * u + j]! * inner.f(zo) * act.df(cNew);
      const base = r * 4 * u + j;
      dz[base] = dcTotal * act.f(zg) * inner.df(zi);
      dz[base + u] = dcTotal * cPrev * inner.df(zf);
      dz[base + 2 * u] = dcTotal * inner.f(zi) * act.df(zg);
      dz[base + 3 * u] = dh[r * u + j]! * act.f(cNew) * inner.df(zo);
      dc[r * u + j] = dcTotal * inner.f(zf);
    }
  }
}
