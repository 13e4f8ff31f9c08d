import { DTypeError, ShapeError } from '../errors.js';
import { broadcastShapes, fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { reduceToShape } from './broadcast.js';
import { assertSameDType, toTensor, type TensorLike } from './convert.js';
import { run1, type Vjp } from './run.js';

/**
 * Matrix product over the last two axes; leading (batch) axes broadcast. 1-D operands are not
 * promoted: use reshape, so the shapes in errors are the ones the user passed.
 */
export function matMul(a: TensorLike, b: TensorLike, transposeA = false, transposeB = false): Tensor {
  const ta = toTensor('matMul', a);
  const tb = toTensor('matMul', b);
  assertSameDType('matMul', ta, tb);
  if (ta.dtype !== 'float32' && ta.dtype !== 'float64') throw new DTypeError(`matMul: expected float tensors, got ${ta.dtype} ${fmt(ta.shape)} and ${tb.dtype} ${fmt(tb.shape)}`);
  if (ta.rank < 2 || tb.rank < 2) throw new ShapeError(`matMul: operands must have rank >= 2, got ${fmt(ta.shape)} and ${fmt(tb.shape)}`);
  const [m, ka] = transposeA ? [ta.shape[ta.rank - 1]!, ta.shape[ta.rank - 2]!] : [ta.shape[ta.rank - 2]!, ta.shape[ta.rank - 1]!];
  const [kb, n] = transposeB ? [tb.shape[tb.rank - 1]!, tb.shape[tb.rank - 2]!] : [tb.shape[tb.rank - 2]!, tb.shape[tb.rank - 1]!];
  if (ka !== kb) {
    throw new ShapeError(`matMul: inner dimensions differ: ${fmt(ta.shape)}${transposeA ? 'ᵀ' : ''} · ${fmt(tb.shape)}${transposeB ? 'ᵀ' : ''} (${ka} vs ${kb})`);
  }
  const batch = broadcastShapes('matMul', ta.shape.slice(0, -2), tb.shape.slice(0, -2));
  return run1('matMul', 'matMul', { a: ta, b: tb }, { transposeA, transposeB }, [...batch, m, n], ta.dtype);
}

export const matMulVjp: Vjp<'matMul'> = ({ y: g }, { attrs: { transposeA: tA, transposeB: tB }, inputs: { a, b } }, needs) => {
  const da = () => (tA ? (tB ? matMul(b, g, true, true) : matMul(b, g, false, true)) : tB ? matMul(g, b) : matMul(g, b, false, true));
  const db = () => (tB ? (tA ? matMul(g, a, true, true) : matMul(g, a, true, false)) : tA ? matMul(a, g) : matMul(a, g, true, false));
  return { a: needs.a ? reduceToShape(da(), a.shape) : null, b: needs.b ? reduceToShape(db(), b.shape) : null };
};
