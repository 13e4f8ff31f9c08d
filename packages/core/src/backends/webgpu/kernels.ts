import * as K from '@kerasgpu/kernels';
import type { GpuContext, GpuTensor } from '@kerasgpu/kernels';
import type { KernelPrimitive, PrimitiveAttrs, PrimitiveInputs, PrimitiveOutputs } from '../../primitives.js';

/** A WebGPU kernel: records dispatches reading `inputs` and writing the (allocated) `outputs`. */
export type GpuKernel<P extends KernelPrimitive> = (ctx: GpuContext, inputs: PrimitiveInputs<P, GpuTensor>, attrs: PrimitiveAttrs[P], outputs: PrimitiveOutputs<P, GpuTensor>) => void;

/** One WebGPU kernel per primitive, from `@kerasgpu/kernels` (*.webgpu.ts). */
export const GPU_KERNELS: { [P in KernelPrimitive]: GpuKernel<P> } = {
  unary: (ctx, { x }, a, { y }) => K.unaryGpu(ctx, a.op, x, y),
  binary: (ctx, { a, b }, at, { y }) => K.binaryGpu(ctx, at.op, a, b, y),
  where: (ctx, { condition, a, b }, _, { y }) => K.whereGpu(ctx, condition, a, b, y),
  cast: (ctx, { x }, _, { y }) => K.castGpu(ctx, x, y),
  reduce: (ctx, { x }, a, { y }) => K.reduceGpu(ctx, a.op, x, a.axes, y),
  argReduce: (ctx, { x }, a, { y }) => K.argReduceGpu(ctx, a.op, x, a.axis, y),
  transpose: (ctx, { x }, a, { y }) => K.transposeGpu(ctx, x, a.perm, y),
  slice: (ctx, { x }, a, { y }) => K.sliceGpu(ctx, x, a.begin, a.size, y),
  concat: (ctx, { xs }, a, { y }) => K.concatGpu(ctx, xs, a.axis, y),
  pad: (ctx, { x }, a, { y }) => K.padGpu(ctx, x, a.paddings, a.value, y),
  tile: (ctx, { x }, a, { y }) => K.tileGpu(ctx, x, a.reps, y),
  gather: (ctx, { x, indices }, a, { y }) => K.gatherGpu(ctx, x, indices, a.axis, y),
  scatterAdd: (ctx, { updates, indices }, a, { y }) => K.scatterAddGpu(ctx, updates, indices, a.axis, y),
  matMul: (ctx, { a, b }, at, { y }) => K.matMulGpu(ctx, a, b, at, y),
  softmax: (ctx, { x }, a, { y }) => K.softmaxGpu(ctx, x, a.log, y),
  conv2d: (ctx, { x, filter }, g, { y }) => K.conv2dGpu(ctx, x, filter, y, g),
  conv2dBackpropInput: (ctx, { dy, filter }, g, { dx }) => K.conv2dBackpropInputGpu(ctx, dy, filter, dx, g),
  conv2dBackpropFilter: (ctx, { x, dy }, g, { dFilter }) => K.conv2dBackpropFilterGpu(ctx, x, dy, dFilter, g),
  maxPool2d: (ctx, { x }, g, { y }) => K.maxPoolGpu(ctx, x, y, g),
  maxPool2dGrad: (ctx, { dy, x }, g, { dx }) => K.maxPoolGradGpu(ctx, dy, x, dx, g),
  avgPool2d: (ctx, { x }, g, { y }) => K.avgPoolGpu(ctx, x, y, g),
  avgPool2dGrad: (ctx, { dy }, g, { dx }) => K.avgPoolGradGpu(ctx, dy, dx, g),
  lstmCell: (ctx, { xw, hu, bias, c }, a, { h, cNext }) => K.lstmCellGpu(ctx, xw, hu, bias, c, h, cNext, a),
  lstmCellGrad: (ctx, { xw, hu, bias, c, dh, dcNext }, a, { dz, dc }) => K.lstmCellGradGpu(ctx, xw, hu, bias, c, dh, dcNext, dz, dc, a),
  lstmSequence: (ctx, { xw, u, h0, c0 }, a, { hs, cs, z }) => K.lstmSequenceGpu(ctx, xw, u, h0, c0, hs, cs, z, a),
  lstmSequenceGrad: (ctx, { u, z, cs, c0, dhs, dcs, dzs }, a, { dz, dh0, dc0 }) => K.lstmSequenceGradGpu(ctx, u, z, cs, c0, dhs, dcs, dzs, dz, dh0, dc0, a),
  softmaxCrossEntropy: (ctx, { logits, labels }, _, { loss }) => K.softmaxCrossEntropyGpu(ctx, logits, labels, loss),
  softmaxCrossEntropyGrad: (ctx, { logits, labels, dLoss }, _, { dLogits, dLabels }) => K.softmaxCrossEntropyGradGpu(ctx, logits, labels, dLoss, dLogits, dLabels),
  random: (ctx, _, a, { y }) => K.randomGpu(ctx, a, y),
  affineResample: (ctx, { images, matrices }, a, { y }) => K.affineResampleGpu(ctx, images, matrices, a, y),
};
