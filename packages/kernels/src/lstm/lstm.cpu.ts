import { CELL_ACTIVATIONS, type CellActivationName } from './activations.js';
import type { DataArray } from '../types.js';

/**
 * One LSTM step, Keras gate order i, f, c, o in the 4·units columns of the pre-activations:
 *   z = xW + hU + b;  i = σ(z_i), f = σ(z_f), g = act(z_c), o = σ(z_o)
 *   c' = f·c + i·g;   h' = o·act(c')         (σ = the inner activation)
 */
export interface LstmCellAttrs { units: number; activation: CellActivationName; innerActivation: CellActivationName }
/** `dcsZero`, `dzsZero`: dcs or dzs is known to be zeros (the gradient of an output nothing used): not read. */
export interface LstmSequenceGradAttrs extends LstmCellAttrs { dcsZero: boolean; dzsZero: boolean }

function preactivation(xw: DataArray, hu: DataArray, bias: DataArray, row: number, col: number, units: number): number {
  const k = row * 4 * units + col;
  return xw[k]! + hu[k]! + bias[col]!;
}

/** The cell given its four gate pre-activations and previous state: [c', h']. */
export function cellForward(a: LstmCellAttrs, zi: number, zf: number, zg: number, zo: number, cPrev: number): [number, number] {
  const act = CELL_ACTIVATIONS[a.activation].f;
  const inner = CELL_ACTIVATIONS[a.innerActivation].f;
  const cNew = inner(zf) * cPrev + inner(zi) * act(zg);
  return [cNew, inner(zo) * act(cNew)];
}

/**
 * The cell's backward for one unit: from dh' and dc' (the gradients of its outputs) the
 * gradients of the four pre-activations and of the previous state, written to `out`
 * as [dz_i, dz_f, dz_c, dz_o, dc].
 */
export function cellBackward(a: LstmCellAttrs, zi: number, zf: number, zg: number, zo: number, cPrev: number, cNew: number, dh: number, dcNext: number, out: number[]): void {
  const act = CELL_ACTIVATIONS[a.activation];
  const inner = CELL_ACTIVATIONS[a.innerActivation];
  const dcTotal = dcNext + dh * inner.f(zo) * act.df(cNew);
  out[0] = dcTotal * act.f(zg) * inner.df(zi);
  out[1] = dcTotal * cPrev * inner.df(zf);
  out[2] = dcTotal * inner.f(zi) * act.df(zg);
  out[3] = dh * act.f(cNew) * inner.df(zo);
  out[4] = dcTotal * inner.f(zf);
}

export function lstmCellCpu(xw: DataArray, hu: DataArray, bias: DataArray, c: DataArray, hOut: DataArray, cOut: DataArray, a: LstmCellAttrs): void {
  const u = a.units;
  for (let r = 0; r < c.length / u; r++) {
    for (let j = 0; j < u; j++) {
      const z = (gate: number) => preactivation(xw, hu, bias, r, gate * u + j, u);
      const [cNew, h] = cellForward(a, z(0), z(1), z(2), z(3), c[r * u + j]!);
      cOut[r * u + j] = cNew;
      hOut[r * u + j] = h;
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
  const u = a.units;
  const g: number[] = [0, 0, 0, 0, 0];
  for (let r = 0; r < c.length / u; r++) {
    for (let j = 0; j < u; j++) {
      const z = (gate: number) => preactivation(xw, hu, bias, r, gate * u + j, u);
      const [zi, zf, zg, zo] = [z(0), z(1), z(2), z(3)];
      const cPrev = c[r * u + j]!;
      const [cNew] = cellForward(a, zi, zf, zg, zo, cPrev);
      cellBackward(a, zi, zf, zg, zo, cPrev, cNew, dh[r * u + j]!, dcNext[r * u + j]!, g);
      for (let k = 0; k < 4; k++) dz[r * 4 * u + k * u + j] = g[k]!;
      dc[r * u + j] = g[4]!;
    }
  }
}

/**
 * A whole LSTM sequence (t = 0 … T−1) with the recurrent matmul inside: xw [batch, T, 4·units]
 * (x·W + b for every step: the bias is the projection's), w [units, 4·units] (the recurrent
 * kernel U), h0 and c0 [batch, units]. Writes hs and cs [batch, T, units] (h and c after each
 * step) and z [batch, T, 4·units], the gate pre-activations xw + h·U, which the backward reads.
 */
export function lstmSequenceCpu(
  xw: DataArray, w: DataArray, h0: DataArray, c0: DataArray,
  hs: DataArray, cs: DataArray, z: DataArray, steps: number, a: LstmCellAttrs,
): void {
  const u = a.units, g = 4 * u, batch = h0.length / u;
  for (let t = 0; t < steps; t++) {
    for (let r = 0; r < batch; r++) {
      const row = r * steps + t;
      const hPrev = (k: number) => (t === 0 ? h0[r * u + k]! : hs[(row - 1) * u + k]!);
      for (let n = 0; n < g; n++) {
        let hu = 0;
        for (let k = 0; k < u; k++) hu += hPrev(k) * w[k * g + n]!;
        z[row * g + n] = xw[row * g + n]! + hu;
      }
      for (let j = 0; j < u; j++) {
        const zj = (gate: number) => z[row * g + gate * u + j]!;
        const cPrev = t === 0 ? c0[r * u + j]! : cs[(row - 1) * u + j]!;
        const [cNew, h] = cellForward(a, zj(0), zj(1), zj(2), zj(3), cPrev);
        cs[row * u + j] = cNew;
        hs[row * u + j] = h;
      }
    }
  }
}

/**
 * Backward of lstmSequenceCpu, back through time: from the gradients of hs, cs and z (dhs, dcs,
 * dzs) writes dz [batch, T, 4·units] (the gradient of each step's pre-activations: that of xw),
 * dh0 and dc0. d(U) = Σ_t h_{t−1}ᵀ·dz_t is
 * left to one matmul over all steps (the op's VJP).
 */
export function lstmSequenceGradCpu(
  w: DataArray, z: DataArray, cs: DataArray, c0: DataArray, dhs: DataArray, dcs: DataArray, dzs: DataArray,
  dz: DataArray, dh0: DataArray, dc0: DataArray, steps: number, a: LstmSequenceGradAttrs,
): void {
  const u = a.units, g = 4 * u, batch = c0.length / u;
  // dz_{t+1}·Uᵀ for (row r, unit j): the recurrent part of dh_t.
  const recurrent = (r: number, t: number, j: number) => {
    let s = 0;
    for (let n = 0; n < g; n++) s += dz[(r * steps + t) * g + n]! * w[j * g + n]!;
    return s;
  };
  const out: number[] = [0, 0, 0, 0, 0];
  dc0.fill(0); // the running dc of the next step, dc0 once the loop is done
  for (let t = steps - 1; t >= 0; t--) {
    for (let r = 0; r < batch; r++) {
      const row = r * steps + t;
      for (let j = 0; j < u; j++) {
        const next = t + 1 < steps;
        const dh = dhs[row * u + j]! + (next ? recurrent(r, t + 1, j) : 0);
        const dc = (a.dcsZero ? 0 : dcs[row * u + j]!) + (next ? dc0[r * u + j]! : 0);
        const zj = (gate: number) => z[row * g + gate * u + j]!;
        const cPrev = t === 0 ? c0[r * u + j]! : cs[(row - 1) * u + j]!;
        cellBackward(a, zj(0), zj(1), zj(2), zj(3), cPrev, cs[row * u + j]!, dh, dc, out);
        for (let k = 0; k < 4; k++) dz[row * g + k * u + j] = a.dzsZero ? out[k]! : out[k]! + dzs[row * g + k * u + j]!;
        dc0[r * u + j] = out[4]!;
      }
    }
  }
  for (let r = 0; r < batch; r++) for (let j = 0; j < u; j++) dh0[r * u + j] = recurrent(r, 0, j);
}
