import type { Model } from '@kerasgpu/layers';
import { KerasFileError } from '../hdf5/errors.js';
import { withH5 } from '../hdf5/h5.js';
import { readBytesAsFile } from '../hdf5/scratch.js';
import { readKerasH5, type DeclaredKerasH5, type KerasH5 } from './h5-file.js';
import { isKeras3WeightsFile, isKerasArchive, isZip, loadKeras3Weights, loadKerasArchive } from './keras3.js';
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

/** A Keras HDF5 file: its path (Node), or its bytes (any environment: a user's upload, a fetch). */
export type H5Source = string | Uint8Array;

/** Errors name a path, or say the file came as bytes. */
const labelOf = (source: H5Source): string => (typeof source === 'string' ? source : `<${source.byteLength} bytes>`);

/** Runs `use` on the source's file: the path itself, or a scratch file holding the bytes. */
const onFile = <T>(source: H5Source, use: (path: string) => Promise<T>): Promise<T> =>
  (typeof source === 'string' ? use(source) : readBytesAsFile(source, use));

function readSource(source: H5Source, check: (file: DeclaredKerasH5) => void): Promise<KerasH5> {
  if (typeof source === 'string') return readKerasH5(source, check);
  return readBytesAsFile(source, (path) => readKerasH5(path, check, labelOf(source)));
}

const sourceOf = (file: KerasH5, originalBackend: string | undefined): WeightsSource => ({
  kerasVersion: file.kerasVersion,
  backend: originalBackend ?? file.backend,
});

/**
 * Keras's load_model (from a path or the file's bytes): the model from `model_config`, its weights, and, if saved, compiled with its
 * optimizer state. The declared shapes are checked against the model before any data is read;
 * when loading fails, the model built so far is freed.
 */
export async function loadModel(source: H5Source, options: LoadOptions = {}): Promise<Model> {
  const path = labelOf(source);
  // Own entries only: a file's class name 'toString' must not find Object.prototype's.
  const customObjects: CustomObjects = Object.assign(Object.create(null), options.customObjects);
  const compile = options.compile !== false;
  // A zip is Keras 3's .keras archive, whatever the file is called.
  if (typeof source === 'string' ? isKerasArchive(source) : isZip(source)) return onFile(source, (p) => loadKerasArchive(p, customObjects, compile));
  let model: Model | undefined;
  try {
    const file = await readSource(source, (declared) => {
      if (!declared.modelConfig) throw new KerasFileError(`${path}: no model_config attribute (a save_weights file? build the model and call model.loadWeights)`);
      const inConfig = declared.modelConfig.keras_version;
      const version = declared.kerasVersion ?? (typeof inConfig === 'string' ? inConfig : null);
      model = modelFromConfig(withKeras1Defaults(declared.modelConfig as unknown as KerasSpec, version), customObjects);
      checkDeclaredWeights(model.layers, declared, false, compile && declared.trainingConfig !== null);
    });
    const built = model!;
    const origin = sourceOf(file, options.originalBackend);
    loadStoredWeights(built.layers, file.layers, origin, false);
    if (file.trainingConfig && compile) {
      compileFromConfig(built, file.trainingConfig as unknown as TrainingConfig, customObjects);
      if (file.optimizerWeights) restoreOptimizerState(built, file.optimizerWeights, path, slotLayout(built.layers, file.layers, origin));
    }
    return built;
  } catch (e) {
    model?.dispose();
    throw e;
  }
}

/** Keras's load_weights (from a save_weights or a model.save file, by path or bytes); shapes are checked before the data is read. */
export async function loadWeights(model: Model, source: H5Source, options: { byName?: boolean; originalBackend?: string } = {}): Promise<void> {
  const byName = options.byName ?? false;
  const path = labelOf(source);
  const keras3 = await onFile(source, async (p) => {
    if (!(await withH5(p, isKeras3WeightsFile))) return false;
    if (byName) throw new KerasFileError(`${path}: a Keras 3 weights file names its groups by layer class and position, not by layer name: load it without byName`);
    await loadKeras3Weights(model, p, path);
    return true;
  });
  if (keras3) return;
  const file = await readSource(source, (declared) => checkDeclaredWeights(model.layers, declared, byName, false));
  loadStoredWeights(model.layers, file.layers, sourceOf(file, options.originalBackend), byName);
}
