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
  reduce: notYet('reduce'),
  argReduce: notYet('argReduce'),
  transpose: notYet('transpose'),
  slice: notYet('slice'),
  concat: notYet('concat'),
  pad: notYet('pad'),
  tile: notYet('tile'),
  gather: notYet('gather'),
  scatterAdd: notYet('scatterAdd'),
  matMul: notYet('matMul'),
  softmax: notYet('softmax'),
  conv2d: notYet('conv2d'),
  conv2dBackpropInput: notYet('conv2dBackpropInput'),
  conv2dBackpropFilter: notYet('conv2dBackpropFilter'),
  maxPool2d: notYet('maxPool2d'),
  maxPool2dGrad: notYet('maxPool2dGrad'),
  avgPool2d: notYet('avgPool2d'),
  avgPool2dGrad: notYet('avgPool2dGrad'),
  lstmCell: notYet('lstmCell'),
  lstmCellGrad: notYet('lstmCellGrad'),
  random: notYet('random'),
};

function notYet(name: string): GpuKernel<KernelPrimitive> {
  return () => { throw new Error(`webgpu: ${name} kernel is being written (TEMPORARY, must be replaced before webgpu is registered)`); };
}
