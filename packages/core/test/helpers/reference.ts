/**
 * Plain-JavaScript references for forward properties, written independently of the kernels
 * (own padding arithmetic, own index loops) so that the two can disagree.
 */
import type { WindowCase } from './window-cases.js';

/** Padding before the first cell along one axis (TensorFlow 'same': the odd cell goes after). */
function padBefore(size: number, kernel: number, stride: number, dilation: number, padding: WindowCase['padding'], out: number): number {
  const eff = (kernel - 1) * dilation + 1;
  if (padding === 'valid') return 0;
  if (padding === 'full') return eff - 1;
  return Math.floor(Math.max(0, (out - 1) * stride + eff - size) / 2);
}

/**
 * For every output cell (n, oh, ow) in order, the flat input offsets (without channel) of its
 * kH·kW taps in (kh, kw) order, or -1 for a tap in the padding.
 */
export function windowTaps(c: WindowCase, out: [number, number]): number[][] {
  const [n, h, w] = c.xShape;
  const top = padBefore(h, c.kernel[0], c.strides[0], c.dilations[0], c.padding, out[0]);
  const left = padBefore(w, c.kernel[1], c.strides[1], c.dilations[1], c.padding, out[1]);
  const windows: number[][] = [];
  for (let b = 0; b < n; b++)
    for (let oh = 0; oh < out[0]; oh++)
      for (let ow = 0; ow < out[1]; ow++) {
        const taps: number[] = [];
        for (let kh = 0; kh < c.kernel[0]; kh++)
          for (let kw = 0; kw < c.kernel[1]; kw++) {
            const ih = oh * c.strides[0] - top + kh * c.dilations[0];
            const iw = ow * c.strides[1] - left + kw * c.dilations[1];
            taps.push(ih >= 0 && ih < h && iw >= 0 && iw < w ? (b * h + ih) * w + iw : -1);
          }
        windows.push(taps);
      }
  return windows;
}

/** im2col: one row per output cell, kH·kW·inC columns in (kh, kw, c) order, zeros for padding. */
export function im2col(x: ArrayLike<number>, c: WindowCase, out: [number, number]): Float64Array {
  const channels = c.xShape[3];
  const windows = windowTaps(c, out);
  const cols = c.kernel[0] * c.kernel[1] * channels;
  const rows = new Float64Array(windows.length * cols);
  windows.forEach((taps, r) =>
    taps.forEach((cell, t) => {
      if (cell >= 0) for (let ch = 0; ch < channels; ch++) rows[r * cols + t * channels + ch] = x[cell * channels + ch]!;
    }));
  return rows;
}

/** Max or mean over the real (non-padding) cells of each window, per channel. */
export function poolLoop(x: ArrayLike<number>, c: WindowCase, out: [number, number], kind: 'max' | 'avg'): number[] {
  const channels = c.xShape[3];
  return windowTaps(c, out).flatMap((taps) => {
    const cells = taps.filter((t) => t >= 0);
    return Array.from({ length: channels }, (_, ch) => {
      const vs = cells.map((cell) => x[cell * channels + ch]!);
      if (vs.length === 0) return 0;
      return kind === 'max' ? Math.max(...vs) : vs.reduce((a, b) => a + b, 0) / vs.length;
    });
  });
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Elementwise f over operands broadcast (NumPy rules) to `out`. */
export function broadcastMap(out: readonly number[], operands: { shape: readonly number[]; values: ArrayLike<number> }[], f: (...vs: number[]) => number): number[] {
  const size = out.reduce((a, b) => a * b, 1);
  const outStrides = stridesOf(out);
  return Array.from({ length: size }, (_, flat) => {
    const idx = out.map((_, d) => Math.floor(flat / outStrides[d]!) % out[d]!);
    return f(...operands.map(({ shape, values }) => {
      const st = stridesOf(shape);
      const lead = out.length - shape.length;
      return values[shape.reduce((o, dim, d) => o + (dim === 1 ? 0 : idx[d + lead]! * st[d]!), 0)]!;
    }));
  });
}
