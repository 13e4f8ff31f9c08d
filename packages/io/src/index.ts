/**
 * @kerasgpu/io in Node: everything in `portable.ts` (persistence, which registers the save / load
 * handlers), plus what needs files or native code: image generators over folders and model diagrams.
 */
export {
  BACKEND, H5FileError, HDF5Matrix, KERAS_VERSION, KerasFileError, convLstmKeras1ToKeras2,
  flipKernel, gruKeras1ToKeras2, loadModel, loadWeights, load_model, lstmKeras1ToKeras2,
  lstmKeras2ToKeras1, modelFromConfig, modelFromJSON, modelFromYAML, model_from_config,
  model_from_json, model_from_yaml, padSequences, pad_sequences, permuteDenseRowsForFlatten,
  preprocessWeights, readKerasH5, saveModel, saveWeights, save_model, tfKernelToTh, thKernelToTf,
  toYAML, transformMatrix, type CustomObjects, type FillMode, type H5Source, type HostArray,
  type KerasH5, type KerasSpec, type LayerDesc, type LoadOptions, type Mat3, type NdArray,
  type PadSequencesOptions, type SaveTarget, type SaveWeightsOptions, type StoredLayer, type TransformParams,
  type WeightsSource,
} from './portable.js';

export { ImageDataGenerator, type ImageDataGeneratorOptions } from './preprocessing/image-data-generator.js';
export { NumpyArrayIterator, DirectoryIterator, type FlowOptions, type DirectoryOptions, type FlowBatch } from './preprocessing/iterators.js';
export { modelToDot, modelToDot as model_to_dot, plotModel, plotModel as plot_model, plotModel as plot, ModelDot, type ModelToDotOptions, type PlotModelOptions, type CreateOptions, type Rankdir, type ImageFormat } from './diagrams/index.js';
export { saveTfjs, loadTfjs, type TfjsModelJSON, type TfjsArtifacts, type SaveTfjsOptions, type LoadTfjsOptions } from './tfjs/model-json.js';
export type { TfjsWeightSpec, TfjsManifestGroup, TfjsQuantization } from './tfjs/weights.js';
