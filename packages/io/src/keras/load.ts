import type { Model } from '@kerasgpu/layers';
import { KerasFileError } from '../hdf5/errors.js';
import { withH5 } from '../hdf5/h5.js';
import { readKerasH5, type KerasH5 } from './h5-file.js';
import { isKeras3WeightsFile, isKerasArchive, loadKeras3Weights, loadKerasArchive } from './keras3.js';
import { modelFromConfig, withKeras1Defaults, type CustomObjects, type KerasSpec } from './model-config.js';
import { checkDeclaredWeights, loadStoredWeights, slotLayout } from './model-weights.js';
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

/**
 * Keras's load_model: the model from `model_config`, its weights, and, if saved, compiled with its
 * optimizer state. The declared shapes are checked against the model before any data is read;
 * when loading fails, the model built so far is freed.
 */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<Model> {
  // Own entries only: a file's class name 'toString' must not find Object.prototype's.
  const customObjects: CustomObjects = Object.assign(Object.create(null), options.customObjects);
  const compile = options.compile !== false;
  // A zip is Keras 3's .keras archive, whatever the file is called.
  if (isKerasArchive(path)) return loadKerasArchive(path, customObjects, compile);
  let model: Model | undefined;
  try {
    const file = await readKerasH5(path, (declared) => {
      if (!declared.modelConfig) throw new KerasFileError(`${path}: no model_config attribute (a save_weights file? build the model and call model.loadWeights)`);
      const inConfig = declared.modelConfig.keras_version;
      const version = declared.kerasVersion ?? (typeof inConfig === 'string' ? inConfig : null);
      model = modelFromConfig(withKeras1Defaults(declared.modelConfig as unknown as KerasSpec, version), customObjects);
      checkDeclaredWeights(model.layers, declared, false, compile && declared.trainingConfig !== null);
    });
    const built = model!;
    const source = sourceOf(file, options.originalBackend);
    loadStoredWeights(built.layers, file.layers, source, false);
    if (file.trainingConfig && compile) {
      compileFromConfig(built, file.trainingConfig as unknown as TrainingConfig, customObjects);
      if (file.optimizerWeights) restoreOptimizerState(built, file.optimizerWeights, path, slotLayout(built.layers, file.layers, source));
    }
    return built;
  } catch (e) {
    model?.dispose();
    throw e;
  }
}

/** Keras's load_weights (from a save_weights or a model.save file); shapes are checked before the data is read. */
export async function loadWeights(model: Model, path: string, options: { byName?: boolean; originalBackend?: string } = {}): Promise<void> {
  const byName = options.byName ?? false;
  if (await withH5(path, isKeras3WeightsFile)) {
    if (byName) throw new KerasFileError(`${path}: a Keras 3 weights file names its groups by layer class and position, not by layer name: load it without byName`);
    return loadKeras3Weights(model, path);
  }
  const file = await readKerasH5(path, (declared) => checkDeclaredWeights(model.layers, declared, byName, false));
  loadStoredWeights(model.layers, file.layers, sourceOf(file, options.originalBackend), byName);
}
