import { abs, add, elu, greater, minimum, mul, relu, softplus, sub, where, type Tensor } from '@kerasgpu/core';

/**
 * The advanced activations' formulas, as Keras 1.2.2's TensorFlow backend writes them, composed
 * from core ops (whose VJPs give the gradients). A parameter is a number or a tensor that
 * broadcasts against `x` (a learned weight of shape input_shape[1:], shared axes set to 1).
 */
type Param = number | Tensor;

/** Keras's `K.relu(x, alpha)`: relu(x) − α·relu(−x), i.e. x where x > 0 and α·x elsewhere. */
export const leakyRelu = (x: Tensor, alpha: Param): Tensor => sub(relu(x), mul(relu(mul(x, -1)), alpha));

/** x where x > 0, α·(eˣ − 1) elsewhere. */
export const scaledElu = (x: Tensor, alpha: number): Tensor => (alpha === 1 ? elu(x) : where(greater(x, 0), x, mul(elu(x), alpha)));

/** x where x > θ, 0 elsewhere (Keras: x·cast(x > θ)). */
export const thresholdedRelu = (x: Tensor, theta: number): Tensor => where(greater(x, theta), x, 0);

/** α·softplus(β·x). */
export const parametricSoftplus = (x: Tensor, alpha: Param, beta: Param): Tensor => mul(softplus(mul(x, beta)), alpha);

/**
 * SReLU: with t_r' = t_l + |t_r| (so the right knee stays right of the left one),
 *   t_l + clip(relu(x − t_l), 0, t_r' − t_l) − a_l·relu(t_l − x) + a_r·relu(x − t_r'),
 * Keras's `t_left + K.relu(x - t_left, a_left, t_right_actual - t_left) + K.relu(x - t_right_actual)·a_right`.
 */
export function srelu(x: Tensor, tLeft: Tensor, aLeft: Tensor, tRight: Tensor, aRight: Tensor): Tensor {
  const width = abs(tRight);
  const centred = sub(x, tLeft);
  const middle = minimum(relu(centred), width);
  const left = mul(relu(mul(centred, -1)), aLeft);
  const right = mul(relu(sub(centred, width)), aRight);
  return add(sub(add(tLeft, middle), left), right);
}
