import * as K from '@kerasgpu/kernels';
import type { GpuContext, GpuTensor } from '@kerasgpu/kernels';
import type { KernelPrimitive, PrimitiveAttrs } from '../../primitives.js';

/** A WebGPU kernel: records dispatches reading `inputs` and writing the (allocated) `outputs`. */
export type GpuKernel<P extends KernelPrimitive> = (ctx: GpuContext, inputs: readonly GpuTensor[], attrs: PrimitiveAttrs[P], outputs: readonly GpuTensor[]) => void;

/** One WebGPU kernel per primitive, from `@kerasgpu/kernels` (*.webgpu.ts). */
export const GPU_KERNELS: { [P in KernelPrimitive]: GpuKernel<P> } = {
  unary: (ctx, [x], a, [y]) => K.unaryGpu(ctx, a.op, x!, y!),
  binary: (ctx, [a, b], at, [y]) => K.binaryGpu(ctx, at.op, a!, b!, y!),
  where: (ctx, [c, a, b], _, [y]) => K.whereGpu(ctx, c!, a!, b!, y!),
  cast: (ctx, [x], _, [y]) => K.castGpu(ctx, x!, y!),
  reduce: (ctx, [x], a, [y]) => K.reduceGpu(ctx, a.op, x!, a.axes, y!),
  argReduce: (ctx, [x], a, [y]) => K.argReduceGpu(ctx, a.op, x!, a.axis, y!),
  transpose: (ctx, [x], a, [y]) => K.transposeGpu(ctx, x!, a.perm, y!),
  slice: (ctx, [x], a, [y]) => K.sliceGpu(ctx, x!, a.begin, a.size, y!),
  concat: (ctx, xs, a, [y]) => K.concatGpu(ctx, xs, a.axis, y!),
  pad: (ctx, [x], a, [y]) => K.padGpu(ctx, x!, a.paddings, a.value, y!),
  tile: (ctx, [x], a, [y]) => K.tileGpu(ctx, x!, a.reps, y!),
  gather: (ctx, [x, idx], a, [y]) => K.gatherGpu(ctx, x!, idx!, a.axis, y!),
  scatterAdd: (ctx, [u, idx], a, [y]) => K.scatterAddGpu(ctx, u!, idx!, a.axis, y!),
  matMul: (ctx, [a, b], at, [y]) => K.matMulGpu(ctx, a!, b!, at, y!),
  softmax: (ctx, [x], a, [y]) => K.softmaxGpu(ctx, x!, a.log, y!),
  conv2d: (ctx, [x, w], g, [y]) => K.conv2dGpu(ctx, x!, w!, y!, g),
  conv2dBackpropInput: (ctx, [dy, w], g, [dx]) => K.conv2dBackpropInputGpu(ctx, dy!, w!, dx!, g),
  conv2dBackpropFilter: (ctx, [x, dy], g, [dw]) => K.conv2dBackpropFilterGpu(ctx, x!, dy!, dw!, g),
  maxPool2d: (ctx, [x], g, [y]) => K.maxPoolGpu(ctx, x!, y!, g),
  maxPool2dGrad: (ctx, [dy, x], g, [dx]) => K.maxPoolGradGpu(ctx, dy!, x!, dx!, g),
  avgPool2d: (ctx, [x], g, [y]) => K.avgPoolGpu(ctx, x!, y!, g),
  avgPool2dGrad: (ctx, [dy], g, [dx]) => K.avgPoolGradGpu(ctx, dy!, dx!, g),
  lstmCell: (ctx, [xw, hu, b, c], a, [h, cOut]) => K.lstmCellGpu(ctx, xw!, hu!, b!, c!, h!, cOut!, a),
  lstmCellGrad: (ctx, [xw, hu, b, c, dh, dc], a, [dz, dcPrev]) => K.lstmCellGradGpu(ctx, xw!, hu!, b!, c!, dh!, dc!, dz!, dcPrev!, a),
  lstmSequence: (ctx, [xw, w, b, h0, c0], a, [hs, cs, z]) => K.lstmSequenceGpu(ctx, xw!, w!, b!, h0!, c0!, hs!, cs!, z!, a),
  lstmSequenceGrad: (ctx, [w, z, cs, c0, dhs, dcs, dzs], a, [dz, dh0, dc0]) => K.lstmSequenceGradGpu(ctx, w!, z!, cs!, c0!, dhs!, dcs!, dzs!, dz!, dh0!, dc0!, a),
  softmaxCrossEntropy: (ctx, [z, y], _, [l]) => K.softmaxCrossEntropyGpu(ctx, z!, y!, l!),
  softmaxCrossEntropyGrad: (ctx, [z, y, dl], _, [dz, dy]) => K.softmaxCrossEntropyGradGpu(ctx, z!, y!, dl!, dz!, dy!),
  random: (ctx, _, a, [y]) => K.randomGpu(ctx, a, y!),
  affineResample: (ctx, [x, m], a, [y]) => K.affineResampleGpu(ctx, x!, m!, a, y!),
};
