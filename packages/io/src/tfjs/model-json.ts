import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tensor } from '@kerasgpu/core';
import { ValueError, type Model } from '@kerasgpu/layers';
import { writeFileAtomic } from '../hdf5/atomic.js';
import { KerasFileError } from '../hdf5/errors.js';
import { modelFromConfig, withKeras1Defaults, type CustomObjects, type KerasSpec } from '../keras/model-config.js';
import { BACKEND, KERAS_VERSION } from '../keras/save.js';
import { decodeWeights, encodeWeights, specBytes, SHARD_BYTES, type TfjsManifestGroup, type TfjsWeightSpec } from './weights.js';
import { shortenedName, tfjsWeights, type NamedWeight } from './names.js';

/**
 * TensorFlow.js's layers-model `model.json` (tfjs-layers `model.save`, the tensorflowjs
 * converter's `--output_format tfjs_layers_model`): the Keras topology, and a manifest of weight
 * groups, each a list of shard files and the weights their concatenated bytes hold.
 */
export interface TfjsModelJSON {
  /** `{class_name, config, keras_version, backend}` (tfjs-layers), or `{model_config, keras_version, ...}` (the converter, from a Keras file). */
  modelTopology: Record<string, unknown>;
  weightsManifest: TfjsManifestGroup[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: unknown;
}
type Bytes = ArrayBuffer | Uint8Array;
/** A model in memory (a browser's fetch or upload): model.json and the shards' bytes, in manifest order, or all of them concatenated. */
export interface TfjsArtifacts { modelJSON: TfjsModelJSON | string; weightData: Bytes | Bytes[] }
export interface SaveTfjsOptions { shardBytes?: number }
export interface LoadTfjsOptions { customObjects?: CustomObjects }

const u8 = (b: Bytes) => (b instanceof Uint8Array ? b : new Uint8Array(b));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The model.json and shards of `model` (float32 weights, one group). */
async function tfjsArtifacts(model: Model, options: SaveTfjsOptions = {}): Promise<{ modelJSON: TfjsModelJSON; weightData: Uint8Array[] }> {
  const named = tfjsWeights(model.layers);
  const clash = named.find((w, i) => named.findIndex((o) => o.name === w.name) !== i);
  if (clash) throw new ValueError(`tfjs save: two weights would both be named '${clash.name}' (layer ${clash.layer.name}); rename a layer`);
  const arrays = await Promise.all(named.map(async ({ weight: { variable: v } }) => ({ shape: [...v.shape], data: Float32Array.from(await v.data()) })));
  const weightData = encodeWeights(arrays, options.shardBytes ?? SHARD_BYTES);
  const paths = weightData.map((_, i) => `group1-shard${i + 1}of${weightData.length}.bin`);
  const weights: TfjsWeightSpec[] = named.map((w, i) => ({ name: w.name, shape: arrays[i]!.shape, dtype: 'float32' }));
  return {
    modelJSON: {
      // Our configs are Keras 2.1.6's (as in our HDF5 files), which tfjs-layers reads.
      modelTopology: { ...model.serialize(), keras_version: KERAS_VERSION, backend: BACKEND },
      format: 'layers-model', generatedBy: `kerasgpu (Keras ${KERAS_VERSION} layout)`, convertedBy: null,
      weightsManifest: [{ paths, weights }],
    },
    weightData,
  };
}

/**
 * Saves `model` in TensorFlow.js's layers-model format: `dir/model.json` and
 * `dir/group1-shard<i>of<n>.bin` (Node; the folder is created). Without `dir`, returns the
 * model.json object and the shards' bytes instead (any environment).
 */
export function saveTfjs(model: Model): Promise<{ modelJSON: TfjsModelJSON; weightData: Uint8Array[] }>;
export function saveTfjs(model: Model, dir: string, options?: SaveTfjsOptions): Promise<void>;
export async function saveTfjs(model: Model, dir?: string, options: SaveTfjsOptions = {}): Promise<{ modelJSON: TfjsModelJSON; weightData: Uint8Array[] } | void> {
  const artifacts = await tfjsArtifacts(model, options);
  if (dir === undefined) return artifacts;
  mkdirSync(dir, { recursive: true });
  const { paths } = artifacts.modelJSON.weightsManifest[0]!;
  for (const [i, p] of paths.entries()) await writeFileAtomic(join(dir, p), (tmp) => writeFileSync(tmp, artifacts.weightData[i]!));
  await writeFileAtomic(join(dir, 'model.json'), (tmp) => writeFileSync(tmp, JSON.stringify(artifacts.modelJSON)));
}

function parseModelJSON(given: unknown, label: string): TfjsModelJSON {
  let json = given;
  if (typeof given === 'string') {
    try {
      json = JSON.parse(given);
    } catch (e) {
      throw new KerasFileError(`${label}: model.json is not JSON (${String(e)})`);
    }
  }
  if (!isRecord(json) || !isRecord(json.modelTopology)) throw new KerasFileError(`${label}: a tfjs model.json needs a modelTopology object (a graph-model, format '${isRecord(json) ? String(json.format) : '?'}', is not a Keras model)`);
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest) || !manifest.every((g) => isRecord(g) && Array.isArray(g.paths) && g.paths.every((p) => typeof p === 'string') && Array.isArray(g.weights))) {
    throw new KerasFileError(`${label}: weightsManifest is a list of {paths, weights}, got ${JSON.stringify(manifest)?.slice(0, 100)}`);
  }
  return { ...(json as unknown as TfjsModelJSON), weightsManifest: manifest as TfjsManifestGroup[] };
}

/** Splits the shards given in manifest order (or concatenated) into one list per group. */
function shardsByGroup(groups: readonly TfjsManifestGroup[], data: Bytes | Bytes[], label: string): Uint8Array[][] {
  if (!Array.isArray(data)) {
    const all = u8(data);
    const sizes = groups.map((g) => g.weights.reduce((a, s) => a + (isRecord(s) && Array.isArray(s.shape) ? specBytes(s) : 0), 0));
    const want = sizes.reduce((a, b) => a + b, 0);
    if (all.byteLength !== want) throw new KerasFileError(`${label}: the weight data holds ${all.byteLength} bytes, the manifest's weights need ${want}`);
    let at = 0;
    return sizes.map((n) => {
      const part = all.subarray(at, at + n);
      at += n;
      return [part];
    });
  }
  const count = groups.reduce((a, g) => a + g.paths.length, 0);
  if (data.length !== count) throw new KerasFileError(`${label}: weightsManifest lists ${count} shard files, ${data.length} were given`);
  let at = 0;
  return groups.map((g) => g.paths.map(() => u8(data[at++]!)));
}

/**
 * The topology's Keras spec: tfjs-layers writes `{class_name, config}` in Keras 2 form; the
 * converter nests the Keras file's `model_config` (with that file's keras_version, which decides
 * Keras 1 defaults as for HDF5).
 */
function specOf(topology: Record<string, unknown>, label: string): KerasSpec {
  if (isRecord(topology.model_config)) {
    const version = typeof topology.keras_version === 'string' ? topology.keras_version : null;
    return withKeras1Defaults(topology.model_config as unknown as KerasSpec, version);
  }
  if (typeof topology.class_name !== 'string') throw new KerasFileError(`${label}: modelTopology has neither class_name nor model_config`);
  return topology as unknown as KerasSpec;
}

/** Sets every weight of the model from the decoded arrays, by tfjs's names; any unmatched weight on either side is an error. */
function assignByName(model: Model, arrays: Map<string, { shape: number[]; data: Float32Array }>, label: string): void {
  const named = tfjsWeights(model.layers);
  const byName = new Map(named.map((w) => [w.name, w]));
  const values = new Map<NamedWeight['weight'], { shape: number[]; data: Float32Array }>();
  for (const [name, a] of arrays) {
    const w = byName.get(name) ?? byName.get(shortenedName(name));
    if (!w) throw new KerasFileError(`${label}: weight '${name}' belongs to no weight of the model (its weights: ${named.map((n) => n.name).join(', ')})`);
    if (values.has(w.weight)) throw new KerasFileError(`${label}: two weights of the file go to '${w.name}'`);
    if (a.shape.join() !== w.weight.variable.shape.join()) {
      throw new KerasFileError(`${label}: layer ${w.layer.name}: weight ${w.weight.name} has shape [${w.weight.variable.shape.join(', ')}], the file's '${name}' has shape [${a.shape.join(', ')}]`);
    }
    values.set(w.weight, a);
  }
  const missing = named.filter((w) => !values.has(w.weight));
  if (missing.length > 0) throw new KerasFileError(`${label}: the file holds no value for ${missing.map((w) => w.name).join(', ')}`);
  for (const w of named) {
    const a = values.get(w.weight)!;
    const t = tensor(a.data, a.shape);
    try {
      w.weight.variable.assign(t);
    } finally {
      t.dispose();
    }
  }
}

/** Reads a file of a saved model; a missing one is one line naming it. */
function read<T>(path: string, missing: string, fn: (path: string) => T): T {
  if (!existsSync(path)) throw new KerasFileError(`${path}: ${missing}`);
  return fn(path);
}

/**
 * Loads a TensorFlow.js layers model: a path to `model.json` (or to its folder; the shards are
 * read beside it), or the model.json and the shards' bytes from memory. A training config or
 * optimizer weights (tfjs `includeOptimizer`) are refused: kerasgpu does not restore them yet.
 */
export async function loadTfjs(source: string | TfjsArtifacts, options: LoadTfjsOptions = {}): Promise<Model> {
  let label: string;
  let json: TfjsModelJSON;
  let shards: Uint8Array[][];
  if (typeof source === 'string') {
    const file = existsSync(source) && statSync(source).isDirectory() ? join(source, 'model.json') : source;
    label = file;
    json = parseModelJSON(read(file, 'no such file', (f) => readFileSync(f, 'utf8')), label);
    shards = json.weightsManifest.map((g) => g.paths.map((p) => read(join(dirname(file), p), `its shard ${p} is missing`, (f) => new Uint8Array(readFileSync(f)))));
  } else {
    label = '<tfjs model in memory>';
    json = parseModelJSON(source.modelJSON, label);
    shards = shardsByGroup(json.weightsManifest, source.weightData, label);
  }
  const optimizerWeights = json.weightsManifest.flatMap((g) => g.weights).filter((w) => isRecord(w) && w.group === 'optimizer');
  if (optimizerWeights.length > 0 || json.trainingConfig != null) {
    throw new KerasFileError(`${label}: the model was saved with its optimizer (tfjs includeOptimizer: ${optimizerWeights.length} optimizer weights${json.trainingConfig != null ? ', a trainingConfig' : ''}); kerasgpu reads tfjs models without it: save with includeOptimizer false`);
  }
  const arrays = decodeWeights(json.weightsManifest, shards, label);
  const model = modelFromConfig(specOf(json.modelTopology, label), options.customObjects ?? {});
  try {
    assignByName(model, arrays, label);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
