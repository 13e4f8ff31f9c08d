import { files } from '#host';
import { ValueError, type Model } from '@kerasgpu/layers';
import { writeArray } from '../hdf5/arrays.js';
import { asciiJson, writeStringAttr, writeStringList } from '../hdf5/attrs.js';
import { h5Bytes, writeH5Atomic, type H5File, type H5Group } from '../hdf5/h5.js';
import type { StoredLayer } from './h5-file.js';
import { saveKerasArchive, writeKeras3Weights } from './keras3-save.js';
import { collectWeights } from './model-weights.js';
import { optimizerState } from './training-config.js';

/** Where a save goes: a path (Node, written atomically), or null for the file's bytes, returned. */
export type SaveTarget = string | null;

/** Writes an HDF5 file to `target` (checked with checkOverwrite first); its bytes when the target is null. */
async function writeH5(target: SaveTarget, fill: (f: H5File) => Promise<void>): Promise<Uint8Array | null> {
  if (target === null) return h5Bytes(fill);
  await writeH5Atomic(target, fill);
  return null;
}

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
    await files.yieldToSignals();
  }
}

function checkOverwrite(path: string, overwrite: boolean): void {
  if (!overwrite && files.exists(path)) throw new ValueError(`${path} exists; pass {overwrite: true} to replace it`);
}

/**
 * Keras's model.save: architecture, weights, training configuration and optimizer state in one

 * HDF5 file (a `.keras` path gets Keras 3's archive instead). Everything is read back from the
 * device first; the file is then written atomically (or, with a null target, made in memory and
 * its bytes returned).
 */
export function saveModel(model: Model): Promise<Uint8Array>;
export function saveModel(model: Model, target: string, options?: { overwrite?: boolean }): Promise<void>;
export function saveModel(model: Model, target: SaveTarget, options?: { overwrite?: boolean }): Promise<Uint8Array | null>;
export async function saveModel(model: Model, target: SaveTarget = null, options: { overwrite?: boolean } = {}): Promise<Uint8Array | null | void> {
  if (target !== null) checkOverwrite(target, options.overwrite ?? true);
  // As Keras 3, the extension chooses: a .keras archive for current Keras, else Keras 2 HDF5.
  if (target?.endsWith('.keras')) return saveKerasArchive(model, target);
  const config = asciiJson(model.serialize()); // model_config, as model.to_json
  const layers = await collectWeights(model.layers);
  const training = model.compiled ? asciiJson(model.compiled.config) : null;
  const optimizer = model.compiled ? await optimizerState(model) : null;
  return writeH5(target, async (f) => {
    writeVersion(f);
    writeStringAttr(f, 'model_config', config);
    await writeLayers(f.create_group('model_weights'), layers);
    if (training !== null) writeStringAttr(f, 'training_config', training);
    if (optimizer !== null) writeGroup(f.create_group('optimizer_weights'), optimizer);
  });
}

/** saveWeights' options: `format` 'keras3' (the default for a `.weights.h5` path) writes Keras 3's layout. */
export interface SaveWeightsOptions { overwrite?: boolean; format?: 'keras2' | 'keras3' }

/**
 * Keras's model.save_weights (bytes with a null target, as saveModel): Keras 2's layer groups at
 * the root, or, for a `.weights.h5` path (Keras 3 requires that suffix) or `format: 'keras3'`,
 * Keras 3's layout with the optimizer state (Keras 3's `save_weights`).
 */
export function saveWeights(model: Model): Promise<Uint8Array>;
export function saveWeights(model: Model, target: string, options?: SaveWeightsOptions): Promise<void>;
export function saveWeights(model: Model, target: SaveTarget, options?: SaveWeightsOptions): Promise<Uint8Array | null>;
export async function saveWeights(model: Model, target: SaveTarget = null, options: SaveWeightsOptions = {}): Promise<Uint8Array | null | void> {
  if (target !== null) checkOverwrite(target, options.overwrite ?? true);
  if ((options.format ?? (target?.endsWith('.weights.h5') ? 'keras3' : 'keras2')) === 'keras3') return writeH5(target, (f) => writeKeras3Weights(f, model));
  const layers = await collectWeights(model.layers);
  return writeH5(target, (f) => writeLayers(f, layers));
}
