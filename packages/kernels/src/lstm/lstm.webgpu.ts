import type { GpuContext } from '../webgpu/context.js';
import { dispatchFlat, type GpuTensor } from '../webgpu/wgsl.js';
import type { LstmCellAttrs } from './lstm.cpu.js';
import { lstmWgsl, type LstmDirection } from './lstm.wgsl.js';

function lstmGpu(ctx: GpuContext, direction: LstmDirection, buffers: GPUBuffer[], rowsTimesUnits: number, a: LstmCellAttrs): void {
  const key = `lstm:${direction}:${a.activation}:${a.innerActivation}`;
  dispatchFlat(ctx, direction === 'forward' ? 'lstmCell' : 'lstmCellGrad', key, () => lstmWgsl(a, direction), buffers, [['u32', a.units]], rowsTimesUnits);
}

/** One LSTM step (see lstmCellCpu): writes h' and c' ([batch, units]). */
export function lstmCellGpu(ctx: GpuContext, xw: GpuTensor, hu: GpuTensor, bias: GpuTensor, c: GpuTensor, h: GpuTensor, cOut: GpuTensor, a: LstmCellAttrs): void {
  lstmGpu(ctx, 'forward', [xw.buffer, hu.buffer, bias.buffer, c.buffer, h.buffer, cOut.buffer], h.shape[0]! * a.units, a);
}

/** Its backward (see lstmCellGradCpu): writes dz ([batch, 4·units]) and dc ([batch, units]). */
export function lstmCellGradGpu(
  ctx: GpuContext, xw: GpuTensor, hu: GpuTensor, bias: GpuTensor, c: GpuTensor, dh: GpuTensor, dcNext: GpuTensor,
  dz: GpuTensor, dc: GpuTensor, a: LstmCellAttrs,
): void {
  lstmGpu(ctx, 'backward', [xw.buffer, hu.buffer, bias.buffer, c.buffer, dh.buffer, dcNext.buffer, dz.buffer, dc.buffer], dc.shape[0]! * a.units, a);
}
