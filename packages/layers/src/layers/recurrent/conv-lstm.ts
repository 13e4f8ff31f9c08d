import { concat, conv2d, reshape, tensor, transpose, windowAxis, type Tensor, type TensorLike } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import { dataFormat, resolveOrdering, type DimOrdering } from '../../utils/image-ordering.js';
import { KERAS1_LSTM_GATES, thToTfKernelPerm } from '../../utils/kernel-layout.js';
import type { Options } from '../../utils/options.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { kernelSizeOf } from '../convolutional/conv.js';
import { resolvePadding, tupleOf, type Padding } from '../convolutional/geometry.js';
import { registerLayer } from '../registry.js';
import { LSTMBase } from './cells.js';
import { RNN_KEYS, type RecurrentOptions } from './rnn-base.js';
import { int } from '../../utils/option-readers.js';

export interface ConvLSTM2DOptions extends Omit<RecurrentOptions, 'units' | 'unroll'> {
  filters?: number;
  kernelSize?: number | number[];
  strides?: number | number[];
  padding?: 'valid' | 'same';
  dimOrdering?: DimOrdering;
  dilationRate?: number | number[];
}

/** The recurrent options less those ConvLSTM2D names otherwise (`units` is `filters`) or refuses (`unroll`, as Keras). */
const CONV_LSTM_KEYS = [
  ...RNN_KEYS.filter((k) => !['units', 'unroll', 'implementation', 'consumeLess'].includes(k)),
  'filters', 'kernelSize', 'nbRow', 'nbCol', 'strides', 'padding', 'dimOrdering', 'dilationRate',
];

/** Keras 1 input/output layout 'th' is (batch, time, channels, rows, cols); the loop runs channels last. */
const SEQ_TO_LAST = [0, 1, 3, 4, 2];
const SEQ_TO_FIRST = [0, 1, 4, 2, 3];
const MAP_TO_LAST = [0, 2, 3, 1];
const MAP_TO_FIRST = [0, 3, 1, 2];

function checkedFilters(o: Options): Options {
  return { ...o, units: int('ConvLSTM2D', o, 'filters', { min: 1, label: 'filters (nb_filter)' }) };
}

/**
 * Keras's convolutional LSTM (Keras 1.2.2 `convolutional_recurrent.py`, Keras 2 `ConvLSTM2D`):
 * the LSTM with each matrix product a 2-D convolution. The input convolution takes `strides`,
 * `padding` and `dilation_rate`; the recurrent one runs over the state with stride 1 and 'same'
 * padding, so the state (batch, rows', cols', filters) keeps the first convolution's output size.
 * Weights as Keras 2: kernel (rows, cols, channels, 4·filters), recurrent_kernel (rows, cols,
 * filters, 4·filters), bias (4·filters), gate blocks i, f, c, o on the last axis. The `weights`
 * option also takes Keras 1's twelve arrays (W, U, b per gate, gates stored i, c, f, o; 'th'
 * kernels (filters, stack, rows, cols)). Built on the recurrent loop shared with LSTM: every
 * timestep's input convolution is one conv2d over batch·time images.
 */
class ConvLSTM2DImpl extends LSTMBase {
  static override readonly OPTIONS = CONV_LSTM_KEYS;
  static kerasName = 'ConvLSTM2D';
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly dilationRate: number[];
  readonly padding: Padding;
  readonly dimOrdering: DimOrdering;

  constructor(...args: [filters: number, nbRow: number, nbCol: number, options?: ConvLSTM2DOptions] | [filters: number, kernelSize: number | number[], options?: ConvLSTM2DOptions] | [options: ConvLSTM2DOptions]) {
    // Keras 1: ConvLSTM2D(nb_filter, nb_row, nb_col); Keras 2: ConvLSTM2D(filters, kernel_size).
    const names = typeof args[2] === 'number' ? ['filters', 'nbRow', 'nbCol'] : ['filters', 'kernelSize'];
    const o = Layer.parse('ConvLSTM2D', positional('ConvLSTM2D', args as unknown[], names), CONV_LSTM_KEYS);
    super('ConvLSTM2D', checkedFilters(o));
    this.filters = this.units;
    this.kernelSize = kernelSizeOf('ConvLSTM2D', o, 2);
    this.strides = tupleOf('ConvLSTM2D', 'strides (subsample)', o.strides, 2, [1, 1]);
    this.dilationRate = tupleOf('ConvLSTM2D', 'dilation rate', o.dilationRate, 2, [1, 1]);
    const padding = resolvePadding('ConvLSTM2D', o.padding);
    if (padding === 'full') throw new ValueError(`ConvLSTM2D: padding (border_mode) must be 'valid' or 'same', got 'full'`);
    this.padding = padding;
    this.dimOrdering = resolveOrdering(o.dimOrdering);
  }

  private get th(): boolean { return this.dimOrdering === 'th'; }

  /** Channels-last (rows, cols, channels) of a (batch, time, ...) input shape. */
  private imageOf(s: Shape): [number | null, number | null, number | null] {
    const [a, b, c] = s.slice(2) as (number | null)[];
    return this.th ? [b!, c!, a!] : [a!, b!, c!];
  }

  protected override checkInput(s: Shape): void {
    const [rows, cols, channels] = this.imageOf(s);
    const layout = this.th ? '(batch, time, channels, rows, cols)' : '(batch, time, rows, cols, channels)';
    if (s.length !== 5 || rows === null || cols === null || channels === null) {
      throw new ShapeError(`ConvLSTM2D (${this.name}) expects inputs ${layout} with known rows, cols and channels, got ${fmtShape(s)}`);
    }
    if (this.kernel && channels !== this.kernel.shape[2]) throw new ShapeError(`ConvLSTM2D (${this.name}) was built for ${this.kernel.shape[2]} channels, got ${fmtShape(s)}`);
    const [r, c] = this.outputImage(s);
    if (r <= 0 || c <= 0) throw new ShapeError(`ConvLSTM2D (${this.name}): kernel ${this.kernelSize.join('x')} does not fit the input's ${rows}x${cols} images with padding '${this.padding}'`);
  }

  private outputImage(s: Shape): [number, number] {
    const [rows, cols] = this.imageOf(s);
    const axis = (size: number, i: number) => windowAxis(size, this.kernelSize[i]!, this.strides[i]!, this.dilationRate[i]!, this.padding).out;
    return [axis(rows!, 0), axis(cols!, 1)];
  }

  protected override stepOutputShape(s: Shape): number[] {
    const [r, c] = this.outputImage(s);
    return this.th ? [this.filters, r, c] : [r, c, this.filters];
  }

  protected override weightShapes(s: Shape): { kernel: number[]; recurrent: number[]; state: number[] } {
    const g = 4 * this.filters;
    return { kernel: [...this.kernelSize, this.imageOf(s)[2]!, g], recurrent: [...this.kernelSize, this.filters, g], state: [...this.outputImage(s), this.filters] };
  }

  protected override projectInput(x: Tensor): Tensor {
    const [b, T, rows, cols, ch] = x.shape as [number, number, number, number, number];
    const y = conv2d(reshape(x, [b * T, rows, cols, ch]), this.kernel!, { strides: this.strides as [number, number], padding: this.padding, dilations: this.dilationRate as [number, number] });
    return reshape(y, [b, T, ...y.shape.slice(1)]);
  }

  protected recurrentProduct(h: Tensor): Tensor { return conv2d(h, this.recurrentKernel!, { padding: 'same' }); }

  /** 'th' tensors (inputs, initial states, outputs, returned states) are turned channels last around the loop. */
  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor | Tensor[] {
    if (!this.th) return super.call(inputs, args);
    const [x, ...states] = Array.isArray(inputs) ? inputs : [inputs];
    const inner = [transpose(x!, SEQ_TO_LAST), ...states.map((s) => transpose(s, MAP_TO_LAST))];
    const out = super.call(inner.length === 1 ? inner[0]! : inner, args);
    const back = (t: Tensor) => transpose(t, t.shape.length === 5 ? SEQ_TO_FIRST : MAP_TO_FIRST);
    return Array.isArray(out) ? out.map(back) : back(out);
  }

  /** Keras 1's twelve per-gate arrays (gates stored i, c, f, o) fused as Keras 2's three. */
  protected override initialWeightsInKerasOrder(values: TensorLike[]): TensorLike[] {
    if (values.length !== 12) return values;
    const ws = values.map((v) => tensor(v));
    const kernelOf = (k: Tensor) => (this.th && k.shape.length === 4 ? transpose(k, thToTfKernelPerm(4)) : k);
    const fuse = (j: number, f: (t: Tensor) => Tensor) => concat(KERAS1_LSTM_GATES.map((g) => f(ws[3 * g + j]!)), -1);
    return [fuse(0, kernelOf), fuse(1, kernelOf), fuse(2, (b) => b)];
  }

  override getConfig(): Record<string, unknown> {
    const { units: _units, unroll: _unroll, ...rnn } = super.getConfig();
    return {
      ...rnn, filters: this.filters, kernel_size: this.kernelSize, strides: this.strides, padding: this.padding,
      data_format: dataFormat(this.dimOrdering), dilation_rate: this.dilationRate,
    };
  }
}

export const ConvLSTM2D = registerLayer(ConvLSTM2DImpl);
export type ConvLSTM2D = ConvLSTM2DImpl;
