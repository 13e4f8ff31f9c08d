import * as ops from '@kerasgpu/core';
import type { Tensor } from '@kerasgpu/core';
import { Registry } from './utils/registry.js';

export type ActivationFn = (x: Tensor) => Tensor;
/** A name from the registry or a function of one tensor. */
export type ActivationId = string | ActivationFn;

/** Keras activation names (Keras 1.2.2 plus Keras 2's selu); extend with `activations.register`. */
export const activations = new Registry<ActivationFn>('activation');
const BUILTIN: Record<string, ActivationFn> = {
  softmax: (x) => ops.softmax(x),
  softplus: ops.softplus,
  softsign: ops.softsign,
  relu: ops.relu,
  tanh: ops.tanh,
  sigmoid: ops.sigmoid,
  hard_sigmoid: ops.hardSigmoid,
  linear: (x) => x,
  elu: ops.elu,
  selu: ops.selu,
};
for (const [name, fn] of Object.entries(BUILTIN)) activations.register(name, fn);

/** A resolved activation, remembering its Keras name for getConfig. */
export interface Activation { name: string; fn: ActivationFn }

export function getActivation(id: ActivationId | null | undefined): Activation {
  if (id === undefined || id === null) return { name: 'linear', fn: BUILTIN.linear! };
  if (typeof id === 'function') return { name: id.name || 'custom', fn: id };
  const name = id === 'hardSigmoid' ? 'hard_sigmoid' : id;
  return { name, fn: activations.get(name) };
}
