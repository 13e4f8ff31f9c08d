import { add, conv2d, pad, reshape, tensor, transpose, type Tensor, type TensorLike, type Variable } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import { thToTfKernelPerm } from '../../utils/kernel-layout.js';
import { resolveOrdering, explicitOrdering, type DimOrdering } from '../../utils/image-ordering.js';
import type { Options } from '../../utils/options.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { KERNEL_KEYS, kernelConfig, kernelSettings, type KernelOptions, type KernelSettings, type LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { layoutAxes, resolvePadding, toChannelsFirst, toChannelsLast, tupleOf, windowOutputShape, type Padding } from './geometry.js';
import { int } from '../../utils/option-readers.js';

/** Keras 2's Conv1D also pads 'causal': on the left only, so step t never sees later steps. */
export type ConvPadding = Padding | 'causal';

export interface ConvOptions extends LayerOptions, KernelOptions {
  filters?: number;
  kernelSize?: number | number[];
  strides?: number | number[];
  padding?: ConvPadding;
  dimOrdering?: DimOrdering;
  dilationRate?: number | number[];
}

const CONV_KEYS = ['filters', 'kernelSize', 'strides', 'padding', 'dimOrdering', 'dilationRate', 'nbRow', 'nbCol', ...KERNEL_KEYS];

export type ConvRank = 1 | 2 | 3;
/** Keras 1 names the kernel size one option per axis (`nb_row`, `nb_col`; `kernel_dim1`, ...). */
const KERAS1_KERNEL_DIMS: Record<ConvRank, string[]> = { 1: [], 2: ['nbRow', 'nbCol'], 3: ['kernelDim1', 'kernelDim2', 'kernelDim3'] };

/** The kernel size from Keras 2's `kernel_size` or Keras 1's per-axis options (`nb_row`, `nb_col`, ...). */
export function kernelSizeOf(owner: string, o: Options, rank: ConvRank): number[] {
  const dims = KERAS1_KERNEL_DIMS[rank];
  const ks = o.kernelSize ?? (dims.length > 0 && o[dims[0]!] !== undefined ? dims.map((k) => o[k]) : undefined);
  if (ks === undefined) throw new ValueError(`${owner}: the kernel size is required`);
  return tupleOf(owner, 'kernel size', ks, rank, []);
}

/**
 * Convolution over 1, 2 or 3 spatial axes (cross-correlation, as TensorFlow). Kernels are stored in
 * Keras 2 layout [...kernel, inChannels, filters] whatever the ordering; 'th' inputs are transposed
 * to channels-last around the core op. 1-D runs as 2-D over a height of one; 3-D overrides `convolve`.
 */
abstract class ConvBase extends Layer {
  static override readonly OPTIONS = CONV_KEYS;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly dilationRate: number[];
  readonly padding: ConvPadding;
  readonly dimOrdering: DimOrdering;
  readonly settings: KernelSettings;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(readonly rank: ConvRank, owner: string, o: Options) {
    super(o);
    this.filters = int(owner, o, 'filters', { min: 1, label: 'filters (nb_filter)' });
    this.kernelSize = kernelSizeOf(owner, o, rank);
    this.strides = tupleOf(owner, 'strides (subsample)', o.strides, rank, new Array<number>(rank).fill(1));
    this.dilationRate = tupleOf(owner, 'dilation rate', o.dilationRate, rank, new Array<number>(rank).fill(1));
    if (o.padding === 'causal' && rank !== 1) throw new ValueError(`${owner}: padding 'causal' is for 1-D convolutions only`);
    this.padding = o.padding === 'causal' ? 'causal' : resolvePadding(owner, o.padding);
    this.dimOrdering = rank === 1 ? explicitOrdering(o.dimOrdering) : resolveOrdering(o.dimOrdering);
    this.settings = kernelSettings(owner, o);
    this.activityRegularizer = this.settings.activityRegularizer;
  }

  protected override get temporalInput(): boolean { return this.rank === 1; }

  override build(inputShape: Shape): void {
    const channels = inputShape[layoutAxes(this.rank, this.dimOrdering).channel];
    if (inputShape.length !== this.rank + 2 || channels === null || channels === undefined) {
      throw new ShapeError(`${this.className} expects inputs of rank ${this.rank + 2} with known channels, got ${fmtShape(inputShape)}`);
    }
    const s = this.settings;
    this.kernel = this.addWeight('kernel', this.kernelShape(channels), s.kernelInitializer, 'glorot_uniform', { regularizer: s.kernelRegularizer, constraint: s.kernelConstraint });
    if (s.useBias) this.bias = this.addWeight('bias', [this.filters], s.biasInitializer, 'zero', { regularizer: s.biasRegularizer, constraint: s.biasConstraint });
  }

  /** Keras 2 layout: [...kernel, inChannels, filters]. */
  protected kernelShape(channels: number): number[] { return [...this.kernelSize, channels, this.filters]; }

  /**
   * Keras 1 classes (`Convolution2D`, `Convolution3D`) with dim_ordering 'th' take Keras 1's 'th'
   * kernel (nb_filter, stack, *kernel) in `weights`, as Keras 1 does; the Keras 2 layout is still
   * accepted where it cannot be mistaken for it. Keras 2 classes take Keras 2's layout only.
   */
  protected override initialWeightsInKerasOrder(values: TensorLike[]): TensorLike[] {
    const keras1 = (this.constructor as { keras1Kernel?: boolean }).keras1Kernel === true;
    if (!keras1 || this.dimOrdering !== 'th' || values.length === 0) return values;
    const k = tensor(values[0]!);
    const tf = this.kernel!.shape;
    const th = [tf[this.rank + 1]!, tf[this.rank]!, ...this.kernelSize];
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
    if (same(k.shape, th)) return [transpose(k, thToTfKernelPerm(this.rank + 2)), ...values.slice(1)];
    if (same(k.shape, tf)) return values;
    throw new ShapeError(`${this.name} (${this.className}, dim_ordering 'th'): weights[0] must be Keras 1's th kernel (nb_filter, stack, ${this.rank === 2 ? 'rows, cols' : 'kernel_dim1, kernel_dim2, kernel_dim3'}) = ${fmtShape(th)}, got ${fmtShape(k.shape)}`);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const channels = inputShape[layoutAxes(this.rank, this.dimOrdering).channel];
    if (this.kernel && channels !== this.kernel.shape[this.rank]) {
      throw new ShapeError(`${this.className} was built for ${this.kernel.shape[this.rank]} input channels, got ${fmtShape(inputShape)}`);
    }
    const shape = [...inputShape];
    const time = layoutAxes(this.rank, this.dimOrdering).spatial[0]!;
    if (this.padding === 'causal' && shape[time] != null) shape[time] += this.causalShift;
    return windowOutputShape(this.className, shape, this.kernelSize, this.strides, this.dilationRate, this.windowPadding, this.dimOrdering, this.filters);
  }

  /** Causal padding is a 'valid' window over the input with dilation·(k - 1) zero steps prepended. */
  protected get windowPadding(): Padding { return this.padding === 'causal' ? 'valid' : this.padding; }
  private get causalShift(): number { return this.padding === 'causal' ? this.dilationRate[0]! * (this.kernelSize[0]! - 1) : 0; }

  override call(inputs: Tensor | Tensor[], _args: CallArgs): Tensor {
    const th = this.dimOrdering === 'th';
    const x = inputs as Tensor;
    let y = this.convolve(th ? transpose(x, toChannelsLast(this.rank)) : x);
    if (this.bias) y = add(y, this.bias);
    y = this.settings.activation.fn(y);
    return th ? transpose(y, toChannelsFirst(this.rank)) : y;
  }

  /** The kernel over channels-last `x`, before bias and activation. */
  protected convolve(x: Tensor): Tensor {
    const w = this.kernel!;
    if (this.rank === 1) {
      const shifted = this.causalShift > 0 ? pad(x, [[0, 0], [this.causalShift, 0], [0, 0]]) : x;
      const [b, steps, c] = shifted.shape as [number, number, number];
      const y = conv2d(reshape(shifted, [b, 1, steps, c]), reshape(w, [1, ...w.shape]), { strides: [1, this.strides[0]!], padding: this.windowPadding, dilations: [1, this.dilationRate[0]!] });
      return reshape(y, [b, y.shape[2]!, this.filters]);
    }
    return conv2d(x, w, { strides: this.strides as [number, number], padding: this.windowPadding, dilations: this.dilationRate as [number, number] });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), filters: this.filters, kernel_size: this.kernelSize, strides: this.strides, padding: this.padding,
      data_format: this.dimOrdering === 'th' ? 'channels_first' : 'channels_last', dilation_rate: this.dilationRate, ...kernelConfig(this.settings),
    };
  }
}

/** Keras 1: `Convolution2D(nbFilter, nbRow, nbCol, {borderMode, subsample, dimOrdering, ...})`. */
class Convolution2DImpl extends ConvBase {
  static kerasName = 'Conv2D';
  static readonly keras1Kernel = true;
  constructor(...args: [nbFilter: number, nbRow: number, nbCol: number, options?: ConvOptions] | [options: ConvOptions]) {
    super(2, 'Convolution2D', Layer.parse('Convolution2D', positional('Convolution2D', args, ['filters', 'nbRow', 'nbCol']), CONV_KEYS));
  }
}
/** Keras 2: `Conv2D(filters, kernelSize, {strides, padding, dataFormat, ...})`. */
class Conv2DImpl extends ConvBase {
  static kerasName = 'Conv2D';
  constructor(...args: [filters: number, kernelSize: number | number[], options?: ConvOptions] | [options: ConvOptions]) {
    super(2, 'Conv2D', Layer.parse('Conv2D', positional('Conv2D', args, ['filters', 'kernelSize']), CONV_KEYS));
  }
}
/** Keras 1: `Convolution1D(nbFilter, filterLength, {borderMode, subsampleLength, ...})`. */
class Convolution1DImpl extends ConvBase {
  static kerasName = 'Conv1D';
  constructor(...args: [nbFilter: number, filterLength: number, options?: ConvOptions] | [options: ConvOptions]) {
    super(1, 'Convolution1D', Layer.parse('Convolution1D', positional('Convolution1D', args, ['filters', 'kernelSize']), CONV_KEYS));
  }
}
class Conv1DImpl extends ConvBase {
  static kerasName = 'Conv1D';
  constructor(...args: [filters: number, kernelSize: number | number[], options?: ConvOptions] | [options: ConvOptions]) {
    super(1, 'Conv1D', Layer.parse('Conv1D', positional('Conv1D', args, ['filters', 'kernelSize']), CONV_KEYS));
  }
}

/** Keras 1: `AtrousConvolution2D(nbFilter, nbRow, nbCol, {atrousRate, ...})`, Keras 2's Conv2D with `dilation_rate`. */
class AtrousConvolution2DImpl extends ConvBase {
  static kerasName = 'Conv2D';
  constructor(...args: [nbFilter: number, nbRow: number, nbCol: number, options?: ConvOptions] | [options: ConvOptions]) {
    super(2, 'AtrousConvolution2D', Layer.parse('AtrousConvolution2D', positional('AtrousConvolution2D', args, ['filters', 'nbRow', 'nbCol']), CONV_KEYS));
  }
}
/** Keras 1: `AtrousConvolution1D(nbFilter, filterLength, {atrousRate, ...})`, Keras 2's Conv1D with `dilation_rate`. */
class AtrousConvolution1DImpl extends ConvBase {
  static kerasName = 'Conv1D';
  constructor(...args: [nbFilter: number, filterLength: number, options?: ConvOptions] | [options: ConvOptions]) {
    super(1, 'AtrousConvolution1D', Layer.parse('AtrousConvolution1D', positional('AtrousConvolution1D', args, ['filters', 'kernelSize']), CONV_KEYS));
  }
}

export { ConvBase };
export const AtrousConvolution2D = registerLayer(AtrousConvolution2DImpl, 'AtrousConvolution2D', 'AtrousConv2D');
export type AtrousConvolution2D = AtrousConvolution2DImpl;
export const AtrousConvolution1D = registerLayer(AtrousConvolution1DImpl, 'AtrousConvolution1D', 'AtrousConv1D');
export type AtrousConvolution1D = AtrousConvolution1DImpl;
export const Convolution2D = registerLayer(Convolution2DImpl, 'Convolution2D');
export type Convolution2D = Convolution2DImpl;
export const Conv2D = registerLayer(Conv2DImpl);
export type Conv2D = Conv2DImpl;
export const Convolution1D = registerLayer(Convolution1DImpl, 'Convolution1D');
export type Convolution1D = Convolution1DImpl;
export const Conv1D = registerLayer(Conv1DImpl);
export type Conv1D = Conv1DImpl;
