import {
  add, concat, fill, fusedCellActivation, lstmCell, lstmSequence, matMul, mul, ones, reshape, slice, split, sub, type LstmCellOptions, type Tensor,
} from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import { positional } from '../../utils/args.js';
import type { Options } from '../../utils/options.js';
import { registerLayer } from '../registry.js';
import { RNN_KEYS, RNNBase, type RecurrentOptions, type StepResult } from './rnn-base.js';
import { bool } from '../../utils/option-readers.js';

type RnnArgs = [units: number, options?: RecurrentOptions] | [options: RecurrentOptions];
const parse = (owner: string, args: RnnArgs) => Layer.parse(owner, positional(owner, args, ['units']), RNN_KEYS);
const withMask = (h: Tensor, m: Tensor | null) => (m ? mul(h, m) : h);

/** h' = activation(x·W + b + h·U). */
class SimpleRNNImpl extends RNNBase {
  static kerasName = 'SimpleRNN';
  protected readonly gates = 1;
  protected readonly stateCount = 1;
  constructor(...args: RnnArgs) { super('SimpleRNN', parse('SimpleRNN', args), { recurrentActivation: 'hard_sigmoid' }); }
  protected step(xw: Tensor, [h]: Tensor[], m: Tensor | null): StepResult {
    const out = this.settings.activation.fn(add(xw, matMul(withMask(h!, m), this.recurrentKernel!)));
    return { h: out, states: [out] };
  }
  override getConfig(): Record<string, unknown> {
    const { recurrent_activation: _unused, ...c } = super.getConfig();
    return c;
  }
}

const GRU_KEYS = [...RNN_KEYS, 'resetAfter'];
export interface GRUOptions extends RecurrentOptions { resetAfter?: boolean }

/**
 * GRU, gate order z, r, h. Keras 1 and Keras 2's default resets before the matmul:
 *   z = σ(x_z + h·U_z), r = σ(x_r + h·U_r), ĥ = act(x_h + (r∘h)·U_h), h' = z∘h + (1 − z)∘ĥ.
 * `resetAfter` (Keras 2.1.4+, TF 2's default, CuDNN's form) resets after it, with a second bias
 * row b_r for the recurrent product (bias [2, 3·units]: input row, recurrent row):
 *   [r_z, r_r, r_h] = h·U + b_r, z = σ(x_z + r_z), r = σ(x_r + r_r), ĥ = act(x_h + r∘r_h).
 */
class GRUImpl extends RNNBase {
  static override readonly OPTIONS = GRU_KEYS;
  static kerasName = 'GRU';
  protected readonly gates = 3;
  protected readonly stateCount = 1;
  readonly resetAfter: boolean;
  constructor(...args: [units: number, options?: GRUOptions] | [options: GRUOptions]) {
    const o = Layer.parse('GRU', positional('GRU', args, ['units']), GRU_KEYS);
    super('GRU', o, { recurrentActivation: 'hard_sigmoid' });
    this.resetAfter = bool('GRU', o, 'resetAfter', false);
  }
  protected override get biasShape(): number[] { return this.resetAfter ? [2, 3 * this.units] : [3 * this.units]; }
  /** Bias row `i` of a reset-after GRU (0: input, 1: recurrent), or null without a bias. */
  private biasRow(i: number): Tensor | null {
    return this.bias ? reshape(slice(this.bias, [i, 0], [1, 3 * this.units]), [3 * this.units]) : null;
  }
  protected override projectionBias(): Tensor | null { return this.resetAfter ? this.biasRow(0) : this.bias; }
  protected step(xw: Tensor, [h]: Tensor[], m: Tensor | null): StepResult {
    const u = this.units;
    const U = this.recurrentKernel!;
    const [xz, xr, xh] = split(xw, 3, 1) as [Tensor, Tensor, Tensor];
    const hm = withMask(h!, m);
    const inner = this.recurrentActivation.fn;
    let z: Tensor;
    let hh: Tensor;
    if (this.resetAfter) {
      const rb = this.biasRow(1);
      const hu = rb ? add(matMul(hm, U), rb) : matMul(hm, U);
      const [uz, ur, uh] = split(hu, 3, 1) as [Tensor, Tensor, Tensor];
      z = inner(add(xz, uz));
      hh = this.settings.activation.fn(add(xh, mul(inner(add(xr, ur)), uh)));
    } else {
      const zr = add(concat([xz, xr], 1), matMul(hm, slice(U, [0, 0], [u, 2 * u])));
      const [zPre, rPre] = split(zr, 2, 1) as [Tensor, Tensor];
      z = inner(zPre);
      hh = this.settings.activation.fn(add(xh, matMul(mul(inner(rPre), hm), slice(U, [0, 2 * u], [u, u]))));
    }
    const out = add(mul(z, h!), mul(sub(1, z), hh));
    return { h: out, states: [out] };
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), reset_after: this.resetAfter }; }
}

/**
 * Keras's LSTM with gate order i, f, c, o and hard_sigmoid as the default inner activation, over
 * any recurrent product (`recurrentProduct`: h·U here, a convolution in ConvLSTM2D). The
 * forget-gate bias starts at one (Keras 1 forget_bias_init='one', Keras 2 unit_forget_bias).
 */
export abstract class LSTMBase extends RNNBase {
  protected readonly gates = 4;
  protected readonly stateCount = 2;
  private readonly unitForgetBias: boolean;
  constructor(owner: string, o: Options) {
    super(owner, o, { recurrentActivation: 'hard_sigmoid' });
    this.unitForgetBias = bool(owner, o, 'unitForgetBias', o.forgetBiasInit === undefined || o.forgetBiasInit === 'one');
  }
  protected override initialBias(): Tensor {
    const u = this.units;
    return this.unitForgetBias ? concat([fill([u], 0), ones([u]), fill([2 * u], 0)], 0) : fill([4 * u], 0);
  }
  /** h's contribution to the four gates' pre-activations (blocks on the last axis). */
  protected abstract recurrentProduct(h: Tensor): Tensor;
  protected step(xw: Tensor, [h, c]: Tensor[], m: Tensor | null): StepResult {
    return this.cell(xw, this.recurrentProduct(withMask(h!, m)), c!);
  }
  /** c' = σ(f)∘c + σ(i)∘act(c̃), h' = σ(o)∘act(c'), from the pre-activations xw + hu (bias already in xw). */
  protected cell(xw: Tensor, hu: Tensor, c: Tensor): StepResult {
    const [zi, zf, zc, zo] = split(add(xw, hu), 4, xw.shape.length - 1) as [Tensor, Tensor, Tensor, Tensor];
    const inner = this.recurrentActivation.fn;
    const act = this.settings.activation.fn;
    const cNew = add(mul(inner(zf), c), mul(inner(zi), act(zc)));
    const hNew = mul(inner(zo), act(cNew));
    return { h: hNew, states: [hNew, cNew] };
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), unit_forget_bias: this.unitForgetBias }; }
}

/** LSTM. Uses core's fused `lstmCell` / `lstmSequence` when both activations are ones the cell knows. */
class LSTMImpl extends LSTMBase {
  static kerasName = 'LSTM';
  constructor(...args: RnnArgs) { super('LSTM', parse('LSTM', args)); }
  private get fused(): Required<LstmCellOptions> | null {
    const a = fusedCellActivation(this.settings.activation.name);
    const i = fusedCellActivation(this.recurrentActivation.name);
    return a && i ? { activation: a, innerActivation: i } : null;
  }
  protected override projectionBias(): Tensor | null { return this.fused === null ? this.bias : null; }
  protected override sequence(xw: Tensor, [h0, c0]: Tensor[]): { hs: Tensor; states: Tensor[] } | null {
    const f = this.fused;
    if (!f) return null;
    const [b, T] = xw.shape as [number, number];
    const [hs, cs] = lstmSequence(xw, this.recurrentKernel!, this.bias ?? fill([4 * this.units], 0), h0!, c0!, f);
    const last = (s: Tensor) => reshape(slice(s, [0, T - 1, 0], [b, 1, this.units]), [b, this.units]);
    return { hs, states: [last(hs), last(cs)] };
  }
  protected recurrentProduct(h: Tensor): Tensor { return matMul(h, this.recurrentKernel!); }
  protected override cell(xw: Tensor, hu: Tensor, c: Tensor): StepResult {
    const f = this.fused;
    if (!f) return super.cell(xw, hu, c);
    const [hNew, cNew] = lstmCell(xw, hu, this.bias ?? fill([4 * this.units], 0), c, f);
    return { h: hNew, states: [hNew, cNew] };
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), implementation: 1 }; }
}

export const SimpleRNN = registerLayer(SimpleRNNImpl);
export type SimpleRNN = SimpleRNNImpl;
export const GRU = registerLayer(GRUImpl);
export type GRU = GRUImpl;
export const LSTM = registerLayer(LSTMImpl);
export type LSTM = LSTMImpl;
