import type { GpuContext } from '../webgpu/context.js';
import { sizeOf } from '../shape.js';
import { sliceGpu, transposeGpu } from '../layout/layout.webgpu.js';
import { gemmGpu, matMulGpu } from '../matmul/matmul.webgpu.js';
import { dispatchFlat, GPU_ELEMENT_BYTES, type GpuTensor } from '../webgpu/wgsl.js';
import { scratch } from '../webgpu/scratch.js';
import type { LstmCellAttrs, LstmSequenceGradAttrs } from './lstm.cpu.js';
import { lstmSequenceHooks, lstmSequenceUniforms, type LstmSequencePass } from './lstm-sequence.wgsl.js';
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

/** Records step t: the recurrent GEMM of the previous state with the cell as its epilogue. */
function fusedStep(
  ctx: GpuContext, pass: LstmSequencePass, a: LstmCellAttrs, t: number, steps: number, b: GpuTensor, buffers: GPUBuffer[], mn: [number, number],
  zeros: Pick<LstmSequenceGradAttrs, 'dcsZero' | 'dzsZero'> = { dcsZero: false, dzsZero: false },
): void {
  const [m, n] = mn;
  const k = b.shape[0]!;
  const a4 = k % 4 === 0, b4 = n % 4 === 0;
  const key = `lstmseq:${pass}:${a.activation}:${a.innerActivation}:${zeros.dcsZero ? 'dc0' : 'dc'}:${zeros.dzsZero ? 'dz0' : 'dz'}`;
  gemmGpu(ctx, 'lstmSequence', key, lstmSequenceHooks(a, pass, a4, b4, zeros), lstmSequenceUniforms(a.units, steps, t), [buffers[0]!, b.buffer, ...buffers.slice(1)], { m, n, k, batches: 1, repeated: true });
}

const NN = { transposeA: false, transposeB: false };

/**
 * A whole LSTM sequence (see lstmSequenceCpu): U's columns are permuted once (gate g of unit j
 * to column 4j + g, in scratch 'lstm:u'), then per step one dispatch: the GEMM h_{t−1}·U with
 * the cell as epilogue, reading h_{t−1} from hs (h0 first) and writing h_t there.
 */
export function lstmSequenceGpu(ctx: GpuContext, xw: GpuTensor, w: GpuTensor, h0: GpuTensor, c0: GpuTensor, hs: GpuTensor, cs: GpuTensor, z: GpuTensor, a: LstmCellAttrs): void {
  const [batch, steps] = xw.shape as [number, number];
  const u = a.units;
  const up = scratch(ctx, 'lstm:u', [u, u, 4]);
  transposeGpu(ctx, { ...w, shape: [u, 4, u] }, [0, 2, 1], up);
  const bMatrix = { ...up, shape: [u, 4 * u] };
  for (let t = 0; t < steps; t++)
    fusedStep(ctx, 'forward', a, t, steps, bMatrix, [hs.buffer, xw.buffer, cs.buffer, z.buffer, c0.buffer, h0.buffer], [batch, 4 * u]);
}

/**
 * Its backward (see lstmSequenceGradCpu): dz starts as dzs (a copy, unless dzs is known zeros);
 * U is transposed once (scratch 'lstm:ut'); from the last step, per step one dispatch: the GEMM
 * dz_{t+1}·Uᵀ (from dz itself) with the cell's backward as epilogue, the cell gradient of every
 * step kept in scratch 'lstm:dcs'; then dh0 = dz_0·Uᵀ and dc0 (the first step's rows, copied out).
 */
export function lstmSequenceGradGpu(
  ctx: GpuContext, w: GpuTensor, z: GpuTensor, cs: GpuTensor, c0: GpuTensor, dhs: GpuTensor, dcs: GpuTensor, dzs: GpuTensor,
  dz: GpuTensor, dh0: GpuTensor, dc0: GpuTensor, a: LstmSequenceGradAttrs,
): void {
  const [batch, steps] = z.shape as [number, number];
  const u = a.units;
  const ut = scratch(ctx, 'lstm:ut', [4 * u, u]), dcSteps = scratch(ctx, 'lstm:dcs', [batch, steps, u]);
  if (!a.dzsZero) copyTensor(ctx, dzs, dz);
  transposeGpu(ctx, w, [1, 0], ut);
  for (let t = steps - 1; t >= 0; t--)
    fusedStep(ctx, 'backward', a, t, steps, ut, [dz.buffer, z.buffer, c0.buffer, cs.buffer, dhs.buffer, ...(a.dcsZero ? [] : [dcs.buffer]), dcSteps.buffer], [batch, u], a);
  const dz0 = scratch(ctx, 'lstm:dz0', [batch, 4 * u]);
  sliceGpu(ctx, dz, [0, 0, 0], [batch, 1, 4 * u], dz0);
  matMulGpu(ctx, dz0, ut, NN, dh0);
  sliceGpu(ctx, dcSteps, [0, 0, 0], [batch, 1, u], dc0);
}

function copyTensor(ctx: GpuContext, src: GpuTensor, dst: GpuTensor): void {
  const bytes = sizeOf(src.shape) * GPU_ELEMENT_BYTES;
  if (bytes > 0) ctx.copy(src.buffer, 0, dst.buffer, 0, bytes);
}
