/**
 * @kerasgpu/layers: the Keras 1 API (with Keras 2 names) on @kerasgpu/core. It re-exports core's
 * tensor creation and ops, so one import serves a script.
 */
export * from '@kerasgpu/core';
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

export * from './layers/index.js';

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
