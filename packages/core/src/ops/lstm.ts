import { CELL_ACTIVATIONS, type CellActivationName } from '@kerasgpu/kernels';
import { GradientError, ShapeError } from '../errors.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertSameDType, toTensor, type TensorLike } from './convert.js';
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
  const activation = options.activation ?? 'tanh';
  const innerActivation = options.innerActivation ?? 'hardSigmoid';
  for (const a of [activation, innerActivation]) {
    if (!(a in CELL_ACTIVATIONS)) throw new ShapeError(`lstmCell: unknown activation '${a}' (known: ${Object.keys(CELL_ACTIVATIONS).join(', ')})`);
  }
  const spec = { shape: tc.shape, dtype: tc.dtype };
  const [h, cNew] = run('lstmCell', 'lstmCell', ts, { units, activation, innerActivation }, [spec, spec]);
  return [h!, cNew!];
}

export const lstmCellVjp: Vjp<'lstmCell'> = ([dh, dc], { attrs, inputs }) => {
  const [, , , c] = inputs as [Tensor, Tensor, Tensor, Tensor];
  const [dz, dcPrev] = run('lstmCell', 'lstmCellGrad', [...inputs, dh!, dc!], attrs, [
    { shape: inputs[0]!.shape, dtype: c.dtype },
    { shape: c.shape, dtype: c.dtype },
  ]);
  return [dz!, dz!, sum(dz!, 0), dcPrev!];
};

export const lstmCellGradVjp: Vjp<'lstmCellGrad'> = () => {
  throw new GradientError('lstmCell: second-order gradients are not supported');
};
