import type {
  AffineResampleAttrs, ArgReduceOp, BinaryOp, Conv2DGeometry, DType, LstmCellAttrs, RandomAttrs, ReduceOp, UnaryOp,
} from '@kerasgpu/kernels';

/**
 * The closed set of primitive ops and their attributes. Backends implement a kernel for every
 * primitive (except views, which the engine does itself) and `gradients.ts` a VJP for every one,
 * both as `Record`s over this type, so a primitive without a kernel or a gradient does not compile.
 * Everything else (mean, logSumExp, stack, oneHot, dropout, ...) is composed from these.
 */
export interface PrimitiveAttrs {
  reshape: { shape: number[] };
  unary: { op: UnaryOp };
  binary: { op: BinaryOp };
  where: Record<string, never>;
  cast: { dtype: DType };
  reduce: { op: ReduceOp; axes: number[] };
  argReduce: { op: ArgReduceOp; axis: number };
  transpose: { perm: number[] };
  slice: { begin: number[]; size: number[] };
  concat: { axis: number };
  pad: { paddings: [number, number][]; value: number };
  tile: { reps: number[] };
  gather: { axis: number };
  scatterAdd: { axis: number; shape: number[] };
  matMul: { transposeA: boolean; transposeB: boolean };
  softmax: { log: boolean };
  conv2d: Conv2DGeometry;
  conv2dBackpropInput: Conv2DGeometry;
  conv2dBackpropFilter: Conv2DGeometry;
  maxPool2d: Conv2DGeometry;
  maxPool2dGrad: Conv2DGeometry;
  avgPool2d: Conv2DGeometry;
  avgPool2dGrad: Conv2DGeometry;
  lstmCell: LstmCellAttrs;
  lstmCellGrad: LstmCellAttrs;
  lstmSequence: LstmCellAttrs;
  lstmSequenceGrad: LstmCellAttrs;
  softmaxCrossEntropy: Record<string, never>;
  softmaxCrossEntropyGrad: Record<string, never>;
  random: RandomAttrs;
  affineResample: AffineResampleAttrs;
}
export type Primitive = keyof PrimitiveAttrs;
/** Primitives the engine performs without a backend kernel (they share storage). */
export type ViewPrimitive = 'reshape';
export type KernelPrimitive = Exclude<Primitive, ViewPrimitive>;
