import type { Tensor } from '@kerasgpu/core';
import { activationOption, type Activation as ActivationSpec, type ActivationId } from '../../activations.js';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import { registerLayer } from '../registry.js';
import type { LayerOptions } from './kernel-options.js';

/** Applies an activation function: `Activation('relu')`. */
class ActivationImpl extends Layer {
  static override readonly OPTIONS = ['activation'];
  static kerasName = 'Activation';
  readonly activation: ActivationSpec;
  constructor(...args: [activation: ActivationId, options?: LayerOptions] | [options: LayerOptions & { activation: ActivationId }]) {
    const o = Layer.parse('Activation', positional('Activation', args, ['activation']), ActivationImpl.OPTIONS);
    super(o);
    this.supportsMasking = true;
    this.activation = activationOption('Activation', o, 'activation');
  }
  override call(inputs: Tensor | Tensor[], _args: CallArgs): Tensor { return this.activation.fn(inputs as Tensor); }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), activation: this.activation.name }; }
}
export const Activation = registerLayer(ActivationImpl);
export type Activation = ActivationImpl;
