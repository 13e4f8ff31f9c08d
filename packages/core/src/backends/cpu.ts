import * as K from '@kerasgpu/kernels';
import { allocArray, sizeOf, type DataArray, type DType } from '@kerasgpu/kernels';
import type { Backend, OutputSpec, Storage, TensorInfo, UpdateOperands } from '../backend.js';
import { toNamed, type KernelPrimitive, type PrimitiveAttrs, type PrimitiveInputs, type PrimitiveOutputs } from '../primitives.js';

/** A tensor as the reference kernels see it: its elements and shape. */
interface CpuTensor extends OutputSpec { readonly data: DataArray }
type CpuKernel<P extends KernelPrimitive> = (inputs: PrimitiveInputs<P, CpuTensor>, attrs: PrimitiveAttrs[P], outputs: PrimitiveOutputs<P, CpuTensor>) => void;

const lastDim = (t: CpuTensor) => t.shape[t.shape.length - 1]!;

/** The reference kernels of `@kerasgpu/kernels` (*.cpu.ts), one per primitive. */
const KERNELS: { [P in KernelPrimitive]: CpuKernel<P> } = {
  unary: ({ x }, a, { y }) => K.unaryCpu(a.op, x.data, y.data),
  binary: ({ a, b }, at, { y }) => K.binaryCpu(at.op, a.data, a.shape, b.data, b.shape, y.data, y.shape),
  where: ({ condition: c, a, b }, _, { y }) => K.whereCpu(c.data, c.shape, a.data, a.shape, b.data, b.shape, y.data, y.shape),
  cast: ({ x }, _, { y }) => K.castCpu(x.data, y.data),
  reduce: ({ x }, a, { y }) => K.reduceCpu(a.op, x.data, x.shape, a.axes, y.data),
  argReduce: ({ x }, a, { y }) => K.argReduceCpu(a.op, x.data, x.shape, a.axis, y.data),
  transpose: ({ x }, a, { y }) => K.transposeCpu(x.data, x.shape, a.perm, y.data),
  slice: ({ x }, a, { y }) => K.sliceCpu(x.data, x.shape, a.begin, a.size, y.data),
  concat: ({ xs }, a, { y }) => K.concatCpu(xs.map((x) => x.data), xs.map((x) => x.shape), a.axis, y.data),
  pad: ({ x }, a, { y }) => K.padCpu(x.data, x.shape, a.paddings, a.value, y.data),
  tile: ({ x }, a, { y }) => K.tileCpu(x.data, x.shape, a.reps, y.data),
  gather: ({ x, indices }, a, { y }) => K.gatherCpu(x.data, x.shape, indices.data, a.axis, y.data),
  scatterAdd: ({ updates, indices }, a, { y }) => K.scatterAddCpu(updates.data, indices.data, a.shape, a.axis, y.data),
  matMul: ({ a, b }, at, { y }) => K.matMulCpu(a.data, b.data, y.data, matMulGeometry(a.shape, b.shape, at, y.shape)),
  softmax: ({ x }, a, { y }) => K.softmaxCpu(x.data, lastDim(x), a.log, y.data),
  conv2d: ({ x, filter }, g, { y }) => K.conv2dCpu(x.data, filter.data, y.data, g),
  conv2dBackpropInput: ({ dy, filter }, g, { dx }) => K.conv2dBackpropInputCpu(dy.data, filter.data, dx.data, g),
  conv2dBackpropFilter: ({ x, dy }, g, { dFilter }) => K.conv2dBackpropFilterCpu(x.data, dy.data, dFilter.data, g),
  maxPool2d: ({ x }, g, { y }) => K.maxPoolCpu(x.data, y.data, g),
  maxPool2dGrad: ({ dy, x }, g, { dx }) => K.maxPoolGradCpu(dy.data, x.data, dx.data, g),
  avgPool2d: ({ x }, g, { y }) => K.avgPoolCpu(x.data, y.data, g),
  avgPool2dGrad: ({ dy }, g, { dx }) => K.avgPoolGradCpu(dy.data, dx.data, g),
  lstmCell: ({ xw, hu, bias, c }, a, { h, cNext }) => K.lstmCellCpu(xw.data, hu.data, bias.data, c.data, h.data, cNext.data, a),
  lstmCellGrad: ({ xw, hu, bias, c, dh, dcNext }, a, { dz, dc }) =>
    K.lstmCellGradCpu(xw.data, hu.data, bias.data, c.data, dh.data, dcNext.data, dz.data, dc.data, a),
  lstmSequence: ({ xw, u, h0, c0 }, a, { hs, cs, z }) =>
    K.lstmSequenceCpu(xw.data, u.data, h0.data, c0.data, hs.data, cs.data, z.data, xw.shape[1]!, a),
  lstmSequenceGrad: ({ u, z, cs, c0, dhs, dcs, dzs }, a, { dz, dh0, dc0 }) =>
    K.lstmSequenceGradCpu(u.data, z.data, cs.data, c0.data, dhs.data, dcs.data, dzs.data, dz.data, dh0.data, dc0.data, z.shape[1]!, a),
  softmaxCrossEntropy: ({ logits, labels }, _, { loss }) => K.softmaxCrossEntropyCpu(logits.data, labels.data, lastDim(logits), loss.data),
  softmaxCrossEntropyGrad: ({ logits, labels, dLoss }, _, { dLogits, dLabels }) =>
    K.softmaxCrossEntropyGradCpu(logits.data, labels.data, dLoss.data, lastDim(logits), dLogits.data, dLabels.data),
  random: (_, a, { y }) => K.randomCpu(a, y.data),
  affineResample: ({ images, matrices }, a, { y }) => K.affineResampleCpu(images.data, images.shape, matrices.data, a, y.data),
};

/**
 * For each output batch of a broadcast batched matmul, which A and B matrices it reads: the
 * batch dims of out, A and B are right-aligned and size-1 dims repeat.
 */
export function matMulGeometry(aShape: readonly number[], bShape: readonly number[], at: PrimitiveAttrs['matMul'], outShape: readonly number[]): K.MatMulGeometry {
  const r = outShape.length;
  const m = outShape[r - 2]!, n = outShape[r - 1]!;
  const k = at.transposeA ? aShape[aShape.length - 2]! : aShape[aShape.length - 1]!;
  const batchShape = outShape.slice(0, -2);
  const batchIndex = (s: readonly number[]) => {
    const own = s.slice(0, -2);
    const strides = K.broadcastStrides(own.length ? own : [1], batchShape.length ? batchShape : [1]);
    const out: number[] = [];
    K.forEachIndex(batchShape.length ? batchShape : [1], [strides], (_, [i]) => { out.push(i!); });
    return out;
  };
  return { m, n, k, transposeA: at.transposeA, transposeB: at.transposeB, aBatch: batchIndex(aShape), bBatch: batchIndex(bShape) };
}

/** The reference backend: TypedArrays and plain loops. Supports float64 for gradient checks. */
export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;

  supportsDType(_dtype: DType): boolean {
    return true;
  }

  upload(values: DataArray, dtype: DType): Storage {
    const a = allocArray(dtype, values.length);
    a.set(values);
    return a;
  }

  write(storage: Storage, values: DataArray, _dtype: DType): void {
    (storage as DataArray).set(values);
  }

  async read(storage: Storage, dtype: DType, size: number): Promise<DataArray> {
    const a = allocArray(dtype, size);
    a.set(storage as DataArray);
    return a;
  }

  free(_storage: Storage): void {}

  run<P extends KernelPrimitive>(prim: P, inputs: readonly TensorInfo[], attrs: PrimitiveAttrs[P], outputs: readonly OutputSpec[]): Storage[] {
    const out = outputs.map((o) => allocArray(o.dtype, sizeOf(o.shape)));
    const ins = inputs.map((i): CpuTensor => ({ data: i.storage as DataArray, shape: i.shape, dtype: i.dtype }));
    const outs = outputs.map((o, k): CpuTensor => ({ data: out[k]!, shape: o.shape, dtype: o.dtype }));
    (KERNELS[prim] as CpuKernel<P>)(toNamed(prim, 'inputs', ins), attrs, toNamed(prim, 'outputs', outs));
    return out;
  }

  updatesInPlace<R extends K.OptimizerRuleName>(rule: R, hyper: K.OptimizerHyper[R], updates: readonly UpdateOperands[]): void {
    for (const { param, grad, slots } of updates) {
      K.optimizerUpdateCpu(rule, hyper, param.storage as DataArray, grad.storage as DataArray, slots.map((s) => s.storage as DataArray));
    }
  }

  memory(): { numBuffers: number; numPooledBytes: number } {
    return { numBuffers: 0, numPooledBytes: 0 };
  }

  async sync(): Promise<void> {}
  async releaseCachedMemory(): Promise<void> {}
}
