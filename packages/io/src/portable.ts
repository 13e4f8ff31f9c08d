/**
 * What @kerasgpu/io offers everywhere, a browser included (the package's `browser` export points
 * here): Keras HDF5 / JSON / YAML persistence from paths or bytes, weight conversions and sequence
 * padding. Importing it registers the save / load handlers that `model.save`, `model.saveWeights`, `model.loadWeights`,
 * `model.toYAML` and ModelCheckpoint use (layers never imports io).
 */
import { registerInitStep, registerSaveHandler } from '@kerasgpu/layers';
import { h5ready } from './hdf5/h5.js';
import { loadWeights } from './keras/load.js';
import { saveModel, saveWeights } from './keras/save.js';
import { toYAML } from './keras/text.js';

registerSaveHandler({
  save: saveModel,
  saveWeights,
  loadWeights: (model, path, options) => loadWeights(model, path, options),
  toYAML,
});
registerInitStep(h5ready);

export { loadModel, loadModel as load_model, loadWeights, type LoadOptions, type H5Source } from './keras/load.js';
export { saveModel, saveModel as save_model, saveWeights, KERAS_VERSION, BACKEND, type SaveTarget, type SaveWeightsOptions } from './keras/save.js';
export { modelFromJSON, modelFromJSON as model_from_json, toYAML, modelFromYAML, modelFromYAML as model_from_yaml } from './keras/text.js';
export { modelFromConfig, modelFromConfig as model_from_config, type CustomObjects, type KerasSpec } from './keras/model-config.js';
export { readKerasH5, type KerasH5, type StoredLayer } from './keras/h5-file.js';
export { preprocessWeights, type LayerDesc, type WeightsSource } from './keras/preprocess.js';
export { thKernelToTf, tfKernelToTh, flipKernel, lstmKeras1ToKeras2, lstmKeras2ToKeras1, convLstmKeras1ToKeras2, gruKeras1ToKeras2, permuteDenseRowsForFlatten } from './keras/kernels.js';
export type { NdArray } from './hdf5/arrays.js';
export { H5FileError, KerasFileError } from './hdf5/errors.js';
export { HDF5Matrix } from './hdf5/matrix.js';
export { transformMatrix, type Mat3, type TransformParams } from './preprocessing/affine.js';
export type { FillMode } from '@kerasgpu/core';
export type { HostArray } from './preprocessing/host.js';
export { padSequences, padSequences as pad_sequences, type PadSequencesOptions } from './preprocessing/pad-sequences.js';
