/// <reference types="@webgpu/types" preserve="true" />
// The WebGPU types (GPUDevice, GPUBuffer, ...) in this package's declarations come from @webgpu/types.
export { allocArray, bytesPerElement, type DType, type DataArray, type FloatArray } from './types.js';
export { broadcastStrides, forEachIndex, sizeOf, stridesOf, type Shape } from './shape.js';
export {
  BINARY, UNARY, VJP_BINARY_OPS, VJP_UNARY_OPS, WGSL_ELEMENTWISE_HELPERS, isBoolOp, type Algebra,
  type BinaryDef, type BinaryOp, type Operand, type UnaryDef, type UnaryOp, type UnaryVjp,
} from './elementwise/ops.js';
export { CPU_ALGEBRA, WGSL_ALGEBRA, algebra } from './elementwise/vjp-algebra.js';
export { binaryCpu, castCpu, unaryCpu, whereCpu } from './elementwise/elementwise.cpu.js';
export { argReduceCpu, reduceCpu, type ArgReduceOp, type ReduceOp } from './reduce/reduce.cpu.js';
export { matMulCpu, type MatMulGeometry } from './matmul/matmul.cpu.js';
export { concatCpu, gatherCpu, padCpu, scatterAddCpu, sliceCpu, tileCpu, transposeCpu } from './layout/layout.cpu.js';
export { forEachSoftmaxRow, softmaxCpu } from './softmax/softmax.cpu.js';
export {
  conv2dGeometry, windowAxis, type AxisGeometry, type Conv2DGeometry, type Padding,
} from './conv2d/geometry.js';
export { conv2dBackpropFilterCpu, conv2dBackpropInputCpu, conv2dCpu } from './conv2d/conv2d.cpu.js';
export { avgPoolCpu, avgPoolGradCpu, maxPoolCpu, maxPoolGradCpu } from './pool/pool.cpu.js';
export { CELL_ACTIVATIONS, type CellActivation, type CellActivationName } from './lstm/activations.js';
export {
  cellBackward, cellForward, lstmCellCpu, lstmCellGradCpu, lstmSequenceCpu, lstmSequenceGradCpu, type LstmSequenceGradAttrs,
  type LstmCellAttrs,
} from './lstm/lstm.cpu.js';
export { bitsToUnit, philox4x32, type PhiloxKey } from './random/philox.js';
export {
  TRUNCATED_ROUNDS, boxMuller, randomCpu, standardDraw, type Distribution, type RandomAttrs,
} from './random/random.cpu.js';
export {
  GpuContext, UNIFORM_SLOT, packUniforms, type AdapterFacts, type Binding, type ClearStep, type CopyStep,
  type DispatchStep, type GpuStats, type GpuStep, type Uniform, type UploadStep,
} from './webgpu/context.js';
export { BufferUsage, MapMode } from './webgpu/flags.js';
export { GpuProgram, type DispatchTime } from './webgpu/program.js';
export { awaitGpu } from './webgpu/gpu-wait.js';
export {
  ELEMENTWISE_WG, GPU_ELEMENT_BYTES, MAIN_ARGS, UDIV_EXACT_BELOW, broadcastUniformFields,
  broadcastUniformValues, dispatchFlat, flatIndexDecl, storageBindings, udivWgsl, uniformStruct,
  wgslType, type GpuTensor,
} from './webgpu/wgsl.js';
export {
  ELEMENTWISE_SPLIT_MIN, binaryGpu, castGpu, coalesceDims, elementwisePlan, fillGpu, unaryGpu,
  whereGpu, type ElementwisePart,
} from './elementwise/elementwise.webgpu.js';
export { fuseElementwise, stepBuffers, type ElementwiseStep, type FusionFacts, type Fused, type GemmStep } from './elementwise/fuse.js';
export { avgPoolGpu, avgPoolGradGpu, maxPoolGpu, maxPoolGradGpu } from './pool/pool.webgpu.js';
export { lstmCellGpu, lstmCellGradGpu, lstmSequenceGpu, lstmSequenceGradGpu } from './lstm/lstm.webgpu.js';
export {
  OPTIMIZER_RULES, OPTIMIZER_SLOTS, nadamMomentumCache, optimizerStep, type OptimizerHyper,
  type OptimizerRuleName,
} from './optimizer/rules.js';
export { optimizerUpdateCpu } from './optimizer/optimizer.cpu.js';
export { optimizerUpdatesGpu, type OptimizerOperands } from './optimizer/optimizer.webgpu.js';
export { softmaxCrossEntropyCpu, softmaxCrossEntropyGradCpu } from './loss/softmax-xent.cpu.js';
export { softmaxCrossEntropyGpu, softmaxCrossEntropyGradGpu } from './loss/softmax-xent.webgpu.js';
export {
  F32_INF_DECLS, F32_NEG_INF, F32_POS_INF, GROUP_INDEX_DECL, collapseDims, isNanWgsl, offsetFn,
  u32Fields, uniformFields, uniformValues, workgroupReduceFn, type UniformList,
} from './webgpu/indexing.js';
export {
  argReduceGpu, reduceGpu, reduceOverride, reducePlan, reductionDims, type Dims, type ReducePlan,
} from './reduce/reduce.webgpu.js';
export { concatGpu, gatherGpu, padGpu, scatterAddGpu, sliceGpu, tileGpu, transposeGpu } from './layout/layout.webgpu.js';
export { softmaxGpu } from './softmax/softmax.webgpu.js';
export { randomGpu } from './random/random.webgpu.js';
export { CHUNK_ALIGN_ELEMENTS, dispatchFlatChunked, maxBindingElements, type FlatBinding } from './webgpu/chunked.js';
export {
  GEMM_FIELDS, gemmKStep, gemmRowsFirst, gemmTile, gemmWgsl, variantKey, type GemmEpilogue,
  type GemmFit, type GemmHooks, type GemmVariant,
} from './matmul/matmul.wgsl.js';
export {
  FIT_MIN_WORK, chooseGemmVariant, gemmGpu, gemmOverride, matMulGpu, type GemmProblem,
  type GemmEpilogueArgs,
} from './matmul/matmul.webgpu.js';
export {
  convFastDivision, convFields, convHooks, convProblem, convValues, convVectors, type ConvKind,
} from './conv2d/conv2d.wgsl.js';
export { conv2dBackpropFilterGpu, conv2dBackpropInputGpu, conv2dGpu } from './conv2d/conv2d.webgpu.js';
export {
  AFFINE_ROW_VALUES, FILL_MODES, affineResampleCpu, fillIndex, type AffineResampleAttrs,
  type FillMode,
} from './resample/resample.cpu.js';
export { affineResampleGpu } from './resample/resample.webgpu.js';
