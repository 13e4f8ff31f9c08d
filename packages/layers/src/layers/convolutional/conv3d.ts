import { add, conv2d, pad, stack, unstack, windowAxis, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import { positional } from '../../utils/args.js';
import { ValueError } from '../../utils/errors.js';
import type { DimOrdering } from '../../utils/image-ordering.js';
import { KERNEL_KEYS, type KernelOptions, type LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { ConvBase } from './conv.js';
import type { Padding } from './geometry.js';

/**
 * 3-D convolution as a sum of 2-D ones: output depth slice o sums input slices o·stride + k,
 * k < kernel depth, each through core's 2-D op; depth padding is explicit.
 */
function depthSlices(x: Tensor, kd: number, sd: number, padding: Padding): { slices: Tensor[]; outD: number } {
  const d = x.shape[1]!;
  const { out, padBefore } = windowAxis(d, kd, sd, 1, padding);
  const total = Math.max(0, (out - 1) * sd + kd - d);
  const padded = total > 0 ? pad(x, [[0, 0], [padBefore, total - padBefore], [0, 0], [0, 0], [0, 0]]) : x;
  return { slices: unstack(padded, 1), outD: out };
}

export interface Conv3DOptions extends LayerOptions, KernelOptions { strides?: number | number[]; padding?: Padding; dimOrdering?: DimOrdering }

/** Keras 1 `Convolution3D(nbFilter, kernelDim1, kernelDim2, kernelDim3, opts)`; kernel [kd, kh, kw, in, filters]. No dilation. */
class Convolution3DImpl extends ConvBase {
  static override readonly OPTIONS = ['filters', 'kernelSize', 'kernelDim1', 'kernelDim2', 'kernelDim3', 'strides', 'padding', 'dimOrdering', ...KERNEL_KEYS];
  static kerasName = 'Conv3D';
  static readonly keras1Kernel = true;

  constructor(...args: [nbFilter: number, kernelDim1: number, kernelDim2: number, kernelDim3: number, options?: Conv3DOptions] | [options: Conv3DOptions & { filters: number; kernelSize: number | number[] }]) {
    super(3, 'Convolution3D', Layer.parse('Convolution3D', positional('Convolution3D', args, ['filters', 'kernelDim1', 'kernelDim2', 'kernelDim3']), Convolution3DImpl.OPTIONS));
    if (this.padding === 'full') throw new ValueError("Convolution3D: border_mode 'full' is not supported (use 'valid' or 'same')");
  }

  protected override convolve(x: Tensor): Tensor {
    const [kd] = this.kernelSize as [number];
    const { slices, outD } = depthSlices(x, kd, this.strides[0]!, this.windowPadding);
    const ws = unstack(this.kernel!, 0);
    const opts = { strides: [this.strides[1]!, this.strides[2]!] as [number, number], padding: this.windowPadding };
    const outs = Array.from({ length: outD }, (_, o) =>
      ws.map((w, k) => conv2d(slices[o * this.strides[0]! + k]!, w, opts)).reduce((a, b) => add(a, b)));
    return stack(outs, 1);
  }
}

export const Convolution3D = registerLayer(Convolution3DImpl, 'Convolution3D', 'Conv3D');
export type Convolution3D = Convolution3DImpl;
