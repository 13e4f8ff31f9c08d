import * as K from '@kerasgpu/kernels';
import { allocArray, sizeOf, type DataArray, type DType } from '@kerasgpu/kernels';
import type { Backend, OutputSpec, Storage, TensorInfo } from '../backend.js';
import type { KernelPrimitive, PrimitiveAttrs } from '../primitives.js';

type CpuKernel<P extends KernelPrimitive> = (x: DataArray[], inputs: readonly TensorInfo[], attrs: PrimitiveAttrs[P], out: DataArray[], outputs: readonly OutputSpec[]) => void;

/** The reference kernels of `@kerasgpu/kernels` (*.cpu.ts), one per primitive. */
const KERNELS: { [P in KernelPrimitive]: CpuKernel<P> } = {
  unary: ([x], _, a, [y]) => K.unaryCpu(a.op, x!, y!),
  binary: ([a, b], [ia, ib], at, [y], [o]) => K.binaryCpu(at.op, a!, ia!.shape, b!, ib!.shape, y!, o!.shape),
  where: ([c, a, b], [ic, ia, ib], _, [y], [o]) => K.whereCpu(c!, ic!.shape, a!, ia!.shape, b!, ib!.shape, y!, o!.shape),
  cast: ([x], _, __, [y]) => K.castCpu(x!, y!),
  reduce: ([x], [ix], a, [y]) => K.reduceCpu(a.op, x!, ix!.shape, a.axes, y!),
  argReduce: ([x], [ix], a, [y]) => K.argReduceCpu(a.op, x!, ix!.shape, a.axis, y!),
  transpose: ([x], [ix], a, [y]) => K.transposeCpu(x!, ix!.shape, a.perm, y!),
  slice: ([x], [ix], a, [y]) => K.sliceCpu(x!, ix!.shape, a.begin, a.size, y!),
  concat: (xs, ins, a, [y]) => K.concatCpu(xs, ins.map((i) => i.shape), a.axis, y!),
  pad: ([x], [ix], a, [y]) => K.padCpu(x!, ix!.shape, a.paddings, a.value, y!),
  tile: ([x], [ix], a, [y]) => K.tileCpu(x!, ix!.shape, a.reps, y!),
  gather: ([x, idx], [ix], a, [y]) => K.gatherCpu(x!, ix!.shape, idx!, a.axis, y!),
  scatterAdd: ([u, idx], _, a, [y]) => K.scatterAddCpu(u!, idx!, a.shape, a.axis, y!),
  matMul: ([a, b], [ia, ib], at, [y], [o]) => K.matMulCpu(a!, b!, y!, matMulGeometry(ia!.shape, ib!.shape, at, o!.shape)),
  softmax: ([x], [ix], a, [y]) => K.softmaxCpu(x!, ix!.shape[ix!.shape.length - 1]!, a.log, y!),
  conv2d: ([x, w], _, g, [y]) => K.conv2dCpu(x!, w!, y!, g),
  conv2dBackpropInput: ([dy, w], _, g, [dx]) => K.conv2dBackpropInputCpu(dy!, w!, dx!, g),
  conv2dBackpropFilter: ([x, dy], _, g, [dw]) => K.conv2dBackpropFilterCpu(x!, dy!, dw!, g),
  maxPool2d: ([x], _, g, [y]) => K.maxPoolCpu(x!, y!, g),
  maxPool2dGrad: ([dy, x], _, g, [dx]) => K.maxPoolGradCpu(dy!, x!, dx!, g),
  avgPool2d: ([x], _, g, [y]) => K.avgPoolCpu(x!, y!, g),
  avgPool2dGrad: ([dy], _, g, [dx]) => K.avgPoolGradCpu(dy!, dx!, g),
  lstmCell: ([xw, hu, b, c], _, a, [h, cOut]) => K.lstmCellCpu(xw!, hu!, b!, c!, h!, cOut!, a),
  lstmCellGrad: ([xw, hu, b, c, dh, dc], _, a, [dz, dcPrev]) => K.lstmCellGradCpu(xw!, hu!, b!, c!, dh!, dc!, dz!, dcPrev!, a),
  lstmSequence: ([xw, w, b, h0, c0], [ixw], a, [hs, cs, z]) => K.lstmSequenceCpu(xw!, w!, b!, h0!, c0!, hs!, cs!, z!, ixw!.shape[1]!, a),
  lstmSequenceGrad: ([w, z, cs, c0, dhs, dcs, dzs], [, iz], a, [dz, dh0, dc0]) => K.lstmSequenceGradCpu(w!, z!, cs!, c0!, dhs!, dcs!, dzs!, dz!, dh0!, dc0!, iz!.shape[1]!, a),
  softmaxCrossEntropy: ([z, y], [iz], _, [l]) => K.softmaxCrossEntropyCpu(z!, y!, iz!.shape[iz!.shape.length - 1]!, l!),
  softmaxCrossEntropyGrad: ([z, y, dl], [iz], _, [dz, dy]) => K.softmaxCrossEntropyGradCpu(z!, y!, dl!, iz!.shape[iz!.shape.length - 1]!, dz!, dy!),
  random: (_, __, a, [y]) => K.randomCpu(a, y!),
  affineResample: ([x, m], [ix], a, [y]) => K.affineResampleCpu(x!, ix!.shape, m!, a, y!),
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

  async read(storage: Storage, dtype: DType, size: number): Promise<DataArray> {
    const a = allocArray(dtype, size);
    a.set(storage as DataArray);
    return a;
  }

  free(_storage: Storage): void {}

  run<P extends KernelPrimitive>(prim: P, inputs: readonly TensorInfo[], attrs: PrimitiveAttrs[P], outputs: readonly OutputSpec[]): Storage[] {
    const out = outputs.map((o) => allocArray(o.dtype, sizeOf(o.shape)));
    (KERNELS[prim] as CpuKernel<P>)(inputs.map((i) => i.storage as DataArray), inputs, attrs, out, outputs);
    return out;
  }

  updateInPlace<R extends K.OptimizerRuleName>(rule: R, hyper: K.OptimizerHyper[R], param: TensorInfo, grad: TensorInfo, slots: readonly TensorInfo[]): void {
    K.optimizerUpdateCpu(rule, hyper, param.storage as DataArray, grad.storage as DataArray, slots.map((s) => s.storage as DataArray));
  }

  memory(): { numBuffers: number; numPooledBytes: number } {
    return { numBuffers: 0, numPooledBytes: 0 };
  }

  async sync(): Promise<void> {}
}
