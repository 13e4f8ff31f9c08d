import type { Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import { positional } from '../../utils/args.js';
import type { Callable } from '../../utils/callable.js';
import type { LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { leakyRelu, scaledElu, thresholdedRelu } from './math.js';
import { num } from '../../utils/option-readers.js';

/**
 * Activations with one fixed number (Keras 1 and 2 agree on the names): `LeakyReLU(0.1)`,
 * `ELU({alpha: 0.5})`, `ThresholdedReLU({theta: 2})`. One class per entry, from one template.
 */
abstract class ScalarActivation extends Layer {
  readonly value: number;
  constructor(readonly param: string, fallback: number, owner: string, args: unknown[]) {
    const o = Layer.parse(owner, positional(owner, args, [param]), [param]);
    super(o);
    this.supportsMasking = true;
    this.value = num(owner, o, param, { default: fallback });
  }
  protected abstract activate(x: Tensor): Tensor;
  override call(inputs: Tensor | Tensor[]): Tensor { return this.activate(inputs as Tensor); }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), [this.param]: this.value }; }
}

type ScalarArgs = [value?: number, options?: LayerOptions] | [options: LayerOptions];
function scalarActivation(name: string, param: string, fallback: number, fn: (x: Tensor, v: number) => Tensor): Callable<new (...args: ScalarArgs) => ScalarActivation> {
  const cls = class extends ScalarActivation {
    static override readonly OPTIONS = [param];
    static kerasName = name;
    constructor(...args: ScalarArgs) { super(param, fallback, name, args); }
    protected activate(x: Tensor): Tensor { return fn(x, this.value); }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return registerLayer(cls);
}

export const LeakyReLU = scalarActivation('LeakyReLU', 'alpha', 0.3, leakyRelu);
export const ELU = scalarActivation('ELU', 'alpha', 1, scaledElu);
export const ThresholdedReLU = scalarActivation('ThresholdedReLU', 'theta', 1, thresholdedRelu);
