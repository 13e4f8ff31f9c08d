import type { GpuContext } from '../webgpu/context.js';
import { sizeOf } from '../shape.js';
import { concatGpu, transposeGpu } from '../layout/layout.webgpu.js';
import { gemmGpu, matMulGpu } from '../matmul/matmul.webgpu.js';
import { dispatchFlat, GPU_ELEMENT_BYTES, type GpuTensor } from '../webgpu/wgsl.js';
import { scratch } from '../webgpu/scratch.js';
import type { LstmCellAttrs } from './lstm.cpu.js';
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

// Scratch buffers (webgpu/scratch.ts) hold one step's contiguous GEMM operands, named 'lstm:*'.
/** Two scratch buffers of one shape; state(i) is the one read by step i (and written by step i − 1). */
function pingPong(ctx: GpuContext, name: string, shape: number[]): (i: number) => GpuTensor {
  const pair = [scratch(ctx, `lstm:${name}0`, shape), scratch(ctx, `lstm:${name}1`, shape)];
  return (i) => pair[i % 2]!;
}

function copyTensor(ctx: GpuContext, src: GpuTensor, dst: GpuTensor): void {
  const bytes = sizeOf(src.shape) * GPU_ELEMENT_BYTES;
  if (bytes > 0) ctx.copy(src.buffer, 0, dst.buffer, 0, bytes);
}

/** Records step t: the recurrent GEMM of the previous state with the cell as its epilogue. */
function fusedStep(ctx: GpuContext, pass: LstmSequencePass, a: LstmCellAttrs, t: number, steps: number, b: GpuTensor, buffers: GPUBuffer[], mn: [number, number]): void {
  const [m, n] = mn;
  const k = b.shape[0]!;
  const a4 = k % 4 === 0, b4 = n % 4 === 0;
  const key = `lstmseq:${pass}:${a.activation}:${a.innerActivation}`;
  gemmGpu(ctx, 'lstmSequence', key, lstmSequenceHooks(a, pass, a4, b4), lstmSequenceUniforms(a.units, steps, t), [buffers[0]!, b.buffer, ...buffers.slice(1)], { m, n, k, batches: 1, repeated: true });
}

const NN = { transposeA: false, transposeB: false };

/**
 * A whole LSTM sequence (see lstmSequenceCpu): U's columns are permuted once (gate g of unit j
 * to column 4j + g), then per step one dispatch: the GEMM h_{t−1}·U with the cell as epilogue,
 * ping-ponging the [h; c] state between two scratch buffers.
 */
export function lstmSequenceGpu(
  ctx: GpuContext, xw: GpuTensor, w: GpuTensor, bias: GpuTensor, h0: GpuTensor, c0: GpuTensor,
  hs: GpuTensor, cs: GpuTensor, z: GpuTensor, a: LstmCellAttrs,
): void {
  const [batch, steps] = xw.shape as [number, number];
  const u = a.units;
  const up = scratch(ctx, 'lstm:u', [u, u, 4]);
  transposeGpu(ctx, { ...w, shape: [u, 4, u] }, [0, 2, 1], up);
  const state = pingPong(ctx, 'state', [2, batch, u]);
  const half = batch * u * GPU_ELEMENT_BYTES;
  if (half > 0) {
    ctx.copy(h0.buffer, 0, state(0).buffer, 0, half);
    ctx.copy(c0.buffer, 0, state(0).buffer, half, half);
  }
  const bMatrix = { ...up, shape: [u, 4 * u] };
  for (let t = 0; t < steps; t++)
    fusedStep(ctx, 'forward', a, t, steps, bMatrix, [state(t).buffer, xw.buffer, bias.buffer, hs.buffer, cs.buffer, z.buffer, state(t + 1).buffer], [batch, 4 * u]);
}

/**
 * Its backward (see lstmSequenceGradCpu): dz starts as dzs (a copy); U is transposed once; from
 * the last step, per step one dispatch: the GEMM dz_{t+1}·Uᵀ with the cell's backward as
 * epilogue, ping-ponging the [dz; dc] state (zero before step T−1); then dh0 = dz_0·Uᵀ and dc0.
 * dhs and dcs are joined per element into one scratch tensor first.
 */
export function lstmSequenceGradGpu(
  ctx: GpuContext, w: GpuTensor, z: GpuTensor, cs: GpuTensor, c0: GpuTensor, dhs: GpuTensor, dcs: GpuTensor, dzs: GpuTensor,
  dz: GpuTensor, dh0: GpuTensor, dc0: GpuTensor, a: LstmCellAttrs,
): void {
  const [batch, steps] = z.shape as [number, number];
  const u = a.units;
  const dst = scratch(ctx, 'lstm:dstate', [batch, steps, 2 * u]), ut = scratch(ctx, 'lstm:ut', [4 * u, u]);
  const state = pingPong(ctx, 'grad', [batch, 5 * u]);
  const zeros = scratch(ctx, 'lstm:zeros', [batch, 5 * u]); // never written: created zero-filled
  concatGpu(ctx, [dhs, dcs], 2, dst);
  copyTensor(ctx, dzs, dz);
  transposeGpu(ctx, w, [1, 0], ut);
  copyTensor(ctx, zeros, state(0));
  for (let i = 0; i < steps; i++)
    fusedStep(ctx, 'backward', a, steps - 1 - i, steps, ut, [state(i).buffer, z.buffer, c0.buffer, cs.buffer, dst.buffer, dz.buffer, state(i + 1).buffer], [batch, u]);
  const last = state(steps);
  matMulGpu(ctx, { ...last, shape: [batch, 4 * u] }, ut, NN, dh0);
  const dcBytes = batch * u * GPU_ELEMENT_BYTES;
  if (dcBytes > 0) ctx.copy(last.buffer, batch * 4 * u * GPU_ELEMENT_BYTES, dc0.buffer, 0, dcBytes);
}
