import { engine } from './engine.js';
import type { Tensor } from './tensor.js';

export type { DType, DataArray } from '@kerasgpu/kernels';
// What the packages above need from the kernels on plain numbers and arrays, so that their imports
// point one layer down (DESIGN.md §1): window geometry for layer shapes, the layout loops io uses
// to convert stored weights, and the values affineResample accepts.
export { windowAxis, concatCpu, transposeCpu, AFFINE_ROW_VALUES, FILL_MODES, type Padding, type FillMode } from '@kerasgpu/kernels';
export { Tensor, Variable, type NestedArray } from './tensor.js';
export type { Backend, Storage, TensorInfo, OutputSpec, DynamicArgs, RecordedStep, StepRecorder } from './backend.js';
export type { Primitive, PrimitiveAttrs } from './primitives.js';
export {
  BackendError, DTypeError, DisposedTensorError, GradientError, KerasGpuError, ShapeError,
} from './errors.js';
export { broadcastShapes, type Shape } from './shape.js';
export { init, ready, setBackend, getBackend, deviceStats, backendDescription, registerBackend, registerInitStep, type BackendName, type InitOptions } from './backends/select.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads, variable } from './autograd.js';
export { tensor, type TensorLike } from './ops/convert.js';
export {
  eye, fill, ones, onesLike, randint, randomNormal, randomUniform, range,
  truncatedNormal, zeros, zerosLike,
} from './ops/creation.js';
export {
  RandomStream, foldIn, nextKey, normalAt, permutation, randomKey, setSeed, splitKey, uniformAt,
  type RandomKey, type Seed,
} from './random.js';
export {
  abs, add, binary, cast, clip, div, elu, equal, exp, floor, greater,
  greaterEqual, hardSigmoid, less, lessEqual, linear, log, log1p, logicalAnd, logicalOr, maximum,
  minimum, mul, neg, notEqual, pow, reciprocal, relu, round, selu, sigmoid, sign, softplus,
  softsign, sqrt, square, step, sub, tanh, unary, where,
} from './ops/elementwise.js';
export { KERAS_ACTIVATIONS, fusedCellActivation } from './ops/activations.js';
export {
  argMax, argMin, argReduce, logSumExp, max, mean, min, prod, reduce, sum,
} from './ops/reduce.js';
export {
  concat, expandDims, gather, oneHot, pad, reshape,
  scatterAdd, slice, split, squeeze, stack, tile, transpose,
  unstack,
} from './ops/layout.js';
export { broadcastTo } from './ops/broadcast.js';
export { matMul } from './ops/matmul.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export { conv2d, conv2dTranspose, maxPool2d, avgPool2d, type Conv2DOptions, type Pool2DOptions } from './ops/conv.js';
export { lstmCell, lstmSequence, type LstmCellOptions } from './ops/lstm.js';
export { dropout } from './ops/dropout.js';
export { traceStep, canReplaySteps, ownCopies, fillVariable, CompiledStep, type StepValues, type Traced } from './jit.js';
export { StepProgram, type TraceOp, type SlotInfo } from './trace.js';
export { softmaxCrossEntropy } from './ops/loss.js';
export { affineResample, type AffineResampleOptions } from './ops/image.js';
export { applyOptimizerUpdate, applyOptimizerUpdates, OPTIMIZER_SLOTS, nadamMomentumCache, type OptimizerHyper, type OptimizerRuleName, type OptimizerUpdate } from './ops/optimizer.js';

/** Disposes every tensor fn creates except those it returns (synchronous fn only). */
export const tidy = <T>(fn: () => T): T => engine.tidy(fn);
/** Exempts a tensor from the enclosing tidy scopes. */
export const keep = <T extends Tensor>(t: T): T => engine.keep(t);
/** Live tensors and bytes, plus the backend pool's buffers and pooled bytes. */
export const memory = () => engine.memory();
/** Resolves when the active backend has finished all queued work. */
export const sync = (): Promise<void> => engine.backend.sync();
/** Destroys the GPU buffers pooled for reuse (`memory().numPooledBytes` drops to the unsettled rest). */
export const releaseCachedMemory = (): Promise<void> => engine.backend.releaseCachedMemory();
export function dispose(x: Tensor | readonly Tensor[]): void {
  for (const t of Array.isArray(x) ? x : [x]) t.dispose();
}
