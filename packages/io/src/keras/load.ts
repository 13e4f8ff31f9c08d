import type { Model } from '@kerasgpu/layers';
import { KerasFileError } from '../hdf5/errors.js';
import { readKerasH5, type KerasH5 } from './h5-file.js';
import { modelFromConfig, withKeras1Defaults, type CustomObjects, type KerasSpec } from './model-config.js';
import { loadStoredWeights } from './model-weights.js';
import type { WeightsSource } from './preprocess.js';
import { compileFromConfig, restoreOptimizerState, type TrainingConfig } from './training-config.js';

export interface LoadOptions {
  /** User layer classes, losses, metrics, optimizers and Lambda functions by the name a file uses. */
  customObjects?: CustomObjects;
  /** Compile the model when the file has a training configuration (default true, as Keras). */
  compile?: boolean;
  /**
   * The backend that wrote the file, overriding its `backend` attribute. Keras 1 files have none;
   * 'theano' flips their conv kernels, reproducing what Keras 1 computed on Theano.
   */
  originalBackend?: string;
}

const sourceOf = (file: KerasH5, originalBackend: string | undefined): WeightsSource => ({
  kerasVersion: file.kerasVersion,
  backend: originalBackend ?? file.backend,
});

/** Keras's load_model: the model from `model_config`, its weights, and, if saved, compiled with its optimizer state. */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<Model> {
  const file = await readKerasH5(path);
  if (!file.modelConfig) throw new KerasFileError(`${path}: no model_config attribute (a save_weights file? build the model and call model.loadWeights)`);
  const customObjects = options.customObjects ?? {};
  const version = file.kerasVersion ?? (file.modelConfig.keras_version as string | undefined) ?? null;
  const model = modelFromConfig(withKeras1Defaults(file.modelConfig as unknown as KerasSpec, version), customObjects);
  loadStoredWeights(model.layers, file.layers, sourceOf(file, options.originalBackend), false);
  if (file.trainingConfig && options.compile !== false) {
    compileFromConfig(model, file.trainingConfig as unknown as TrainingConfig, customObjects);
    if (file.optimizerWeights) restoreOptimizerState(model, file.optimizerWeights, path);
  }
  return model;
}

/** Keras's load_weights (from a save_weights or a model.save file). */
export async function loadWeights(model: Model, path: string, options: { byName?: boolean; originalBackend?: string } = {}): Promise<void> {
  const file = await readKerasH5(path);
  loadStoredWeights(model.layers, file.layers, sourceOf(file, options.originalBackend), options.byName ?? false);
}
