import { add, matMul, reshape, type Tensor, type Variable } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import { ShapeError } from '../../utils/errors.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { registerLayer } from '../registry.js';
import { KERNEL_KEYS, kernelConfig, kernelSettings, type KernelOptions, type KernelSettings, type LayerOptions } from './kernel-options.js';
import { int } from '../../utils/option-readers.js';

export interface DenseOptions extends LayerOptions, KernelOptions { units?: number }

/** output = activation(x · kernel + bias); kernel [inputDim, units] (Keras order: kernel, bias). */
class DenseImpl extends Layer {
  static override readonly OPTIONS = ['units', ...KERNEL_KEYS];
  static kerasName = 'Dense';
  readonly units: number;
  readonly settings: KernelSettings;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(...args: [units: number, options?: DenseOptions] | [options: DenseOptions]) {
    const o = Layer.parse('Dense', positional('Dense', args, ['units']), DenseImpl.OPTIONS);
    super(o);
    this.units = int('Dense', o, 'units', { min: 1, label: 'units (output_dim)' });
    this.settings = kernelSettings('Dense', o);
    this.activityRegularizer = this.settings.activityRegularizer;
  }

  override build(inputShape: Shape): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || inputDim === null || inputDim === undefined) {
      throw new ShapeError(`Dense needs an input of rank >= 2 with a known last dimension, got ${fmtShape(inputShape)}`);
    }
    const s = this.settings;
    this.kernel = this.addWeight('kernel', [inputDim, this.units], s.kernelInitializer, 'glorot_uniform', { regularizer: s.kernelRegularizer, constraint: s.kernelConstraint });
    if (s.useBias) this.bias = this.addWeight('bias', [this.units], s.biasInitializer, 'zero', { regularizer: s.biasRegularizer, constraint: s.biasConstraint });
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const inputDim = inputShape[inputShape.length - 1];
    if (this.kernel && inputDim !== this.kernel.shape[0]) {
      throw new ShapeError(`Dense expects inputs with last dimension ${this.kernel.shape[0]}, got ${fmtShape(inputShape)}`);
    }
    return [...inputShape.slice(0, -1), this.units];
  }

  override call(inputs: Tensor | Tensor[], _args: CallArgs): Tensor {
    const x = inputs as Tensor;
    const flat = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]!]);
    let y = matMul(flat, this.kernel!);
    if (this.bias) y = add(y, this.bias);
    y = this.settings.activation.fn(y);
    return x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units, ...kernelConfig(this.settings) };
  }
}
export const Dense = registerLayer(DenseImpl);
export type Dense = DenseImpl;
