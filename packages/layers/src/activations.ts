import * as ops from '@kerasgpu/core';
import type { Tensor } from '@kerasgpu/core';
import { Registry } from './utils/registry.js';
import { nameOrFn } from './utils/option-readers.js';
import type { Options } from './utils/options.js';

export type ActivationFn = (x: Tensor) => Tensor;
/** A name from the registry or a function of one tensor. */
export type ActivationId = string | ActivationFn;

/**
 * Keras activation names: the unary ops core lists by Keras name, plus softmax; extend with
 * `activations.register`.
 */
export const activations = new Registry<ActivationFn>('activation');
const BUILTIN: Record<string, ActivationFn> = {
  ...Object.fromEntries([...ops.KERAS_ACTIVATIONS].map(([name, op]) => [name, (x: Tensor) => ops.unary(op, x)])),
  softmax: (x) => ops.softmax(x),
  // The identity itself: no kernel runs for a layer without an activation.
  linear: (x) => x,
};
for (const [name, fn] of Object.entries(BUILTIN)) activations.register(name, fn);
/** The Keras name of an op name ('hardSigmoid' → 'hard_sigmoid'). */
const KERAS_NAME = new Map([...ops.KERAS_ACTIVATIONS].map(([name, op]) => [op as string, name]));

/** A resolved activation, remembering its Keras name for getConfig. */
export interface Activation { name: string; fn: ActivationFn }

/** A layer's activation option (a name or a function), or `dflt` when not given. */
export function activationOption(owner: string, o: Options, key: string, dflt?: ActivationId): Activation {
  return getActivation(nameOrFn<ActivationFn>(owner, o, key) ?? dflt);
}

export function getActivation(id: ActivationId | null | undefined): Activation {
  if (id === undefined || id === null) return { name: 'linear', fn: BUILTIN.linear! };
  if (typeof id === 'function') return { name: id.name || 'custom', fn: id };
  const name = KERAS_NAME.get(id) ?? id;
  return { name, fn: activations.get(name) };
}
