import type { Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import { L1L2 } from '../../regularizers.js';
import { nonNegative, positional } from '../../utils/args.js';
import { registerLayer } from '../registry.js';
import type { LayerOptions } from './kernel-options.js';

type Args = [l1?: number, l2?: number, options?: LayerOptions] | [options: LayerOptions & { l1?: number; l2?: number }];

/**
 * The identity, whose output carries an activity penalty l1·Σ|y| + l2·Σy² (per sample, as every
 * activity regularizer here) added to the training loss: Keras's `ActivityRegularization(l1, l2)`.
 */
class ActivityRegularizationImpl extends Layer {
  static override readonly OPTIONS = ['l1', 'l2'];
  static kerasName = 'ActivityRegularization';
  readonly l1: number;
  readonly l2: number;
  constructor(...args: Args) {
    const o = Layer.parse('ActivityRegularization', positional('ActivityRegularization', args, ['l1', 'l2']), ActivityRegularizationImpl.OPTIONS);
    super(o);
    this.supportsMasking = true;
    this.l1 = nonNegative('ActivityRegularization', 'l1', o.l1 ?? 0);
    this.l2 = nonNegative('ActivityRegularization', 'l2', o.l2 ?? 0);
    this.activityRegularizer = new L1L2({ l1: this.l1, l2: this.l2 });
  }
  override call(inputs: Tensor | Tensor[]): Tensor { return inputs as Tensor; }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), l1: this.l1, l2: this.l2 }; }
}
export const ActivityRegularization = registerLayer(ActivityRegularizationImpl);
export type ActivityRegularization = ActivityRegularizationImpl;
