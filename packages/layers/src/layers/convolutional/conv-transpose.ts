import { conv2dTranspose, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import { positional } from '../../utils/args.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import type { Options } from '../../utils/options.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { registerLayer } from '../registry.js';
import { ConvBase, type ConvOptions } from './conv.js';
import { layoutAxes } from './geometry.js';
import { dims } from '../../utils/option-readers.js';

export interface ConvTransposeOptions extends ConvOptions { outputShape?: (number | null)[]; outputPadding?: number | number[] | null }
const KEYS = [...ConvBase.OPTIONS, 'outputShape', 'outputPadding'];

/**
 * Keras 2's `conv_utils.deconv_length`: the output length of a transposed convolution over
 * `size` steps, inferred (the length a 'valid' / 'same' / 'full' convolution maps back to `size`)
 * or exact with `outputPadding`.
 */
function deconvLength(size: number, stride: number, kernel: number, dilation: number, padding: string, outputPadding: number | null): number {
  const k = kernel + (kernel - 1) * (dilation - 1);
  if (outputPadding === null) {
    if (padding === 'valid') return size * stride + Math.max(k - stride, 0);
    if (padding === 'full') return size * stride - (stride + k - 2);
    return size * stride;
  }
  const pad = padding === 'same' ? Math.floor(k / 2) : padding === 'valid' ? 0 : k - 1;
  return (size - 1) * stride + k - 2 * pad + outputPadding;
}

/**
 * Transposed 2-D convolution: Keras 1 `Deconvolution2D(nbFilter, nbRow, nbCol, outputShape,
 * opts)`, whose output size is the given `output_shape` ((batch, rows, cols, filters) for 'tf',
 * (batch, filters, rows, cols) for 'th'), and Keras 2 `Conv2DTranspose(filters, kernelSize, opts)`,
 * which infers it (or takes `output_padding`). The kernel is Keras 2's [rows, cols, filters,
 * inChannels]; the op is conv2d's input gradient (core's conv2dTranspose).
 */
class ConvTranspose2DBase extends ConvBase {
  static override readonly OPTIONS = KEYS;
  static kerasName = 'Conv2DTranspose';
  readonly outputShape: (number | null)[] | null;
  readonly outputPadding: number[] | null;
  constructor(owner: string, o: Options) {
    super(2, owner, o);
    this.outputShape = o.outputShape === undefined || o.outputShape === null ? null : dims(owner, o, 'outputShape');
    if (this.outputShape !== null && (this.outputShape.length !== 4 || this.outputShape.slice(1).includes(null))) {
      throw new ValueError(`${owner}: output_shape must be (batch, ${this.dimOrdering === 'th' ? 'filters, rows, cols' : 'rows, cols, filters'}) with positive sizes, got ${JSON.stringify(o.outputShape)}`);
    }
    const op = o.outputPadding;
    this.outputPadding = op === undefined || op === null ? null : typeof op === 'number' ? [op, op] : (op as number[]);
    if (this.outputPadding?.some((p, i) => !(Number.isInteger(p) && p >= 0 && p < this.strides[i]!))) {
      throw new ValueError(`${owner}: output_padding must be non-negative integers below the strides ${JSON.stringify(this.strides)}, got ${JSON.stringify(op)}`);
    }
    if (this.outputShape !== null && this.outputPadding !== null) throw new ValueError(`${owner}: give output_shape (Keras 1) or output_padding (Keras 2), not both`);
  }

  /** A transposed convolution's kernel is [rows, cols, filters, inChannels]. */
  protected override kernelShape(channels: number): number[] { return [...this.kernelSize, this.filters, channels]; }

  /** Output rows and cols for input rows and cols. */
  private outputSize(rows: number | null, cols: number | null): [number | null, number | null] {
    if (this.outputShape !== null) {
      const { spatial } = layoutAxes(2, this.dimOrdering);
      return [this.outputShape[spatial[0]!]!, this.outputShape[spatial[1]!]!];
    }
    return ([rows, cols] as const).map((d, i) => (d === null ? null
      : deconvLength(d, this.strides[i]!, this.kernelSize[i]!, this.dilationRate[i]!, this.padding, this.outputPadding?.[i] ?? null))) as [number | null, number | null];
  }

  override computeOutputShape(s: Shape): Shape {
    const { spatial, channel } = layoutAxes(2, this.dimOrdering);
    if (s.length !== 4) throw new ShapeError(`${this.className} expects inputs of rank 4, got ${fmtShape(s)}`);
    if (this.kernel && s[channel] !== this.kernel.shape[3]) throw new ShapeError(`${this.className} was built for ${this.kernel.shape[3]} input channels, got ${fmtShape(s)}`);
    const size = this.outputSize(s[spatial[0]!] ?? null, s[spatial[1]!] ?? null);
    if (size.some((d) => d !== null && d <= 0)) throw new ShapeError(`${this.className}: input ${fmtShape(s)} gives an empty output`);
    const out = [...s];
    out[spatial[0]!] = size[0];
    out[spatial[1]!] = size[1];
    out[channel] = this.filters;
    return out;
  }

  protected override convolve(x: Tensor): Tensor {
    const [b, h, w] = x.shape as [number, number, number, number];
    const [rows, cols] = this.outputSize(h, w) as [number, number];
    return conv2dTranspose(x, this.kernel!, [b, rows, cols, this.filters], {
      strides: this.strides as [number, number], padding: this.windowPadding, dilations: this.dilationRate as [number, number],
    });
  }

  override getConfig(): Record<string, unknown> {
    // Keras 2 reads and drops output_shape (its legacy interface); we keep it to rebuild the same sizes.
    return { ...super.getConfig(), output_padding: this.outputPadding, ...(this.outputShape ? { output_shape: this.outputShape } : {}) };
  }
}

class Deconvolution2DImpl extends ConvTranspose2DBase {
  constructor(...args: [nbFilter: number, nbRow: number, nbCol: number, outputShape: (number | null)[], options?: ConvTransposeOptions] | [options: ConvTransposeOptions]) {
    super('Deconvolution2D', Layer.parse('Deconvolution2D', positional('Deconvolution2D', args, ['filters', 'nbRow', 'nbCol', 'outputShape']), KEYS));
  }
}
class Conv2DTransposeImpl extends ConvTranspose2DBase {
  constructor(...args: [filters: number, kernelSize: number | number[], options?: ConvTransposeOptions] | [options: ConvTransposeOptions]) {
    super('Conv2DTranspose', Layer.parse('Conv2DTranspose', positional('Conv2DTranspose', args, ['filters', 'kernelSize']), KEYS));
  }
}

export const Deconvolution2D = registerLayer(Deconvolution2DImpl, 'Deconvolution2D');
export type Deconvolution2D = Deconvolution2DImpl;
// Keras 2 also spells it Deconv2D and Convolution2DTranspose (its Deconvolution2D is Keras 1's class here, with output_shape).
export const Conv2DTranspose = registerLayer(Conv2DTransposeImpl, 'Conv2DTranspose', 'Deconv2D', 'Convolution2DTranspose');
export type Conv2DTranspose = Conv2DTransposeImpl;
