import { conv2dGeometry, type Conv2DGeometry, type Padding } from '@kerasgpu/kernels';
import { GradientError, ShapeError } from '../errors.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertSameDType, toTensor, type TensorLike } from './convert.js';
import { run1, type Vjp } from './run.js';

export interface Conv2DOptions {
  strides?: number | readonly [number, number];
  padding?: Padding;
  dilations?: number | readonly [number, number];
}

const pair = (v: number | readonly [number, number] | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

function checkWindow(op: string, x: Tensor, g: Conv2DGeometry): void {
  if ([g.strideH, g.strideW, g.dilH, g.dilW, g.kH, g.kW].some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ShapeError(`${op}: window, strides and dilations must be positive integers (input ${fmt(x.shape)})`);
  }
  if (g.outH <= 0 || g.outW <= 0) {
    throw new ShapeError(`${op}: window ${g.kH}×${g.kW} (dilation ${g.dilH}×${g.dilW}) does not fit input ${fmt(x.shape)} with this padding`);
  }
}

/** The NHWC input and rank-4 filter of a convolution op, both float and of one dtype; `layout` names the filter's axes. */
function convOperands(op: string, x: TensorLike, filter: TensorLike, layout: string): [Tensor, Tensor] {
  const tx = toTensor(op, x);
  const tw = toTensor(op, filter);
  assertFloat(op, tx);
  assertSameDType(op, tx, tw);
  if (tx.rank !== 4) throw new ShapeError(`${op}: input must be rank 4 [batch, height, width, channels], got ${fmt(tx.shape)}`);
  if (tw.rank !== 4) throw new ShapeError(`${op}: filter must be rank 4 ${layout}, got ${fmt(tw.shape)}`);
  return [tx, tw];
}

/** 2-D convolution (cross-correlation, as TensorFlow), NHWC input, [kH, kW, inC, outC] filter. */
export function conv2d(x: TensorLike, filter: TensorLike, options: Conv2DOptions = {}): Tensor {
  const [tx, tw] = convOperands('conv2d', x, filter, '[kH, kW, inChannels, outChannels]');
  if (tx.shape[3] !== tw.shape[2]) {
    throw new ShapeError(`conv2d: input has ${tx.shape[3]} channels but the filter expects ${tw.shape[2]} (input ${fmt(tx.shape)}, filter ${fmt(tw.shape)})`);
  }
  const g = conv2dGeometry(tx.shape, tw.shape[0]!, tw.shape[1]!, tw.shape[3]!, pair(options.strides, 1), pair(options.dilations, 1), options.padding ?? 'valid');
  checkWindow('conv2d', tx, g);
  return run1('conv2d', 'conv2d', { x: tx, filter: tw }, g, [g.batch, g.outH, g.outW, g.outC], tx.dtype);
}

/**
 * Transposed 2-D convolution (TensorFlow's conv2d_transpose, Keras's Deconvolution2D): the
 * gradient of `conv2d` with respect to its input, run forward. `filter` is [kH, kW, outChannels,
 * inChannels] and `outputShape` [batch, height, width, outChannels] is the shape of the conv2d
 * input that would have produced `x` (several sizes can, so it is given, as in TensorFlow).
 */
export function conv2dTranspose(x: TensorLike, filter: TensorLike, outputShape: readonly number[], options: Conv2DOptions = {}): Tensor {
  const [tx, tw] = convOperands('conv2dTranspose', x, filter, '[kH, kW, outChannels, inChannels]');
  if (outputShape.length !== 4 || outputShape[0] !== tx.shape[0] || outputShape[3] !== tw.shape[2]) {
    throw new ShapeError(`conv2dTranspose: output shape ${fmt(outputShape)} must be [batch ${tx.shape[0]}, height, width, ${tw.shape[2]} channels of filter ${fmt(tw.shape)}]`);
  }
  if (tx.shape[3] !== tw.shape[3]) {
    throw new ShapeError(`conv2dTranspose: input has ${tx.shape[3]} channels but the filter expects ${tw.shape[3]} (input ${fmt(tx.shape)}, filter ${fmt(tw.shape)})`);
  }
  const g = conv2dGeometry(outputShape, tw.shape[0]!, tw.shape[1]!, tw.shape[3]!, pair(options.strides, 1), pair(options.dilations, 1), options.padding ?? 'valid');
  checkWindow('conv2dTranspose', tx, g);
  if (g.outH !== tx.shape[1] || g.outW !== tx.shape[2]) {
    throw new ShapeError(`conv2dTranspose: output shape ${fmt(outputShape)} would convolve to ${g.outH}×${g.outW}, not the input's ${tx.shape[1]}×${tx.shape[2]} (input ${fmt(tx.shape)}, filter ${fmt(tw.shape)})`);
  }
  return backpropInput(tx, tw, g, 'conv2dTranspose');
}

const inShape = (g: Conv2DGeometry) => [g.batch, g.inH, g.inW, g.inC];
const filterShape = (g: Conv2DGeometry) => [g.kH, g.kW, g.inC, g.outC];
const outShape = (g: Conv2DGeometry) => [g.batch, g.outH, g.outW, g.outC];

const backpropInput = (dy: Tensor, filter: Tensor, g: Conv2DGeometry, op = 'conv2d') => run1(op, 'conv2dBackpropInput', { dy, filter }, g, inShape(g), dy.dtype);
const backpropFilter = (x: Tensor, dy: Tensor, g: Conv2DGeometry) => run1('conv2d', 'conv2dBackpropFilter', { x, dy }, g, filterShape(g), x.dtype);
const convWith = (x: Tensor, filter: Tensor, g: Conv2DGeometry) => run1('conv2d', 'conv2d', { x, filter }, g, outShape(g), x.dtype);

export const conv2dVjp: Vjp<'conv2d'> = ({ y: dy }, { attrs: g, inputs: { x, filter } }, needs) =>
  ({ x: needs.x ? backpropInput(dy, filter, g) : null, filter: needs.filter ? backpropFilter(x, dy, g) : null });
// The two backprops are linear in each argument, so their VJPs are the other two conv products.
export const conv2dBackpropInputVjp: Vjp<'conv2dBackpropInput'> = ({ dx: gx }, { attrs: g, inputs: { dy, filter } }, needs) =>
  ({ dy: needs.dy ? convWith(gx, filter, g) : null, filter: needs.filter ? backpropFilter(gx, dy, g) : null });
export const conv2dBackpropFilterVjp: Vjp<'conv2dBackpropFilter'> = ({ dFilter: gw }, { attrs: g, inputs: { x, dy } }, needs) =>
  ({ x: needs.x ? backpropInput(dy, gw, g) : null, dy: needs.dy ? convWith(x, gw, g) : null });

// ---- pooling ----

export interface Pool2DOptions { strides?: number | readonly [number, number]; padding?: Padding }

function poolGeometry(op: string, x: Tensor, poolSize: number | readonly [number, number], options: Pool2DOptions): Conv2DGeometry {
  if (x.rank !== 4) throw new ShapeError(`${op}: input must be rank 4 [batch, height, width, channels], got ${fmt(x.shape)}`);
  const [kH, kW] = pair(poolSize, 1);
  const g = conv2dGeometry(x.shape, kH, kW, x.shape[3]!, pair(options.strides ?? [kH, kW], 1), [1, 1], options.padding ?? 'valid');
  checkWindow(op, x, g);
  return g;
}

export function maxPool2d(x: TensorLike, poolSize: number | readonly [number, number], options: Pool2DOptions = {}): Tensor {
  const t = toTensor('maxPool2d', x);
  assertFloat('maxPool2d', t);
  const g = poolGeometry('maxPool2d', t, poolSize, options);
  return run1('maxPool2d', 'maxPool2d', { x: t }, g, outShape(g), t.dtype);
}

export function avgPool2d(x: TensorLike, poolSize: number | readonly [number, number], options: Pool2DOptions = {}): Tensor {
  const t = toTensor('avgPool2d', x);
  assertFloat('avgPool2d', t);
  const g = poolGeometry('avgPool2d', t, poolSize, options);
  return run1('avgPool2d', 'avgPool2d', { x: t }, g, outShape(g), t.dtype);
}

export const maxPool2dVjp: Vjp<'maxPool2d'> = ({ y: dy }, { attrs: g, inputs: { x } }) => ({ x: run1('maxPool2d', 'maxPool2dGrad', { dy, x }, g, inShape(g), x.dtype) });
export const maxPool2dGradVjp: Vjp<'maxPool2dGrad'> = () => {
  throw new GradientError('maxPool2d: second-order gradients are not supported');
};
export const avgPool2dVjp: Vjp<'avgPool2d'> = ({ y: dy }, { attrs: g }) => ({ x: run1('avgPool2d', 'avgPool2dGrad', { dy }, g, inShape(g), dy.dtype) });
// avgPool2dGrad is the adjoint of avgPool2d, so its own adjoint is avgPool2d again.
export const avgPool2dGradVjp: Vjp<'avgPool2dGrad'> = ({ dx: gx }, { attrs: g }) => ({ dy: run1('avgPool2d', 'avgPool2d', { x: gx }, g, outShape(g), gx.dtype) });
