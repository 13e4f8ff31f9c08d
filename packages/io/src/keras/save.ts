import { existsSync } from 'node:fs';
import { ValueError, type Model } from '@kerasgpu/layers';
import { writeArray } from '../hdf5/arrays.js';
import { asciiJson, writeStringAttr, writeStringList } from '../hdf5/attrs.js';
import { writeH5Atomic, yieldToSignals } from '../hdf5/atomic.js';
import type { H5Group } from '../hdf5/h5.js';
import type { StoredLayer } from './h5-file.js';
import { saveKerasArchive } from './keras3-save.js';
import { collectWeights } from './model-weights.js';
import { optimizerState } from './training-config.js';

/** What our files claim (API.md): the Keras 2 layout, readable by Keras 2 and tf.keras. */
export const KERAS_VERSION = '2.1.6';
export const BACKEND = 'tensorflow';

function writeVersion(g: H5Group): void {
  writeStringAttr(g, 'backend', BACKEND);
  writeStringAttr(g, 'keras_version', KERAS_VERSION);
}

/** One group per stored layer, with `weight_names` giving the order of its datasets. */
function writeGroup(g: H5Group, layer: StoredLayer): void {
  writeStringList(g, 'weight_names', layer.weightNames);
  layer.weightNames.forEach((n, i) => writeArray(g, n, layer.weights[i]!));
}

/** Keras's save_weights_to_hdf5_group. Between layers, a SIGINT can end the save (removing its temporary file). */
async function writeLayers(g: H5Group, layers: readonly StoredLayer[]): Promise<void> {
  writeStringList(g, 'layer_names', layers.map((l) => l.name));
  writeVersion(g);
  for (const l of layers) {
    writeGroup(g.create_group(l.name), l);
    await yieldToSignals();
  }
}

function checkOverwrite(path: string, overwrite: boolean): void {
  if (!overwrite && existsSync(path)) throw new ValueError(`${path} exists; pass {overwrite: true} to replace it`);
}

/**
 * Keras's model.save: architecture, weights, training configuration and optimizer state in one
 * HDF5 file (a `.keras` path gets Keras 3's archive instead). Everything is read back from the device first; the file is then written atomically.
 */
export async function saveModel(model: Model, path: string, options: { overwrite: boolean }): Promise<void> {
  checkOverwrite(path, options.overwrite);
  // As Keras 3, the extension chooses: a .keras archive for current Keras, else Keras 2 HDF5.
  if (path.endsWith('.keras')) return saveKerasArchive(model, path);
  const config = asciiJson(model.serialize()); // model_config, as model.to_json
  const layers = await collectWeights(model.layers);
  const training = model.compiled ? asciiJson(model.compiled.config) : null;
  const optimizer = model.compiled ? await optimizerState(model) : null;
  await writeH5Atomic(path, async (f) => {
    writeVersion(f);
    writeStringAttr(f, 'model_config', config);
    await writeLayers(f.create_group('model_weights'), layers);
    if (training !== null) writeStringAttr(f, 'training_config', training);
    if (optimizer !== null) writeGroup(f.create_group('optimizer_weights'), optimizer);
  });
}

/** Keras's model.save_weights: the layer groups at the root. */
export async function saveWeights(model: Model, path: string, options: { overwrite: boolean }): Promise<void> {
  checkOverwrite(path, options.overwrite);
  const layers = await collectWeights(model.layers);
  await writeH5Atomic(path, (f) => writeLayers(f, layers));
}
