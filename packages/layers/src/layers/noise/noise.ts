import { add, mul, nextKey, randomNormal, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import type { LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { fraction, num } from '../../utils/option-readers.js';

/** Adds N(0, stddev) noise in training (Keras 1 `sigma`); identity at inference. */
class GaussianNoiseImpl extends Layer {
  static override readonly OPTIONS = ['stddev', 'sigma'];
  static kerasName = 'GaussianNoise';
  readonly stddev: number;
  constructor(...args: [stddev: number, options?: LayerOptions] | [options: LayerOptions & { stddev: number }]) {
    const o = Layer.parse('GaussianNoise', positional('GaussianNoise', args, ['stddev']), GaussianNoiseImpl.OPTIONS);
    super(o);
    this.stddev = num('GaussianNoise', o, o.stddev === undefined ? 'sigma' : 'stddev', { min: 0, label: 'stddev (sigma)' });
    this.supportsMasking = true;
  }
  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = inputs as Tensor;
    return args.training && this.stddev > 0 ? add(x, randomNormal(x.shape, 0, this.stddev, nextKey(), x.dtype)) : x;
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), stddev: this.stddev }; }
}

/** Multiplies by N(1, √(rate/(1 − rate))) noise in training (Keras 1 `p`); identity at inference. */
class GaussianDropoutImpl extends Layer {
  static override readonly OPTIONS = ['rate'];
  static kerasName = 'GaussianDropout';
  readonly rate: number;
  constructor(...args: [rate: number, options?: LayerOptions] | [options: LayerOptions & { rate: number }]) {
    const o = Layer.parse('GaussianDropout', positional('GaussianDropout', args, ['rate']), GaussianDropoutImpl.OPTIONS);
    super(o);
    this.rate = fraction('GaussianDropout', o, 'rate', { label: 'rate (p)' });
    this.supportsMasking = true;
  }
  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = inputs as Tensor;
    if (!args.training || this.rate === 0) return x;
    return mul(x, randomNormal(x.shape, 1, Math.sqrt(this.rate / (1 - this.rate)), nextKey(), x.dtype));
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), rate: this.rate }; }
}

export const GaussianNoise = registerLayer(GaussianNoiseImpl);
export type GaussianNoise = GaussianNoiseImpl;
export const GaussianDropout = registerLayer(GaussianDropoutImpl);
export type GaussianDropout = GaussianDropoutImpl;
