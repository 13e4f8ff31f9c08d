/**
 * @kerasgpu/layers: the Keras 1 API (with Keras 2 names) on @kerasgpu/core. It re-exports core's
 * tensor creation and ops, so one import serves a script.
 */
export {
  AFFINE_ROW_VALUES, BackendError, CompiledStep, DTypeError, DisposedTensorError, FILL_MODES,
  GradientError, KERAS_ACTIVATIONS, KerasGpuError, OPTIMIZER_SLOTS, RandomStream, ShapeError,
  StepProgram, Tensor, Variable, abs, add, affineResample, applyOptimizerUpdate, applyOptimizerUpdates, argMax, argMin,
  argReduce, avgPool2d, backendDescription, binary, broadcastShapes,
  broadcastTo, canReplaySteps, cast, clip, concat, concatCpu, conv2d,
  conv2dTranspose, deviceStats, dispose, div, dropout, elu, equal, exp, expandDims, eye, fill,
  floor, foldIn, fusedCellActivation, gather, getBackend, grad, grads, greater,
  greaterEqual, hardSigmoid, init, keep, less, lessEqual, linear, log, log1p, logSoftmax,
  logSumExp, logicalAnd, logicalOr, lstmCell, lstmSequence, matMul, max, maxPool2d,
  maximum, mean, memory, min, minimum, mul, nadamMomentumCache, neg, nextKey, normalAt, notEqual,
  oneHot, ones, onesLike, ownCopies, pad, permutation, pow, prod, randint, randomKey,
  randomNormal, randomUniform, range, ready, reciprocal, reduce,
  registerBackend, registerInitStep, releaseCachedMemory, relu, reshape, round,
  scatterAdd, selu, setBackend, setSeed, sigmoid, sign, slice, softmax,
  softmaxCrossEntropy, softplus, softsign, split, splitKey, sqrt, square, squeeze,
  stack, step, sub, sum, sync, tanh, tensor, tidy, tile, traceStep, transpose,
  transposeCpu, truncatedNormal, unary, uniformAt, unstack, valueAndGrad,
  valueAndGrads, variable, variableGrads, where, windowAxis, zeros, zerosLike,
  type AffineResampleOptions, type Backend, type BackendName, type Conv2DOptions, type DType,
  type DataArray, type DynamicArgs, type FillMode, type InitOptions, type LstmCellOptions,
  type NestedArray, type OptimizerHyper, type OptimizerRuleName, type OptimizerUpdate, type OutputSpec, type Padding,
  type Pool2DOptions, type Primitive, type PrimitiveAttrs, type RandomKey, type RecordedStep,
  type Seed, type Shape, type SlotInfo, type StepRecorder, type StepValues, type Storage,
  type TensorInfo, type TensorLike, type TraceOp, type Traced,
} from '@kerasgpu/core';
export * as backend from './backend.js';

export { Layer, snakeCase, type LayerWeight } from './engine/layer.js';
export { SymbolicTensor, Node, type CallArgs } from './engine/symbolic.js';
export { Input, InputLayer, type InputOptions } from './engine/input-layer.js';
export { Container } from './engine/container.js';
export { Model, type ModelOptions, type EvaluateOptions, type PredictOptions } from './models/model.js';
export { Sequential } from './models/sequential.js';
export type { SummaryOptions } from './models/summary.js';
export { registerSaveHandler, getSaveHandler, type SaveHandler } from './models/save-handler.js';
export type { CompileOptions } from './training/compile.js';
export type { FitOptions } from './training/fit.js';
export { trainStepCounters, testStepCounters, predictStepCounters, compiledSteps, type CompiledStepInfo } from './training/compiled-step.js';
export type { DataInput, ArrayLike, LazyArray } from './training/data.js';
export type { Batch, FitGeneratorOptions, EvaluateGeneratorOptions, PredictGeneratorOptions } from './training/generator.js';

export { Dense, type DenseOptions } from './layers/core/dense.js';
export { Activation } from './layers/core/activation.js';
export { Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from './layers/core/dropout.js';
export { Flatten, Reshape, Permute, RepeatVector } from './layers/core/shape-layers.js';
export { Lambda, Masking, type LambdaFn } from './layers/core/lambda.js';
export { MaxoutDense } from './layers/core/maxout-dense.js';
export { ActivityRegularization } from './layers/core/activity-regularization.js';
export { Highway, type HighwayOptions } from './layers/core/highway.js';
export type { LayerOptions, KernelOptions } from './layers/core/kernel-options.js';
export { Convolution1D, Conv1D, Convolution2D, Conv2D, AtrousConvolution1D, AtrousConvolution2D, AtrousConvolution1D as AtrousConv1D, AtrousConvolution2D as AtrousConv2D, ConvBase, type ConvOptions } from './layers/convolutional/conv.js';
export { LocallyConnected1D, LocallyConnected2D } from './layers/convolutional/local.js';
export { SeparableConvolution2D, SeparableConv2D, type SeparableOptions } from './layers/convolutional/separable.js';
export { Deconvolution2D, Conv2DTranspose, Conv2DTranspose as Deconv2D, Conv2DTranspose as Convolution2DTranspose, type ConvTransposeOptions } from './layers/convolutional/conv-transpose.js';
export {
  ZeroPadding1D, ZeroPadding2D, ZeroPadding3D, Cropping1D, Cropping2D, Cropping3D, UpSampling1D, UpSampling2D, UpSampling3D,
} from './layers/convolutional/resize.js';
export { Convolution3D, Convolution3D as Conv3D } from './layers/convolutional/conv3d.js';
export { MaxPooling3D, AveragePooling3D, MaxPooling3D as MaxPool3D, AveragePooling3D as AvgPool3D, type Pooling3DOptions } from './layers/pooling/pooling3d.js';
export {
  MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,
  GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D, type PoolingOptions,
  // Keras 2's short spellings (registered under them by the pooling factories).
  MaxPooling1D as MaxPool1D, MaxPooling2D as MaxPool2D, AveragePooling1D as AvgPool1D, AveragePooling2D as AvgPool2D,
  GlobalMaxPooling1D as GlobalMaxPool1D, GlobalMaxPooling2D as GlobalMaxPool2D, GlobalMaxPooling3D as GlobalMaxPool3D,
  GlobalAveragePooling1D as GlobalAvgPool1D, GlobalAveragePooling2D as GlobalAvgPool2D, GlobalAveragePooling3D as GlobalAvgPool3D,
} from './layers/pooling/pooling.js';
export { Embedding, type EmbeddingOptions } from './layers/embeddings/embedding.js';
export { SimpleRNN, GRU, LSTM, type GRUOptions } from './layers/recurrent/cells.js';
export { ConvLSTM2D, type ConvLSTM2DOptions } from './layers/recurrent/conv-lstm.js';
export { RNNBase, type RecurrentOptions } from './layers/recurrent/rnn-base.js';
export { BatchNormalization, type BatchNormalizationOptions } from './layers/normalization/batch-normalization.js';
export { GaussianNoise, GaussianDropout } from './layers/noise/noise.js';
export { Merge, Concatenate, Add, Multiply, Average, Maximum, Dot, merge, concatenate, type MergeMode, type MergeOptions } from './layers/merge/merge.js';
export { TimeDistributed, TimeDistributedDense, Bidirectional } from './layers/wrappers/wrappers.js';
export { LeakyReLU, ELU, ThresholdedReLU } from './layers/advanced-activations/scalar.js';
export { PReLU, ParametricSoftplus, SReLU, ParametricActivation } from './layers/advanced-activations/parametric.js';
export { Attention, type AttentionOptions, type ScoreMode } from './layers/attention/attention.js';

export { activations, getActivation, type ActivationFn, type ActivationId } from './activations.js';
export { initializers, getInitializer, computeFans, type InitializerFn } from './initializers.js';
export { losses, getLoss, EPSILON, type LossFn } from './losses.js';
export { metrics, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, type MetricFn } from './metrics.js';
export {
  regularizers, L1L2, l1, l2, l1l2, l1l2 as l1_l2, activityL1, activityL2, activityL1l2,
  activityL1 as activity_l1, activityL2 as activity_l2, activityL1l2 as activity_l1l2, type Regularizer,
} from './regularizers.js';
export { constraints, Constraint, MaxNorm, NonNeg, UnitNorm, maxnorm, nonneg, unitnorm, maxnorm as max_norm, nonneg as non_neg, unitnorm as unit_norm } from './constraints.js';
export { optimizers, getOptimizer, Optimizer, SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam } from './optimizers/index.js';

export { Callback, CallbackList, type Logs, type FitParams } from './callbacks/callback.js';
export { BaseLogger } from './callbacks/base-logger.js';
export { History } from './callbacks/history.js';
export { ProgbarLogger } from './callbacks/progbar.js';
export { EarlyStopping } from './callbacks/early-stopping.js';
export { ModelCheckpoint, formatPath } from './callbacks/model-checkpoint.js';
export { LearningRateScheduler, ReduceLROnPlateau } from './callbacks/schedulers.js';
export { TerminateOnNaN, CSVLogger, LambdaCallback } from './callbacks/misc.js';

export { toCategorical, toCategorical as to_categorical } from './utils/to-categorical.js';
export { setImageDimOrdering, imageDimOrdering, setImageDimOrdering as set_image_dim_ordering, imageDimOrdering as image_dim_ordering } from './utils/image-ordering.js';
export { ValueError, UnknownOptionError } from './utils/errors.js';
export { canonicalKey, parseOptions } from './utils/options.js';
export { KERAS_METHOD_NAMES, KERAS_OVERRIDES, KERAS_FUNCTION_NAMES, kerasNamesMarkdown, type KerasSpelled } from './utils/keras-names.js';
export { callable, type Callable } from './utils/callable.js';
export { setOutput } from './utils/output.js';
export { thToTfKernelPerm, tfToThKernelPerm, KERAS1_LSTM_GATES } from './utils/kernel-layout.js';
export { layerClasses, deserializeLayer } from './layers/registry.js';
