import { add, gather, matMul, reshape, tensor, transpose, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import type { Options } from '../../utils/options.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { registerLayer } from '../registry.js';
import { ConvBase, type ConvOptions } from './conv.js';
import { layoutAxes, windowOutputShape } from './geometry.js';

/**
 * Locally connected layers (Keras 1 and 2): a convolution whose weights differ at every output
 * position. Kernel [positions, window · inChannels, filters] and bias [...outputSize, filters], as
 * Keras stores them; a window's features are flattened (rows, cols, channels) for 'tf' and
 * (channels, rows, cols) for 'th', and the 'th' bias is Keras's reshape of the stored array to
 * (filters, rows, cols), so weights from Keras files mean what they meant there.
 * One gather collects every window (its VJP is a scatter-add), one batched matMul applies them.
 * Only 'valid' padding, as in Keras. The 1-D layer is the 2-D one over a height of one.
 */
abstract class LocallyConnectedBase extends ConvBase {
  /** Output size per spatial axis, known once built. */
  outputSize: number[] = [];
  constructor(rank: 1 | 2, owner: string, o: Options) {
    super(rank, owner, o);
    if (this.padding !== 'valid') throw new ValueError(`${owner}: only 'valid' padding (border_mode) is supported, as in Keras, got '${this.padding}'`);
    if (this.dilationRate.some((d) => d !== 1)) throw new ValueError(`${owner}: dilation is not supported`);
  }

  override computeOutputShape(s: Shape): Shape {
    const out = windowOutputShape(this.className, s, this.kernelSize, this.strides, this.dilationRate, 'valid', this.dimOrdering, this.filters);
    const { spatial, channel } = layoutAxes(this.rank, this.dimOrdering);
    if (spatial.some((ax) => s[ax] === null || s[ax] === undefined)) {
      throw new ShapeError(`${this.className} needs every spatial size known (its weights are per position), got ${fmtShape(s)}`);
    }
    if (this.kernel && (spatial.some((ax, i) => out[ax] !== this.outputSize[i]) || this.kernel.shape[1] !== this.windowSize() * (s[channel] ?? 0))) {
      throw new ShapeError(`${this.className} was built for inputs giving outputs ${this.outputSize.join('x')} with ${this.kernel.shape[1]! / this.windowSize()} channels, got ${fmtShape(s)}`);
    }
    return out;
  }

  private windowSize(): number { return this.kernelSize.reduce((a, b) => a * b, 1); }

  override build(inputShape: Shape): void {
    const out = this.computeOutputShape(inputShape);
    const { spatial, channel } = layoutAxes(this.rank, this.dimOrdering);
    const channels = inputShape[channel];
    if (channels === null || channels === undefined) throw new ShapeError(`${this.className} needs known input channels, got ${fmtShape(inputShape)}`);
    this.outputSize = spatial.map((ax) => out[ax] as number);
    const positions = this.outputSize.reduce((a, b) => a * b, 1);
    const s = this.settings;
    this.kernel = this.addWeight('kernel', [positions, this.windowSize() * channels, this.filters], s.kernelInitializer, 'glorot_uniform', { regularizer: s.kernelRegularizer, constraint: s.kernelConstraint });
    if (s.useBias) this.bias = this.addWeight('bias', [...this.outputSize, this.filters], s.biasInitializer, 'zero', { regularizer: s.biasRegularizer, constraint: s.biasConstraint });
  }

  /** Flat input cell (row·width + col) of every window cell, [positions, window]. */
  private windowIndices(cols: number): Tensor {
    const [kh, kw] = this.rank === 1 ? [1, this.kernelSize[0]!] : this.kernelSize as [number, number];
    const [sh, sw] = this.rank === 1 ? [1, this.strides[0]!] : this.strides as [number, number];
    const [oh, ow] = this.rank === 1 ? [1, this.outputSize[0]!] : this.outputSize as [number, number];
    const idx = new Int32Array(oh * ow * kh * kw);
    let n = 0;
    for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) idx[n++] = (i * sh + a) * cols + j * sw + b;
    return tensor(idx, [oh * ow, kh * kw], 'int32');
  }

  override call(inputs: Tensor | Tensor[], _args: CallArgs): Tensor {
    const x = inputs as Tensor;
    const th = this.dimOrdering === 'th';
    const batch = x.shape[0]!;
    const [channels, rows, cols] = this.rank === 1 ? [x.shape[2]!, 1, x.shape[1]!] : th ? x.shape.slice(1) as [number, number, number] : [x.shape[3]!, x.shape[1]!, x.shape[2]!];
    const idx = this.windowIndices(cols);
    const [positions, window] = idx.shape as [number, number];
    // Windows as [positions, batch, features] in Keras's feature order.
    const windows = th
      ? reshape(transpose(gather(reshape(x, [batch, channels, rows * cols]), idx, 2), [2, 0, 1, 3]), [positions, batch, channels * window])
      : reshape(transpose(gather(reshape(x, [batch, rows * cols, channels]), idx, 1), [1, 0, 2, 3]), [positions, batch, window * channels]);
    let y = transpose(matMul(windows, this.kernel!), [1, 0, 2]); // [batch, positions, filters]
    if (th) {
      y = reshape(transpose(y, [0, 2, 1]), [batch, this.filters, ...this.outputSize]);
      if (this.bias) y = add(y, reshape(this.bias, [1, this.filters, ...this.outputSize]));
    } else {
      y = reshape(y, [batch, ...this.outputSize, this.filters]);
      if (this.bias) y = add(y, this.bias);
    }
    return this.settings.activation.fn(y);
  }

  override getConfig(): Record<string, unknown> {
    const { dilation_rate: _, ...rest } = super.getConfig();
    return this.rank === 1 ? Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'data_format')) : rest;
  }
}

const KEYS = ConvBase.OPTIONS;

/** Keras 1 `LocallyConnected1D(nbFilter, filterLength, opts)` = Keras 2 `LocallyConnected1D(filters, kernelSize, opts)`. */
class LocallyConnected1DImpl extends LocallyConnectedBase {
  static kerasName = 'LocallyConnected1D';
  constructor(...args: [filters: number, kernelSize: number | number[], options?: ConvOptions] | [options: ConvOptions]) {
    super(1, 'LocallyConnected1D', Layer.parse('LocallyConnected1D', positional('LocallyConnected1D', args, ['filters', 'kernelSize']), KEYS));
  }
}
/** Keras 1 `LocallyConnected2D(nbFilter, nbRow, nbCol, opts)`, Keras 2 `LocallyConnected2D(filters, kernelSize, opts)`. */
class LocallyConnected2DImpl extends LocallyConnectedBase {
  static kerasName = 'LocallyConnected2D';
  constructor(...args: [filters: number, kernelSize: number | number[], options?: ConvOptions] | [nbFilter: number, nbRow: number, nbCol: number, options?: ConvOptions] | [options: ConvOptions]) {
    // Three numbers are Keras 1's (nb_filter, nb_row, nb_col); two are Keras 2's (filters, kernel_size).
    const names = typeof args[2] === 'number' ? ['filters', 'nbRow', 'nbCol'] : ['filters', 'kernelSize'];
    super(2, 'LocallyConnected2D', Layer.parse('LocallyConnected2D', positional('LocallyConnected2D', args, names), KEYS));
  }
}

export const LocallyConnected1D = registerLayer(LocallyConnected1DImpl);
export type LocallyConnected1D = LocallyConnected1DImpl;
export const LocallyConnected2D = registerLayer(LocallyConnected2DImpl);
export type LocallyConnected2D = LocallyConnected2DImpl;
