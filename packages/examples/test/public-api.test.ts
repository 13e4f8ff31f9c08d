import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The public API of each package, pinned: every name its entry module exports (values and types),
 * sorted. An export added or removed by accident fails here; a deliberate one updates the list.
 * The entries list their exports by name (no `export *`), so each list is also readable in the
 * entry itself.
 */
const PUBLIC: Record<string, readonly string[]> = {
  'kernels': [
    'AFFINE_ROW_VALUES', 'AdapterFacts', 'AffineResampleAttrs', 'Algebra', 'ArgReduceOp',
    'AxisGeometry', 'BINARY', 'BinaryDef', 'BinaryOp', 'Binding', 'BufferUsage', 'CELL_ACTIVATIONS',
    'CHUNK_ALIGN_ELEMENTS', 'CPU_ALGEBRA', 'CellActivation', 'CellActivationName', 'ClearStep', 'Conv2DGeometry',
    'ConvKind', 'CopyStep', 'DType', 'DataArray', 'Dims', 'DispatchStep', 'DispatchTime', 'Distribution',
    'ELEMENTWISE_SPLIT_MIN', 'ELEMENTWISE_WG', 'ElementwisePart', 'ElementwiseStep', 'F32_INF_DECLS',
    'F32_NEG_INF', 'F32_POS_INF', 'FILL_MODES', 'FIT_MIN_WORK', 'FillMode', 'FlatBinding', 'FloatArray',
    'Fused', 'FusionFacts', 'GEMM_FIELDS', 'GPU_ELEMENT_BYTES', 'GROUP_INDEX_DECL', 'GemmEpilogue', 'GemmEpilogueArgs',
    'GemmFit', 'GemmHooks', 'GemmProblem', 'GemmStep', 'GemmVariant', 'GpuContext', 'GpuProgram',
    'GpuStats', 'GpuStep', 'GpuTensor', 'LstmCellAttrs', 'LstmSequenceGradAttrs', 'MAIN_ARGS', 'MapMode',
    'MatMulGeometry', 'OPTIMIZER_RULES', 'OPTIMIZER_SLOTS', 'Operand', 'OptimizerHyper',
    'OptimizerOperands', 'OptimizerRuleName', 'Padding', 'PhiloxKey', 'RandomAttrs', 'ReduceOp', 'ReducePlan', 'Shape',
    'TRUNCATED_ROUNDS', 'UDIV_EXACT_BELOW', 'UNARY', 'UNIFORM_SLOT', 'UnaryDef', 'UnaryOp', 'UnaryVjp',
    'Uniform', 'UniformList', 'UploadStep', 'VJP_BINARY_OPS', 'VJP_UNARY_OPS', 'WGSL_ALGEBRA',
    'WGSL_ELEMENTWISE_HELPERS', 'affineResampleCpu', 'affineResampleGpu', 'algebra', 'allocArray',
    'argReduceCpu', 'argReduceGpu', 'avgPoolCpu', 'avgPoolGpu', 'avgPoolGradCpu', 'avgPoolGradGpu', 'awaitGpu',
    'binaryCpu', 'binaryGpu', 'bitsToUnit', 'boxMuller', 'broadcastStrides', 'broadcastUniformFields',
    'broadcastUniformValues', 'bytesPerElement', 'castCpu', 'castGpu', 'cellBackward', 'cellForward',
    'chooseGemmVariant', 'coalesceDims', 'collapseDims', 'concatCpu', 'concatGpu',
    'conv2dBackpropFilterCpu', 'conv2dBackpropFilterGpu', 'conv2dBackpropInputCpu',
    'conv2dBackpropInputGpu', 'conv2dCpu', 'conv2dGeometry', 'conv2dGpu', 'convFastDivision',
    'convFields', 'convHooks', 'convProblem', 'convValues', 'convVectors', 'dispatchFlat',
    'dispatchFlatChunked', 'elementwisePlan', 'fillGpu', 'fillIndex', 'flatIndexDecl', 'forEachIndex',
    'forEachSoftmaxRow', 'fuseElementwise', 'gatherCpu', 'gatherGpu', 'gemmGpu', 'gemmKStep',
    'gemmOverride', 'gemmRowsFirst', 'gemmTile', 'gemmWgsl', 'isBoolOp', 'isNanWgsl', 'lstmCellCpu',
    'lstmCellGpu', 'lstmCellGradCpu', 'lstmCellGradGpu', 'lstmSequenceCpu', 'lstmSequenceGpu',
    'lstmSequenceGradCpu', 'lstmSequenceGradGpu', 'matMulCpu', 'matMulGpu', 'maxBindingElements',
    'maxPoolCpu', 'maxPoolGpu', 'maxPoolGradCpu', 'maxPoolGradGpu', 'nadamMomentumCache', 'offsetFn',
    'optimizerStep', 'optimizerUpdateCpu', 'optimizerUpdatesGpu', 'packUniforms', 'padCpu', 'padGpu',
    'philox4x32', 'randomCpu', 'randomGpu', 'reduceCpu', 'reduceGpu', 'reduceOverride', 'reducePlan',
    'reductionDims', 'scatterAddCpu', 'scatterAddGpu', 'sizeOf', 'sliceCpu', 'sliceGpu', 'softmaxCpu',
    'softmaxCrossEntropyCpu', 'softmaxCrossEntropyGpu', 'softmaxCrossEntropyGradCpu',
    'softmaxCrossEntropyGradGpu', 'softmaxGpu', 'standardDraw', 'stepBuffers', 'storageBindings',
    'stridesOf', 'tileCpu', 'tileGpu', 'transposeCpu', 'transposeGpu', 'u32Fields', 'udivWgsl',
    'unaryCpu', 'unaryGpu', 'uniformFields', 'uniformStruct', 'uniformValues', 'variantKey', 'wgslType',
    'whereCpu', 'whereGpu', 'windowAxis', 'workgroupReduceFn',
  ],
  'core': [
    'AFFINE_ROW_VALUES', 'AffineResampleOptions', 'Backend', 'BackendError', 'BackendName', 'CompiledStep',
    'Conv2DOptions', 'DType', 'DTypeError', 'DataArray', 'DisposedTensorError', 'DynamicArgs',
    'FILL_MODES', 'FillMode', 'GradientError', 'InitOptions', 'KERAS_ACTIVATIONS', 'KerasGpuError',
    'LstmCellOptions', 'NestedArray', 'OPTIMIZER_SLOTS', 'OptimizerHyper', 'OptimizerRuleName', 'OptimizerUpdate',
    'OutputSpec', 'Padding', 'Pool2DOptions', 'Primitive', 'PrimitiveAttrs', 'RandomKey', 'RandomStream',
    'RecordedStep', 'Seed', 'Shape', 'ShapeError', 'SlotInfo', 'StepProgram', 'StepRecorder', 'StepValues',
    'Storage', 'Tensor', 'TensorInfo', 'TensorLike', 'TraceOp', 'Traced', 'Variable', 'abs', 'add',
    'affineResample', 'applyOptimizerUpdate', 'applyOptimizerUpdates', 'argMax', 'argMin', 'argReduce', 'avgPool2d',
    'backendDescription', 'binary', 'broadcastShapes', 'broadcastTo', 'canReplaySteps', 'cast', 'clip',
    'concat', 'concatCpu', 'conv2d', 'conv2dTranspose', 'deviceStats', 'dispose', 'div', 'dropout', 'elu',
    'equal', 'exp', 'expandDims', 'eye', 'fill', 'fillVariable', 'floor', 'foldIn', 'fusedCellActivation', 'gather',
    'getBackend', 'grad', 'grads', 'greater', 'greaterEqual', 'hardSigmoid', 'init', 'keep', 'less',
    'lessEqual', 'linear', 'log', 'log1p', 'logSoftmax', 'logSumExp', 'logicalAnd', 'logicalOr',
    'lstmCell', 'lstmSequence', 'matMul', 'max', 'maxPool2d', 'maximum', 'mean', 'memory', 'min',
    'minimum', 'mul', 'nadamMomentumCache', 'neg', 'nextKey', 'normalAt', 'notEqual', 'oneHot', 'ones',
    'onesLike', 'ownCopies', 'pad', 'permutation', 'pow', 'prod', 'randint', 'randomKey', 'randomNormal',
    'randomUniform', 'range', 'ready', 'reciprocal', 'reduce', 'registerBackend', 'registerInitStep',
    'releaseCachedMemory', 'relu', 'reshape', 'round', 'scatterAdd', 'selu', 'setBackend', 'setSeed',
    'sigmoid', 'sign', 'slice', 'softmax', 'softmaxCrossEntropy', 'softplus', 'softsign', 'split',
    'splitKey', 'sqrt', 'square', 'squeeze', 'stack', 'step', 'sub', 'sum', 'sync', 'tanh', 'tensor',
    'tidy', 'tile', 'traceStep', 'transpose', 'transposeCpu', 'truncatedNormal', 'unary', 'uniformAt',
    'unstack', 'valueAndGrad', 'valueAndGrads', 'variable', 'variableGrads', 'where', 'windowAxis',
    'zeros', 'zerosLike',
  ],
  'layers': [
    'AFFINE_ROW_VALUES', 'Activation', 'ActivationFn', 'ActivationId', 'ActivityRegularization',
    'Adadelta', 'Adagrad', 'Adam', 'Adamax', 'Add', 'AffineResampleOptions', 'ArrayLike', 'AtrousConv1D',
    'AtrousConv2D', 'AtrousConvolution1D', 'AtrousConvolution2D', 'Attention', 'AttentionOptions',
    'Average', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'AvgPool1D', 'AvgPool2D',
    'AvgPool3D', 'Backend', 'BackendError', 'BackendName', 'BaseLogger', 'Batch', 'BatchNormalization',
    'BatchNormalizationOptions', 'Bidirectional', 'CSVLogger', 'CallArgs', 'Callable', 'Callback',
    'CallbackList', 'CompileOptions', 'CompiledStep', 'CompiledStepInfo', 'Concatenate', 'Constraint',
    'Container', 'Conv1D', 'Conv2D', 'Conv2DOptions', 'Conv2DTranspose', 'Conv3D', 'ConvBase',
    'ConvLSTM2D', 'ConvLSTM2DOptions', 'ConvOptions', 'ConvTransposeOptions', 'Convolution1D',
    'Convolution2D', 'Convolution2DTranspose', 'Convolution3D', 'Cropping1D', 'Cropping2D', 'Cropping3D',
    'DType', 'DTypeError', 'DataArray', 'DataInput', 'Deconv2D', 'Deconvolution2D', 'Dense',
    'DenseOptions', 'DisposedTensorError', 'Dot', 'Dropout', 'DynamicArgs', 'ELU', 'EPSILON',
    'EarlyStopping', 'Embedding', 'EmbeddingOptions', 'EvaluateGeneratorOptions', 'EvaluateOptions',
    'FILL_MODES', 'FillMode', 'FitGeneratorOptions', 'FitOptions', 'FitParams', 'Flatten', 'GRU',
    'GRUOptions', 'GaussianDropout', 'GaussianNoise', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
    'GlobalAveragePooling3D', 'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D', 'GlobalMaxPool1D',
    'GlobalMaxPool2D', 'GlobalMaxPool3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D',
    'GradientError', 'Highway', 'HighwayOptions', 'History', 'InitOptions', 'InitializerFn', 'Input',
    'InputLayer', 'InputOptions', 'KERAS1_LSTM_GATES', 'KERAS_ACTIVATIONS', 'KERAS_FUNCTION_NAMES',
    'KERAS_METHOD_NAMES', 'KERAS_OVERRIDES', 'KerasGpuError', 'KerasSpelled', 'KernelOptions', 'L1L2',
    'LSTM', 'Lambda', 'LambdaCallback', 'LambdaFn', 'Layer', 'LayerOptions', 'LayerWeight', 'LazyArray',
    'LeakyReLU', 'LearningRateScheduler', 'LocallyConnected1D', 'LocallyConnected2D', 'Logs', 'LossFn',
    'LstmCellOptions', 'Masking', 'MaxNorm', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'MaxPooling1D',
    'MaxPooling2D', 'MaxPooling3D', 'Maximum', 'MaxoutDense', 'Merge', 'MergeMode', 'MergeOptions',
    'MetricFn', 'Model', 'ModelCheckpoint', 'ModelOptions', 'Multiply', 'Nadam', 'NestedArray', 'Node',
    'NonNeg', 'OPTIMIZER_SLOTS', 'Optimizer', 'OptimizerHyper', 'OptimizerRuleName', 'OptimizerUpdate', 'OutputSpec', 'PReLU',
    'Padding', 'ParametricActivation', 'ParametricSoftplus', 'Permute', 'Pool2DOptions',
    'Pooling3DOptions', 'PoolingOptions', 'PredictGeneratorOptions', 'PredictOptions', 'Primitive',
    'PrimitiveAttrs', 'ProgbarLogger', 'RMSprop', 'RNNBase', 'RandomKey', 'RandomStream', 'RecordedStep',
    'RecurrentOptions', 'ReduceLROnPlateau', 'Regularizer', 'RepeatVector', 'Reshape', 'SGD', 'SReLU',
    'SaveHandler', 'ScoreMode', 'Seed', 'SeparableConv2D', 'SeparableConvolution2D', 'SeparableOptions',
    'Sequential', 'Shape', 'ShapeError', 'SimpleRNN', 'SlotInfo', 'SpatialDropout1D', 'SpatialDropout2D',
    'SpatialDropout3D', 'StepProgram', 'StepRecorder', 'StepValues', 'Storage', 'SummaryOptions',
    'SymbolicTensor', 'Tensor', 'TensorInfo', 'TensorLike', 'TerminateOnNaN', 'ThresholdedReLU',
    'TimeDistributed', 'TimeDistributedDense', 'TraceOp', 'Traced', 'UnitNorm', 'UnknownOptionError',
    'UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'ValueError', 'Variable', 'ZeroPadding1D',
    'ZeroPadding2D', 'ZeroPadding3D', 'abs', 'activations', 'activityL1', 'activityL1l2', 'activityL2',
    'activity_l1', 'activity_l1l2', 'activity_l2', 'add', 'affineResample', 'applyOptimizerUpdate', 'applyOptimizerUpdates',
    'argMax', 'argMin', 'argReduce', 'avgPool2d', 'backend', 'backendDescription', 'binary',
    'binaryAccuracy', 'broadcastShapes', 'broadcastTo', 'callable', 'canReplaySteps', 'canonicalKey',
    'cast', 'categoricalAccuracy', 'clip', 'compiledSteps', 'computeFans', 'concat', 'concatCpu',
    'concatenate', 'constraints', 'conv2d', 'conv2dTranspose', 'deserializeLayer', 'deviceStats',
    'dispose', 'div', 'dropout', 'elu', 'equal', 'exp', 'expandDims', 'eye', 'fill', 'floor', 'foldIn',
    'formatPath', 'fusedCellActivation', 'gather', 'getActivation', 'getBackend', 'getInitializer',
    'getLoss', 'getOptimizer', 'getSaveHandler', 'grad', 'grads', 'greater', 'greaterEqual', 'hardSigmoid',
    'imageDimOrdering', 'image_dim_ordering', 'init', 'initializers', 'keep', 'kerasNamesMarkdown', 'l1',
    'l1_l2', 'l1l2', 'l2', 'layerClasses', 'less', 'lessEqual', 'linear', 'log', 'log1p', 'logSoftmax',
    'logSumExp', 'logicalAnd', 'logicalOr', 'losses', 'lstmCell', 'lstmSequence', 'matMul', 'max',
    'maxPool2d', 'max_norm', 'maximum', 'maxnorm', 'mean', 'memory', 'merge', 'metrics', 'min', 'minimum',
    'mul', 'nadamMomentumCache', 'neg', 'nextKey', 'non_neg', 'nonneg', 'normalAt', 'notEqual', 'oneHot',
    'ones', 'onesLike', 'optimizers', 'ownCopies', 'pad', 'parseOptions', 'permutation', 'pow',
    'predictStepCounters', 'prod', 'randint', 'randomKey', 'randomNormal', 'randomUniform', 'range',
    'ready', 'reciprocal', 'reduce', 'registerBackend', 'registerInitStep', 'registerSaveHandler',
    'regularizers', 'releaseCachedMemory', 'relu', 'reshape', 'round', 'scatterAdd', 'selu', 'setBackend',
    'setImageDimOrdering', 'setOutput', 'setSeed', 'set_image_dim_ordering', 'sigmoid', 'sign', 'slice',
    'snakeCase', 'softmax', 'softmaxCrossEntropy', 'softplus', 'softsign', 'sparseCategoricalAccuracy',
    'split', 'splitKey', 'sqrt', 'square', 'squeeze', 'stack', 'step', 'sub', 'sum', 'sync', 'tanh',
    'tensor', 'testStepCounters', 'tfToThKernelPerm', 'thToTfKernelPerm', 'tidy', 'tile', 'toCategorical',
    'to_categorical', 'traceStep', 'trainStepCounters', 'transpose', 'transposeCpu', 'truncatedNormal',
    'unary', 'uniformAt', 'unit_norm', 'unitnorm', 'unstack', 'valueAndGrad', 'valueAndGrads', 'variable',
    'variableGrads', 'where', 'windowAxis', 'zeros', 'zerosLike',
  ],
  'io': [
    'BACKEND', 'CreateOptions', 'CustomObjects', 'DirectoryIterator', 'DirectoryOptions', 'FillMode',
    'FlowBatch', 'FlowOptions', 'H5FileError', 'H5Source', 'HDF5Matrix', 'HostArray', 'ImageDataGenerator',
    'ImageDataGeneratorOptions', 'ImageFormat', 'KERAS_VERSION', 'KerasFileError', 'KerasH5', 'KerasSpec',
    'LayerDesc', 'LoadOptions', 'LoadTfjsOptions', 'Mat3', 'ModelDot', 'ModelToDotOptions', 'NdArray',
    'NumpyArrayIterator', 'PadSequencesOptions', 'PlotModelOptions', 'Rankdir', 'SaveTarget',
    'SaveTfjsOptions', 'SaveWeightsOptions', 'StoredLayer', 'TfjsArtifacts', 'TfjsManifestGroup', 'TfjsModelJSON',
    'TfjsQuantization', 'TfjsWeightSpec', 'TransformParams', 'WeightsSource', 'convLstmKeras1ToKeras2',
    'flipKernel', 'gruKeras1ToKeras2', 'loadModel', 'loadTfjs', 'loadWeights', 'load_model',
    'lstmKeras1ToKeras2', 'lstmKeras2ToKeras1', 'modelFromConfig', 'modelFromJSON', 'modelFromYAML',
    'modelToDot', 'model_from_config', 'model_from_json', 'model_from_yaml', 'model_to_dot',
    'padSequences', 'pad_sequences', 'permuteDenseRowsForFlatten', 'plot', 'plotModel', 'plot_model',
    'preprocessWeights', 'readKerasH5', 'saveModel', 'saveTfjs', 'saveWeights', 'save_model',
    'tfKernelToTh', 'thKernelToTf', 'toYAML', 'transformMatrix',
  ],
  'io/portable': [
    'BACKEND', 'CustomObjects', 'FillMode', 'H5FileError', 'H5Source', 'HDF5Matrix', 'HostArray',
    'KERAS_VERSION', 'KerasFileError', 'KerasH5', 'KerasSpec', 'LayerDesc', 'LoadOptions', 'Mat3',
    'NdArray', 'PadSequencesOptions', 'SaveTarget', 'SaveWeightsOptions', 'StoredLayer', 'TransformParams', 'WeightsSource',
    'convLstmKeras1ToKeras2', 'flipKernel', 'gruKeras1ToKeras2', 'loadModel', 'loadWeights', 'load_model',
    'lstmKeras1ToKeras2', 'lstmKeras2ToKeras1', 'modelFromConfig', 'modelFromJSON', 'modelFromYAML',
    'model_from_config', 'model_from_json', 'model_from_yaml', 'padSequences', 'pad_sequences',
    'permuteDenseRowsForFlatten', 'preprocessWeights', 'readKerasH5', 'saveModel', 'saveWeights',
    'save_model', 'tfKernelToTh', 'thKernelToTf', 'toYAML', 'transformMatrix',
  ],
};

const packages = join(import.meta.dirname, '../..');
const ENTRIES: Record<string, { file: string; load: () => Promise<Record<string, unknown>> }> = {
  kernels: { file: 'kernels/src/index.ts', load: () => import('@kerasgpu/kernels') },
  core: { file: 'core/src/index.ts', load: () => import('@kerasgpu/core') },
  layers: { file: 'layers/src/index.ts', load: () => import('@kerasgpu/layers') },
  io: { file: 'io/src/index.ts', load: () => import('@kerasgpu/io') },
  'io/portable': { file: 'io/src/portable.ts', load: () => import('../../io/src/portable.js') },
};

/** The names an entry's export statements declare (`a as b` exports b; comments in a list are skipped). */
function exportedNames(src: string): string[] {
  const names: string[] = [];
  for (const [, list] of src.matchAll(/^export (?:type )?\{([^}]*)\}/gm)) {
    for (const part of list!.replace(/\/\/.*$/gm, '').split(',')) {
      const item = part.trim().replace(/^type\s+/, '');
      if (item) names.push(item.split(/\s+as\s+/).pop()!);
    }
  }
  for (const [, name] of src.matchAll(/^export (?:async )?(?:const|let|function|class|type|interface|enum) (\w+)/gm)) names.push(name!);
  for (const [, name] of src.matchAll(/^export \* as (\w+)/gm)) names.push(name!);
  return [...new Set(names)].sort();
}

describe('the public API', () => {
  for (const [pkg, { file, load }] of Object.entries(ENTRIES)) {
    it(`${pkg} exports exactly its pinned names, each by name`, async () => {
      const src = readFileSync(join(packages, file), 'utf8');
      expect(src, `${file} re-exports a whole module`).not.toMatch(/^export \* from/m);
      expect(exportedNames(src)).toEqual(PUBLIC[pkg]);
      // The values the module really has are among them (so the list cannot miss one).
      expect(Object.keys(await load()).filter((n) => !PUBLIC[pkg]!.includes(n))).toEqual([]);
    });
  }

  it('io in node has everything the browser entry has', () => {
    expect(PUBLIC['io/portable']!.filter((n) => !PUBLIC.io!.includes(n))).toEqual([]);
  });
});
