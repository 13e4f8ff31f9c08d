import { dropout, nextKey, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import { ValueError } from '../../utils/errors.js';
import { registerLayer } from '../registry.js';
import type { LayerOptions } from './kernel-options.js';

/** Zeroes a fraction `rate` (Keras 1 `p`) of the inputs in training, scaling the rest; identity at inference. */
class DropoutImpl extends Layer {
  static override readonly OPTIONS = ['rate', 'seed', 'noiseShape'];
  static kerasName = 'Dropout';
  readonly rate: number;
  readonly seed: number | null;
  constructor(...args: [rate: number, options?: LayerOptions] | [options: LayerOptions & { rate: number }]) {
    const o = Layer.parse('Dropout', positional('Dropout', args, ['rate']), DropoutImpl.OPTIONS);
    super(o);
    this.supportsMasking = true;
    this.rate = o.rate as number;
    if (!(this.rate >= 0 && this.rate < 1)) throw new ValueError(`Dropout: rate (p) must be in [0, 1), got ${String(o.rate)}`);
    this.seed = (o.seed as number | undefined) ?? null;
  }
  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = inputs as Tensor;
    return args.training && this.rate > 0 ? dropout(x, this.rate, this.seed ?? nextKey()) : x;
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), rate: this.rate, noise_shape: null, seed: this.seed }; }
}
export const Dropout = registerLayer(DropoutImpl);
export type Dropout = DropoutImpl;
