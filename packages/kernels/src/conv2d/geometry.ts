/**
 * Output size and padding of a sliding window (convolution or pooling) along one spatial axis,
 * following TensorFlow: 'same' pads (total) so that out = ceil(in / stride), putting the extra
 * cell at the end; 'full' pads effectiveKernel - 1 on both sides (Keras 1 / Theano).
 */
export type Padding = 'valid' | 'same' | 'full';

export interface AxisGeometry { out: number; padBefore: number }

export function windowAxis(size: number, kernel: number, stride: number, dilation: number, padding: Padding): AxisGeometry {
  const eff = (kernel - 1) * dilation + 1;
  switch (padding) {
    case 'valid':
      return { out: Math.max(0, Math.ceil((size - eff + 1) / stride)), padBefore: 0 };
    case 'same': {
      const out = Math.ceil(size / stride);
      const total = Math.max(0, (out - 1) * stride + eff - size);
      return { out, padBefore: Math.floor(total / 2) };
    }
    case 'full':
      return { out: Math.floor((size + eff - 2) / stride) + 1, padBefore: eff - 1 };
  }
}

/** Everything a 2-D window kernel needs; NHWC input, [kh, kw, inC, outC] filter. */
export interface Conv2DGeometry {
  batch: number; inH: number; inW: number; inC: number;
  kH: number; kW: number; outC: number;
  outH: number; outW: number;
  strideH: number; strideW: number; dilH: number; dilW: number;
  padTop: number; padLeft: number;
}

export function conv2dGeometry(
  xShape: readonly number[], kH: number, kW: number, outC: number,
  strides: readonly [number, number], dilations: readonly [number, number], padding: Padding,
): Conv2DGeometry {
  const [batch, inH, inW, inC] = xShape as [number, number, number, number];
  const h = windowAxis(inH, kH, strides[0], dilations[0], padding);
  const w = windowAxis(inW, kW, strides[1], dilations[1], padding);
  return {
    batch, inH, inW, inC, kH, kW, outC, outH: h.out, outW: w.out,
    strideH: strides[0], strideW: strides[1], dilH: dilations[0], dilW: dilations[1],
    padTop: h.padBefore, padLeft: w.padBefore,
  };
}
