import { add, matMul, max, reshape, type Tensor, type Variable } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import { positional } from '../../utils/args.js';
import { ShapeError } from '../../utils/errors.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { registerLayer } from '../registry.js';
import { KERNEL_KEYS, kernelConfig, kernelSettings, type KernelOptions, type KernelSettings, type LayerOptions } from './kernel-options.js';
import { int } from '../../utils/option-readers.js';

/** Keras 1 MaxoutDense: max over nbFeature linear pieces, W [nbFeature, inputDim, outputDim], b [nbFeature, outputDim]. */
class MaxoutDenseImpl extends Layer {
  static override readonly OPTIONS = ['units', 'nbFeature', ...KERNEL_KEYS];
  static kerasName = 'MaxoutDense';
  readonly units: number;
  readonly nbFeature: number;
  readonly settings: KernelSettings;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  constructor(...args: [outputDim: number, options?: LayerOptions & KernelOptions & { nbFeature?: number }] | [options: LayerOptions & KernelOptions]) {
    const o = Layer.parse('MaxoutDense', positional('MaxoutDense', args, ['units']), MaxoutDenseImpl.OPTIONS);
    super(o);
    this.units = int('MaxoutDense', o, 'units', { min: 1, label: 'units (output_dim)' });
    this.nbFeature = int('MaxoutDense', o, 'nbFeature', { min: 1, default: 4 });
    this.settings = kernelSettings('MaxoutDense', o);
    this.activityRegularizer = this.settings.activityRegularizer;
  }
  override build(s: Shape): void {
    const d = s[1];
    if (s.length !== 2 || d === null || d === undefined) throw new ShapeError(`MaxoutDense expects 2-D inputs with known features, got ${fmtShape(s)}`);
    const st = this.settings;
    this.kernel = this.addWeight('W', [this.nbFeature, d, this.units], st.kernelInitializer, 'glorot_uniform', { regularizer: st.kernelRegularizer, constraint: st.kernelConstraint });
    if (st.useBias) this.bias = this.addWeight('b', [this.nbFeature, this.units], st.biasInitializer, 'zero', { regularizer: st.biasRegularizer, constraint: st.biasConstraint });
  }
  override computeOutputShape(s: Shape): Shape { return [s[0]!, this.units]; }
  override call(inputs: Tensor | Tensor[]): Tensor {
    let y = matMul(inputs as Tensor, this.kernel!); // [nbFeature, batch, units]
    if (this.bias) y = add(y, reshape(this.bias, [this.nbFeature, 1, this.units]));
    return max(y, 0);
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), output_dim: this.units, nb_feature: this.nbFeature, ...kernelConfig(this.settings) }; }
}
export const MaxoutDense = registerLayer(MaxoutDenseImpl);
export type MaxoutDense = MaxoutDenseImpl;
