import type {
  AffineResampleAttrs, ArgReduceOp, BinaryOp, Conv2DGeometry, DType, LstmCellAttrs, LstmSequenceGradAttrs, RandomAttrs, ReduceOp, UnaryOp,
} from '@kerasgpu/kernels';

/**
 * The closed set of primitive ops and their attributes. Backends implement a kernel for every
 * primitive (except views, which the engine does itself) and `gradients.ts` a VJP for every one,
 * both as `Record`s over this type, so a primitive without a kernel or a gradient does not compile.
 * `PRIMITIVE_SIGNATURES` below names each one's inputs and outputs.
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
  lstmSequenceGrad: LstmSequenceGradAttrs;
  softmaxCrossEntropy: Record<string, never>;
  softmaxCrossEntropyGrad: Record<string, never>;
  random: RandomAttrs;
  affineResample: AffineResampleAttrs;
}
export type Primitive = keyof PrimitiveAttrs;
/** Primitives the engine performs without a backend kernel (they share storage). */
export type ViewPrimitive = 'reshape';
export type KernelPrimitive = Exclude<Primitive, ViewPrimitive>;

/**
 * Each primitive's inputs and outputs by name, in the order the engine stores them (tape nodes,
 * `Backend.run`). This table is the only place that order is written: ops pass named records,
 * backend kernels and VJPs destructure them, and `toNamed`/`toPositional` convert. A name
 * written '...xs' takes all remaining inputs as one list (concat's).
 */
export const PRIMITIVE_SIGNATURES = {
  reshape: { inputs: ['x'], outputs: ['y'] },
  unary: { inputs: ['x'], outputs: ['y'] },
  binary: { inputs: ['a', 'b'], outputs: ['y'] },
  where: { inputs: ['condition', 'a', 'b'], outputs: ['y'] },
  cast: { inputs: ['x'], outputs: ['y'] },
  reduce: { inputs: ['x'], outputs: ['y'] },
  argReduce: { inputs: ['x'], outputs: ['y'] },
  transpose: { inputs: ['x'], outputs: ['y'] },
  slice: { inputs: ['x'], outputs: ['y'] },
  concat: { inputs: ['...xs'], outputs: ['y'] },
  pad: { inputs: ['x'], outputs: ['y'] },
  tile: { inputs: ['x'], outputs: ['y'] },
  gather: { inputs: ['x', 'indices'], outputs: ['y'] },
  scatterAdd: { inputs: ['updates', 'indices'], outputs: ['y'] },
  matMul: { inputs: ['a', 'b'], outputs: ['y'] },
  softmax: { inputs: ['x'], outputs: ['y'] },
  conv2d: { inputs: ['x', 'filter'], outputs: ['y'] },
  conv2dBackpropInput: { inputs: ['dy', 'filter'], outputs: ['dx'] },
  conv2dBackpropFilter: { inputs: ['x', 'dy'], outputs: ['dFilter'] },
  maxPool2d: { inputs: ['x'], outputs: ['y'] },
  maxPool2dGrad: { inputs: ['dy', 'x'], outputs: ['dx'] },
  avgPool2d: { inputs: ['x'], outputs: ['y'] },
  avgPool2dGrad: { inputs: ['dy'], outputs: ['dx'] },
  lstmCell: { inputs: ['xw', 'hu', 'bias', 'c'], outputs: ['h', 'cNext'] },
  lstmCellGrad: { inputs: ['xw', 'hu', 'bias', 'c', 'dh', 'dcNext'], outputs: ['dz', 'dc'] },
  lstmSequence: { inputs: ['xw', 'u', 'h0', 'c0'], outputs: ['hs', 'cs', 'z'] },
  lstmSequenceGrad: { inputs: ['u', 'z', 'cs', 'c0', 'dhs', 'dcs', 'dzs'], outputs: ['dz', 'dh0', 'dc0'] },
  softmaxCrossEntropy: { inputs: ['logits', 'labels'], outputs: ['loss'] },
  softmaxCrossEntropyGrad: { inputs: ['logits', 'labels', 'dLoss'], outputs: ['dLogits', 'dLabels'] },
  random: { inputs: [], outputs: ['y'] },
  affineResample: { inputs: ['images', 'matrices'], outputs: ['y'] },
} as const satisfies { [P in Primitive]: { inputs: readonly string[]; outputs: readonly string[] } };

type Signature<P extends Primitive> = (typeof PRIMITIVE_SIGNATURES)[P];
type Side = 'inputs' | 'outputs';

/** P's inputs by name, each a T ('...xs': a list of T). A misspelled name does not compile. */
export type PrimitiveInputs<P extends Primitive, T> = {
  [N in Signature<P>['inputs'][number] as N extends `...${infer R}` ? R : N]: N extends `...${string}` ? readonly T[] : T
};
/** P's outputs by name, each a T. */
export type PrimitiveOutputs<P extends Primitive, T> = { [N in Signature<P>['outputs'][number]]: T };
type Named<P extends Primitive, S extends Side, T> = S extends 'inputs' ? PrimitiveInputs<P, T> : PrimitiveOutputs<P, T>;
/** Primitives with one output (`run1`). */
export type SingleOutputPrimitive = { [P in Primitive]: Signature<P>['outputs'] extends readonly [string] ? P : never }[Primitive];

const REST = '...';

/** A named record as the positional list the engine stores (signature order, the rest spread last). */
export function toPositional<P extends Primitive, S extends Side, T>(prim: P, side: S, named: Named<P, S, T>): T[] {
  const r = named as Record<string, T | readonly T[]>;
  const names: readonly string[] = PRIMITIVE_SIGNATURES[prim][side];
  return names.flatMap((n) => (n.startsWith(REST) ? r[n.slice(REST.length)] as T[] : [r[n] as T]));
}

/** A positional list (signature order) as the named record kernels and VJPs destructure. */
export function toNamed<P extends Primitive, S extends Side, T>(prim: P, side: S, list: readonly T[]): Named<P, S, T> {
  const r: Record<string, T | T[]> = {};
  const names: readonly string[] = PRIMITIVE_SIGNATURES[prim][side];
  names.forEach((n, i) => {
    if (n.startsWith(REST)) r[n.slice(REST.length)] = list.slice(i);
    else r[n] = list[i]!;
  });
  return r as Named<P, S, T>;
}
