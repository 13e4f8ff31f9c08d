import { add, conv2d, max, maxPool2d, pad, stack, transpose, unstack, windowAxis, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import { positional } from '../../utils/args.js';
import { ValueError } from '../../utils/errors.js';
import { resolveOrdering, type DimOrdering } from '../../utils/image-ordering.js';
import type { Shape } from '../../utils/shape.js';
import { KERNEL_KEYS, type KernelOptions, type LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { ConvBase } from './conv.js';
import { resolvePadding, toChannelsFirst, toChannelsLast, tupleOf, windowOutputShape, type Padding } from './geometry.js';

/**
 * 3-D windows as a sum (or max) of 2-D ones: output depth slice o combines input slices
 * o·stride + k, k < kernel depth, each through core's 2-D op; depth padding is explicit.
 */
function depthSlices(x: Tensor, kd: number, sd: number, padding: Padding, fill: number): { slices: Tensor[]; outD: number } {
  const d = x.shape[1]!;
  const { out, padBefore } = windowAxis(d, kd, sd, 1, padding);
  const total = Math.max(0, (out - 1) * sd + kd - d);
  const padded = total > 0 ? pad(x, [[0, 0], [padBefore, total - padBefore], [0, 0], [0, 0], [0, 0]], fill) : x;
  return { slices: unstack(padded, 1), outD: out };
}

const ordered = (x: Tensor, o: DimOrdering) => (o === 'th' ? transpose(x, toChannelsLast(3)) : x);
const restored = (y: Tensor, o: DimOrdering) => (o === 'th' ? transpose(y, toChannelsFirst(3)) : y);
const fmtOrdering = (o: DimOrdering) => (o === 'th' ? 'channels_first' : 'channels_last');

export interface Conv3DOptions extends LayerOptions, KernelOptions { strides?: number | number[]; padding?: Padding; dimOrdering?: DimOrdering }

/** Keras 1 `Convolution3D(nbFilter, kernelDim1, kernelDim2, kernelDim3, opts)`; kernel [kd, kh, kw, in, filters]. No dilation. */
class Convolution3DImpl extends ConvBase {
  static override readonly OPTIONS = ['filters', 'kernelSize', 'kernelDim1', 'kernelDim2', 'kernelDim3', 'strides', 'padding', 'dimOrdering', ...KERNEL_KEYS];
  static kerasName = 'Conv3D';

  constructor(...args: [nbFilter: number, kernelDim1: number, kernelDim2: number, kernelDim3: number, options?: Conv3DOptions] | [options: Conv3DOptions & { filters: number; kernelSize: number | number[] }]) {
    super(3, 'Convolution3D', Layer.parse('Convolution3D', positional('Convolution3D', args, ['filters', 'kernelDim1', 'kernelDim2', 'kernelDim3']), Convolution3DImpl.OPTIONS));
    if (this.padding === 'full') throw new ValueError("Convolution3D: border_mode 'full' is not supported (use 'valid' or 'same')");
  }

  protected override convolve(x: Tensor): Tensor {
    const [kd] = this.kernelSize as [number];
    const { slices, outD } = depthSlices(x, kd, this.strides[0]!, this.windowPadding, 0);
    const ws = unstack(this.kernel!, 0);
    const opts = { strides: [this.strides[1]!, this.strides[2]!] as [number, number], padding: this.windowPadding };
    const outs = Array.from({ length: outD }, (_, o) =>
      ws.map((w, k) => conv2d(slices[o * this.strides[0]! + k]!, w, opts)).reduce((a, b) => add(a, b)));
    return stack(outs, 1);
  }
}

/** 3-D max pooling: 2-D max pooling per depth slice, then the max over each depth window. */
class MaxPooling3DImpl extends Layer {
  static override readonly OPTIONS = ['poolSize', 'strides', 'padding', 'dimOrdering'];
  static kerasName = 'MaxPooling3D';
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly dimOrdering: DimOrdering;
  constructor(...args: [poolSize?: number | number[], options?: LayerOptions & { strides?: number | number[]; padding?: Padding; dimOrdering?: DimOrdering }] | [options: LayerOptions]) {
    const o = Layer.parse('MaxPooling3D', positional('MaxPooling3D', args, ['poolSize']), MaxPooling3DImpl.OPTIONS);
    super(o);
    this.poolSize = tupleOf('MaxPooling3D', 'pool size', o.poolSize, 3, [2, 2, 2]);
    this.strides = tupleOf('MaxPooling3D', 'strides', o.strides, 3, this.poolSize);
    this.padding = resolvePadding('MaxPooling3D', o.padding);
    this.dimOrdering = resolveOrdering(o.dimOrdering);
  }
  override computeOutputShape(s: Shape): Shape {
    return windowOutputShape('MaxPooling3D', s, this.poolSize, this.strides, [1, 1, 1], this.padding, this.dimOrdering, null);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const [pd, ph, pw] = this.poolSize as [number, number, number];
    const { slices, outD } = depthSlices(ordered(inputs as Tensor, this.dimOrdering), pd, this.strides[0]!, this.padding, -Infinity);
    const pooled = slices.map((s) => maxPool2d(s, [ph, pw], { strides: [this.strides[1]!, this.strides[2]!], padding: this.padding as 'valid' | 'same' }));
    const outs = Array.from({ length: outD }, (_, o) => max(stack(pooled.slice(o * this.strides[0]!, o * this.strides[0]! + pd), 0), 0));
    return restored(stack(outs, 1), this.dimOrdering);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), pool_size: this.poolSize, strides: this.strides, padding: this.padding, data_format: fmtOrdering(this.dimOrdering) };
  }
}

export const Convolution3D = registerLayer(Convolution3DImpl, 'Convolution3D', 'Conv3D');
export type Convolution3D = Convolution3DImpl;
export const MaxPooling3D = registerLayer(MaxPooling3DImpl);
export type MaxPooling3D = MaxPooling3DImpl;
