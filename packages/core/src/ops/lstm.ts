import { CELL_ACTIVATIONS, type CellActivationName, type LstmCellAttrs } from '@kerasgpu/kernels';
import { isUnusedOutput } from '../cotangent.js';
import { GradientError, ShapeError } from '../errors.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertSameDType, toTensor, type TensorLike } from './convert.js';
import { concat, reshape, slice } from './layout.js';
import { add } from './elementwise.js';
import { matMul } from './matmul.js';
import { sum } from './reduce.js';
import { run, type Vjp } from './run.js';

export interface LstmCellOptions { activation?: CellActivationName; innerActivation?: CellActivationName }

/**
 * One fused LSTM step. xw = x·W and hu = h·U are [batch, 4·units] (gate order i, f, c, o as
 * Keras), bias is [4·units], c is [batch, units]. Returns [h', c'].
 */
export function lstmCell(xw: TensorLike, hu: TensorLike, bias: TensorLike, c: TensorLike, options: LstmCellOptions = {}): [Tensor, Tensor] {
  const ts = [xw, hu, bias, c].map((v) => toTensor('lstmCell', v));
  const [txw, thu, tb, tc] = ts as [Tensor, Tensor, Tensor, Tensor];
  assertFloat('lstmCell', txw);
  assertSameDType('lstmCell', ...ts);
  const units = tc.shape[1] ?? 0;
  const rows = tc.shape[0] ?? 0;
  const ok = tc.rank === 2 && txw.rank === 2 && fmt(txw.shape) === fmt([rows, 4 * units]) && fmt(thu.shape) === fmt(txw.shape) && fmt(tb.shape) === fmt([4 * units]);
  if (!ok) {
    throw new ShapeError(`lstmCell: expected xw and hu [batch, 4·units], bias [4·units], c [batch, units]; got xw ${fmt(txw.shape)}, hu ${fmt(thu.shape)}, bias ${fmt(tb.shape)}, c ${fmt(tc.shape)}`);
  }
  const spec = { shape: tc.shape, dtype: tc.dtype };
  const { h, cNext } = run('lstmCell', 'lstmCell', { xw: txw, hu: thu, bias: tb, c: tc }, cellAttrs('lstmCell', units, options), { h: spec, cNext: spec });
  return [h, cNext];
}

function cellAttrs(op: string, units: number, options: LstmCellOptions): LstmCellAttrs {
  const activation = options.activation ?? 'tanh';
  const innerActivation = options.innerActivation ?? 'hardSigmoid';
  for (const a of [activation, innerActivation]) {
    if (!(a in CELL_ACTIVATIONS)) throw new ShapeError(`${op}: unknown activation '${a}' (known: ${Object.keys(CELL_ACTIVATIONS).join(', ')})`);
  }
  return { units, activation, innerActivation };
}

export const lstmCellVjp: Vjp<'lstmCell'> = ({ h: dh, cNext: dcNext }, { attrs, inputs }) => {
  const { xw, c } = inputs;
  const { dz, dc } = run('lstmCell', 'lstmCellGrad', { ...inputs, dh, dcNext }, attrs, {
    dz: { shape: xw.shape, dtype: c.dtype },
    dc: { shape: c.shape, dtype: c.dtype },
  });
  return { xw: dz, hu: dz, bias: sum(dz, 0), c: dc };
};

export const lstmCellGradVjp: Vjp<'lstmCellGrad'> = () => {
  throw new GradientError('lstmCell: second-order gradients are not supported');
};

/**
 * A whole LSTM sequence, steps t = 0 … T−1 with the cell of `lstmCell` and the recurrent matmul
 * inside one primitive: xw [batch, T, 4·units] (the input projection x·W of every step), u
 * [units, 4·units] (the recurrent kernel), bias [4·units], h0 and c0 [batch, units]. Returns
 * [hs, cs, gates]: h and c after every step [batch, T, units], and the gate pre-activations
 * xw + h·u + b [batch, T, 4·units] (kept for the backward; differentiable like the others).
 * The bias is added to xw first, which a compiled step folds into the GEMM that made xw: the
 * per-step kernel then reads one operand less. Its gradient runs back through time once and
 * takes d(u) as ONE matmul over all steps.
 */
export function lstmSequence(xw: TensorLike, u: TensorLike, bias: TensorLike, h0: TensorLike, c0: TensorLike, options: LstmCellOptions = {}): [Tensor, Tensor, Tensor] {
  const ts = [xw, u, bias, h0, c0].map((v) => toTensor('lstmSequence', v));
  const [txw, tu, tb, th, tc] = ts as [Tensor, Tensor, Tensor, Tensor, Tensor];
  assertFloat('lstmSequence', txw);
  assertSameDType('lstmSequence', ...ts);
  const [batch = 0, units = 0] = tc.shape;
  const steps = txw.shape[1] ?? 0;
  const ok = tc.rank === 2 && units > 0 && steps > 0 && txw.rank === 3 && fmt(txw.shape) === fmt([batch, steps, 4 * units]) && fmt(tu.shape) === fmt([units, 4 * units])
    && fmt(tb.shape) === fmt([4 * units]) && fmt(th.shape) === fmt(tc.shape);
  if (!ok) {
    throw new ShapeError(`lstmSequence: expected xw [batch, steps ≥ 1, 4·units], u [units, 4·units], bias [4·units], h0 and c0 [batch, units]; got xw ${fmt(txw.shape)}, u ${fmt(tu.shape)}, bias ${fmt(tb.shape)}, h0 ${fmt(th.shape)}, c0 ${fmt(tc.shape)}`);
  }
  const state = { shape: [batch, steps, units], dtype: tc.dtype };
  const { hs, cs, z } = run('lstmSequence', 'lstmSequence', { xw: add(txw, tb), u: tu, h0: th, c0: tc }, cellAttrs('lstmSequence', units, options),
    { hs: state, cs: state, z: { shape: txw.shape, dtype: tc.dtype } });
  return [hs, cs, z];
}

export const lstmSequenceVjp: Vjp<'lstmSequence'> = ({ hs: dhs, cs: dcs, z: dzs }, { attrs, inputs: { u, h0, c0 }, outputs: { hs, cs, z } }, needs) => {
  const [batch, steps, units] = hs.shape as [number, number, number];
  const state = { shape: c0.shape, dtype: c0.dtype };
  const { dz, dh0, dc0 } = run('lstmSequence', 'lstmSequenceGrad', { u, z, cs, c0, dhs, dcs, dzs }, { ...attrs, dcsZero: isUnusedOutput(dcs), dzsZero: isUnusedOutput(dzs) }, { dz: { shape: z.shape, dtype: c0.dtype }, dh0: state, dc0: state });
  // d(u) = Σ_t h_{t−1}ᵀ·dz_t: the previous states of every step stacked, one matmul.
  const du = () => {
    const first = reshape(h0, [batch, 1, units]);
    const prev = steps > 1 ? concat([first, slice(hs, [0, 0, 0], [batch, steps - 1, units])], 1) : first;
    return matMul(reshape(prev, [batch * steps, units]), reshape(dz, [batch * steps, 4 * units]), true);
  };
  return { xw: dz, u: needs.u ? du() : null, h0: dh0, c0: dc0 };
};

export const lstmSequenceGradVjp: Vjp<'lstmSequenceGrad'> = () => {
  throw new GradientError('lstmSequence: second-order gradients are not supported');
};
