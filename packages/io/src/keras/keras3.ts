import { files } from '#host';
import { tensor, type Tensor } from '@kerasgpu/core';
import { ShapeError, type Container, type Model } from '@kerasgpu/layers';
import { strFromU8, unzipSync } from 'fflate';
import { datasetAt, readDataset, type NdArray } from '../hdf5/arrays.js';
import { getPath } from '../hdf5/attrs.js';
import { KerasFileError } from '../hdf5/errors.js';
import { h5wasm, withH5, type H5Group } from '../hdf5/h5.js';
import { readBytesAsFile } from '../hdf5/scratch.js';
import { fromKeras3Model } from './keras3-layers.js';
import { restoreKeras3Optimizer } from './keras3-optimizer.js';
import { modelWeightPaths } from './keras3-paths.js';
import { modelFromConfig, type CustomObjects, type KerasSpec } from './model-config.js';
import { compileFromConfig, type TrainingConfig } from './training-config.js';

/** What a Keras 3 `.keras` archive holds. */
export interface KerasArchive {
  /** config.json: the model's `{module, class_name, config, build_config, compile_config}`. */
  config: KerasSpec & { compile_config?: Record<string, unknown> | null };
  /** metadata.json: `{keras_version, date_saved}`. */
  metadata: { keras_version?: string };
  /** model.weights.h5, as bytes. */
  weights: Uint8Array;
}

/** A zip archive's first bytes (PK\\3\\4). */
export const isZip = (bytes: Uint8Array) => bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/** Whether `path` is a zip archive (a `.keras` file), by its first bytes. */
export function isKerasArchive(path: string): boolean {
  try {
    return isZip(files.readAt(path, 0, 4));
  } catch {
    return false;
  }
}

function parseEntry<T>(path: string, entries: Record<string, Uint8Array>, name: string): T {
  const bytes = entries[name];
  if (bytes === undefined) throw new KerasFileError(`${path}: the .keras archive has no ${name} (it holds ${Object.keys(entries).join(', ') || 'nothing'})`);
  try {
    return JSON.parse(strFromU8(bytes)) as T;
  } catch (e) {
    throw new KerasFileError(`${path}: ${name} is not valid JSON (${(e as Error).message})`);
  }
}

/** Unpacks a `.keras` archive; errors say what is missing or damaged. */
export function readKerasArchive(path: string): KerasArchive {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(files.readFile(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new KerasFileError(`${path}: no such file`);
    throw new KerasFileError(`${path}: not a .keras (zip) archive (${(e as Error).message})`);
  }
  const weights = entries['model.weights.h5'];
  if (weights === undefined) throw new KerasFileError(`${path}: the .keras archive has no model.weights.h5`);
  return { config: parseEntry(path, entries, 'config.json'), metadata: parseEntry(path, entries, 'metadata.json'), weights };
}

const fmt = (s: readonly (number | null)[]) => `[${s.join(', ')}]`;

/** The dataset at `at` with the shape `want`, checked before its data is read. */
function readChecked(f: H5Group, at: string, want: readonly number[], path: string, who: string): NdArray {
  const node = getPath(f, at);
  if (!(node instanceof h5wasm.Dataset)) throw new KerasFileError(`${path}: no dataset '${at}' for ${who}`);
  const shape = node.shape ?? [];
  if (fmt(shape) !== fmt(want)) throw new ShapeError(`${path}: ${who} has shape ${fmt(want)}, the file's '${at}' has shape ${fmt(shape)}`);
  return readDataset(datasetAt(f, at));
}

/** Sets the model's weights from a Keras 3 weights file (`layers/<snake_case class>[_n]/vars/<i>`). */
function assignKeras3Weights(model: Container, f: H5Group, path: string): void {
  for (const [layer, paths] of modelWeightPaths(model)) {
    const weights = layer.layerWeights;
    const values: Tensor[] = paths.map((at, i) => {
      const a = readChecked(f, at, weights[i]!.variable.shape, path, `layer ${layer.name}: weight ${weights[i]!.name}`);
      return tensor(a.data, a.shape);
    });
    try {
      if (values.length > 0) layer.setWeights(values);
    } finally {
      for (const t of values) t.dispose();
    }
  }
}

/**
 * Keras 3's weights and, into a compiled model, its optimizer state (as Keras 3's load_weights and
 * load_model); `version` is the Keras that wrote it when known (a `.keras` archive's metadata).
 */
function readKeras3Weights(model: Container, f: H5Group, path: string, version: string | null): void {
  assignKeras3Weights(model, f, path);
  const optimizer = getPath(f, 'optimizer/vars');
  if ((model as Model).compiled && optimizer instanceof h5wasm.Group) restoreKeras3Optimizer(model as Model, optimizer, path, version);
}

/** Keras 3's `model.load_weights('x.weights.h5')`. */
export function loadKeras3Weights(model: Container, path: string, label = path): Promise<void> {
  return withH5(path, (f) => readKeras3Weights(model, f, label, null));
}

/** Whether an HDF5 file is Keras 3's (a `layers` group, no Keras 2 `layer_names`). */
export function isKeras3WeightsFile(f: H5Group): boolean {
  return f.attrs.layer_names === undefined && getPath(f, 'layers') instanceof h5wasm.Group && getPath(f, 'model_weights') === null;
}

/**
 * A Keras 3 learning rate: a number, or InverseTimeDecay with decay_steps 1 (Keras 1/2's
 * lr/(1 + decay·t), as our archives write it). Other schedules are refused, never approximated.
 */
function learningRate(v: unknown, path: string): { lr?: unknown; decay?: unknown } {
  if (typeof v !== 'object' || v === null) return v === undefined ? {} : { lr: v };
  const s = v as { class_name?: string; config?: { initial_learning_rate?: number; decay_steps?: number; decay_rate?: number; staircase?: boolean } };
  const c = s.config ?? {};
  if (s.class_name === 'InverseTimeDecay' && c.decay_steps === 1 && !c.staircase) return { lr: c.initial_learning_rate, decay: c.decay_rate };
  throw new KerasFileError(`${path}: the optimizer's learning-rate schedule ${s.class_name ?? JSON.stringify(v).slice(0, 60)} is not supported (only a number or InverseTimeDecay with decay_steps 1)`);
}

/** Keras 3's compile_config in the training_config form compileFromConfig reads. */
function trainingConfigOf(c: Record<string, unknown>, path: string): TrainingConfig {
  const optimizer = c.optimizer as { class_name: string; config: Record<string, unknown> };
  const { learning_rate: lr, ...rest } = optimizer.config;
  return { optimizer_config: { class_name: optimizer.class_name, config: { ...rest, ...learningRate(lr, path) } }, loss: c.loss, metrics: (c.metrics as unknown[] | null) ?? null, loss_weights: c.loss_weights };
}

/**
 * Keras 3's load_model for a `.keras` archive: the model from config.json, its weights from
 * model.weights.h5, and, when the archive was saved compiled, compiled with its optimizer state.
 */
export async function loadKerasArchive(path: string, customObjects: CustomObjects, compile: boolean): Promise<Model> {
  const archive = readKerasArchive(path);
  const where = `${path} (Keras ${archive.metadata.keras_version ?? 'of unknown version'})`;
  const model = modelFromConfig(fromKeras3Model(archive.config as unknown as Record<string, unknown>, where) as unknown as KerasSpec, customObjects);
  try {
    const compileConfig = compile ? archive.config.compile_config : null;
    if (compileConfig && typeof compileConfig === 'object' && compileConfig.optimizer) {
      compileFromConfig(model, trainingConfigOf(compileConfig, path), customObjects);
    }
    await readBytesAsFile(archive.weights, (file) => withH5(file, (f) => {
      readKeras3Weights(model, f, `${path}/model.weights.h5`, archive.metadata.keras_version ?? null);
    }));
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}
