import type { GpuContext } from '../webgpu/context.js';
import { sizeOf } from '../shape.js';
import { concatGpu } from '../layout/layout.webgpu.js';
import { matMulGpu } from '../matmul/matmul.webgpu.js';
import { dispatchFlat, GPU_ELEMENT_BYTES, type GpuTensor } from '../webgpu/wgsl.js';
import type { LstmCellAttrs } from './lstm.cpu.js';
import { lstmSequenceWgsl, type LstmSequencePass } from './lstm-sequence.wgsl.js';
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

/**
 * Scratch buffers of the whole-sequence kernels (one step's contiguous GEMM operands), per
 * context and purpose, grown as needed. Reusing one across ops is safe: the queue runs them in
 * order and no op reads a scratch written by another.
 */
const scratchBuffers = new WeakMap<GpuContext, Map<string, GPUBuffer>>();

function scratch(ctx: GpuContext, name: string, shape: number[]): GpuTensor {
  const bytes = Math.max(sizeOf(shape), 1) * GPU_ELEMENT_BYTES;
  let byName = scratchBuffers.get(ctx);
  if (!byName) scratchBuffers.set(ctx, (byName = new Map()));
  let buffer = byName.get(name);
  if (!buffer || buffer.size < bytes) {
    // A smaller predecessor may still be used by recorded commands: dropped, not destroyed.
    buffer = ctx.device.createBuffer({ size: Math.ceil(bytes / 16) * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: `lstmSequence:${name}` });
    byName.set(name, buffer);
  }
  return { buffer, shape, dtype: 'float32' };
}

function copyTensor(ctx: GpuContext, src: GpuTensor, dst: GpuTensor): void {
  const bytes = sizeOf(src.shape) * GPU_ELEMENT_BYTES;
  if (bytes > 0) ctx.copy(src.buffer, 0, dst.buffer, 0, bytes);
}

/** Records the cell dispatch of step t. */
function cellStep(ctx: GpuContext, pass: LstmSequencePass, a: LstmCellAttrs, batch: number, steps: number, t: number, buffers: GPUBuffer[]): void {
  const key = `lstmseq:${pass}:${a.activation}:${a.innerActivation}`;
  dispatchFlat(ctx, 'lstmSequence', key, () => lstmSequenceWgsl(a, pass), buffers, [['u32', a.units], ['u32', steps], ['u32', t]], batch * a.units);
}

const NN = { transposeA: false, transposeB: false };
const NT = { transposeA: false, transposeB: true };

/**
 * A whole LSTM sequence (see lstmSequenceCpu): per step one GEMM h_{t−1}·U (the tuned matmul
 * kernel, on a contiguous scratch copy of h) and one cell dispatch writing hs, cs and z.
 */
export function lstmSequenceGpu(
  ctx: GpuContext, xw: GpuTensor, w: GpuTensor, bias: GpuTensor, h0: GpuTensor, c0: GpuTensor,
  hs: GpuTensor, cs: GpuTensor, z: GpuTensor, a: LstmCellAttrs,
): void {
  const [batch, steps] = xw.shape as [number, number];
  const u = a.units;
  const hp = scratch(ctx, 'h', [batch, u]), cp = scratch(ctx, 'c', [batch, u]), hu = scratch(ctx, 'hu', [batch, 4 * u]);
  copyTensor(ctx, h0, hp);
  copyTensor(ctx, c0, cp);
  for (let t = 0; t < steps; t++) {
    matMulGpu(ctx, hp, w, NN, hu);
    cellStep(ctx, 'forward', a, batch, steps, t, [xw.buffer, hu.buffer, bias.buffer, hs.buffer, cs.buffer, z.buffer, cp.buffer, hp.buffer]);
  }
}

/**
 * Its backward (see lstmSequenceGradCpu): dz starts as dzs (a copy), then from the last step
 * one GEMM dz_{t+1}·Uᵀ and one cell dispatch per step (dc0 carries the running dc), then
 * dh0 = dz_0·Uᵀ. dhs and dcs are joined per element into one scratch tensor first.
 */
export function lstmSequenceGradGpu(
  ctx: GpuContext, w: GpuTensor, z: GpuTensor, cs: GpuTensor, c0: GpuTensor, dhs: GpuTensor, dcs: GpuTensor, dzs: GpuTensor,
  dz: GpuTensor, dh0: GpuTensor, dc0: GpuTensor, a: LstmCellAttrs,
): void {
  const [batch, steps] = z.shape as [number, number];
  const u = a.units;
  const dst = scratch(ctx, 'dstate', [batch, steps, 2 * u]), dzp = scratch(ctx, 'dz', [batch, 4 * u]), dhr = scratch(ctx, 'dh', [batch, u]);
  concatGpu(ctx, [dhs, dcs], 2, dst);
  copyTensor(ctx, dzs, dz);
  for (let t = steps - 1; t >= 0; t--) {
    if (t + 1 < steps) matMulGpu(ctx, dzp, w, NT, dhr);
    cellStep(ctx, 'backward', a, batch, steps, t, [z.buffer, c0.buffer, cs.buffer, dst.buffer, dhr.buffer, dz.buffer, dzp.buffer, dc0.buffer]);
  }
  matMulGpu(ctx, dzp, w, NT, dh0);
}
