/**
 * @kerasgpu/io in Node: everything in `portable.ts` (persistence, which registers the save / load
 * handlers), plus what needs files or native code: image generators over folders and model diagrams.
 */
export * from './portable.js';

export { ImageDataGenerator, type ImageDataGeneratorOptions } from './preprocessing/image-data-generator.js';
export { NumpyArrayIterator, DirectoryIterator, type FlowOptions, type DirectoryOptions, type FlowBatch } from './preprocessing/iterators.js';
export { modelToDot, modelToDot as model_to_dot, plotModel, plotModel as plot_model, plotModel as plot, ModelDot, type ModelToDotOptions, type PlotModelOptions, type CreateOptions, type Rankdir, type ImageFormat } from './diagrams/index.js';
export { saveTfjs, loadTfjs, type TfjsModelJSON, type TfjsArtifacts, type SaveTfjsOptions, type LoadTfjsOptions } from './tfjs/model-json.js';
export type { TfjsWeightSpec, TfjsManifestGroup, TfjsQuantization } from './tfjs/weights.js';
