import { add, fill, matMul, mul, sigmoid, sub, type Tensor, type Variable } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import { ShapeError } from '../../utils/errors.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { registerLayer } from '../registry.js';
import { KERNEL_KEYS, kernelSettings, type KernelOptions, type KernelSettings, type LayerOptions } from './kernel-options.js';
import { num } from '../../utils/option-readers.js';

export interface HighwayOptions extends LayerOptions, KernelOptions { transformBias?: number }

/**
 * Keras 1's densely connected highway layer (Keras 2 kept it among its legacy layers):
 * t = sigmoid(x·W_carry + b_carry), y = t ⊙ activation(x·W + b) + (1 − t) ⊙ x, on [batch, dim].
 * Weights in Keras's order W, W_carry, b, b_carry. b_carry starts at 1 (Keras 1.2); Keras
 * 1.0–1.1's `transform_bias` (there default −2) sets its initial value when given.
 */
class HighwayImpl extends Layer {
  static override readonly OPTIONS = [...KERNEL_KEYS, 'transformBias'];
  static kerasName = 'Highway';
  readonly settings: KernelSettings;
  readonly transformBias: number | null;
  w: Variable | null = null;
  wCarry: Variable | null = null;
  b: Variable | null = null;
  bCarry: Variable | null = null;

  constructor(...args: [options?: HighwayOptions]) {
    const o = Layer.parse('Highway', positional('Highway', args, []), HighwayImpl.OPTIONS);
    super(o);
    this.settings = kernelSettings('Highway', o);
    this.activityRegularizer = this.settings.activityRegularizer;
    this.transformBias = num('Highway', o, 'transformBias', { default: null, label: 'transform_bias' });
  }

  override build(inputShape: Shape): void {
    const dim = inputShape[1];
    if (inputShape.length !== 2 || dim === null || dim === undefined) throw new ShapeError(`Highway expects inputs [batch, dim] with a known dim, got ${fmtShape(inputShape)}`);
    const s = this.settings;
    this.w = this.addWeight('W', [dim, dim], s.kernelInitializer, 'glorot_uniform', { regularizer: s.kernelRegularizer, constraint: s.kernelConstraint });
    this.wCarry = this.addWeight('W_carry', [dim, dim], s.kernelInitializer, 'glorot_uniform');
    if (s.useBias) {
      this.b = this.addWeight('b', [dim], s.biasInitializer, 'zero', { regularizer: s.biasRegularizer, constraint: s.biasConstraint });
      const tb = this.transformBias;
      this.bCarry = this.addWeight('b_carry', [dim], tb === null ? 'one' : (shape) => fill(shape, tb), 'one');
    }
  }

  override computeOutputShape(s: Shape): Shape {
    if (s.length !== 2) throw new ShapeError(`Highway expects inputs [batch, dim], got ${fmtShape(s)}`);
    if (this.w && s[1] !== this.w.shape[0]) throw new ShapeError(`Highway was built for dim ${this.w.shape[0]}, got ${fmtShape(s)}`);
    return s;
  }

  override call(inputs: Tensor | Tensor[], _args: CallArgs): Tensor {
    const x = inputs as Tensor;
    const carry = matMul(x, this.wCarry!);
    const t = sigmoid(this.bCarry ? add(carry, this.bCarry) : carry);
    const h = matMul(x, this.w!);
    const act = this.settings.activation.fn(this.b ? add(h, this.b) : h);
    return add(mul(act, t), mul(sub(1, t), x));
  }

  /** Keras 1 names: Keras 2 has Highway only among its legacy layers, with these. */
  override getConfig(): Record<string, unknown> {
    const s = this.settings;
    const init = typeof s.kernelInitializer === 'string' ? s.kernelInitializer : (s.kernelInitializer.name || 'custom');
    return {
      ...super.getConfig(), init, activation: s.activation.name,
      W_regularizer: s.kernelRegularizer?.getConfig() ?? null, b_regularizer: s.biasRegularizer?.getConfig() ?? null,
      activity_regularizer: s.activityRegularizer?.getConfig() ?? null, W_constraint: s.kernelConstraint?.getConfig() ?? null,
      b_constraint: s.biasConstraint?.getConfig() ?? null, bias: s.useBias, ...(this.transformBias === null ? {} : { transform_bias: this.transformBias }),
    };
  }
}
export const Highway = registerLayer(HighwayImpl);
export type Highway = HighwayImpl;
