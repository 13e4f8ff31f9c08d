import type { Primitive } from './primitives.js';
import type { Vjp } from './ops/run.js';
import { binaryVjp, castVjp, unaryVjp, whereVjp } from './ops/elementwise.js';
import { argReduceVjp, reduceVjp } from './ops/reduce.js';
import { concatVjp, gatherVjp, padVjp, reshapeVjp, scatterAddVjp, sliceVjp, tileVjp, transposeVjp } from './ops/layout.js';
import { matMulVjp } from './ops/matmul.js';
import { softmaxVjp } from './ops/softmax.js';
import {
  avgPool2dGradVjp, avgPool2dVjp, conv2dBackpropFilterVjp, conv2dBackpropInputVjp, conv2dVjp, maxPool2dGradVjp, maxPool2dVjp,
} from './ops/conv.js';
import { lstmCellGradVjp, lstmCellVjp, lstmSequenceGradVjp, lstmSequenceVjp } from './ops/lstm.js';
import { randomVjp } from './ops/creation.js';
import { softmaxCrossEntropyGradVjp, softmaxCrossEntropyVjp } from './ops/loss.js';
import { affineResampleVjp } from './ops/image.js';

/** Every primitive's VJP (each defined beside its op); the type makes the table complete. */
export const VJPS: { [P in Primitive]: Vjp<P> } = {
  reshape: reshapeVjp,
  unary: unaryVjp,
  binary: binaryVjp,
  where: whereVjp,
  cast: castVjp,
  reduce: reduceVjp,
  argReduce: argReduceVjp,
  transpose: transposeVjp,
  slice: sliceVjp,
  concat: concatVjp,
  pad: padVjp,
  tile: tileVjp,
  gather: gatherVjp,
  scatterAdd: scatterAddVjp,
  matMul: matMulVjp,
  softmax: softmaxVjp,
  conv2d: conv2dVjp,
  conv2dBackpropInput: conv2dBackpropInputVjp,
  conv2dBackpropFilter: conv2dBackpropFilterVjp,
  maxPool2d: maxPool2dVjp,
  maxPool2dGrad: maxPool2dGradVjp,
  avgPool2d: avgPool2dVjp,
  avgPool2dGrad: avgPool2dGradVjp,
  lstmCell: lstmCellVjp,
  lstmCellGrad: lstmCellGradVjp,
  lstmSequence: lstmSequenceVjp,
  lstmSequenceGrad: lstmSequenceGradVjp,
  softmaxCrossEntropy: softmaxCrossEntropyVjp,
  softmaxCrossEntropyGrad: softmaxCrossEntropyGradVjp,
  random: randomVjp,
  affineResample: affineResampleVjp,
};
