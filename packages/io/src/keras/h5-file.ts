import { files } from '#host';
import { datasetAt, readDataset, size, type NdArray } from '../hdf5/arrays.js';
import { getPath, readStringAttr, readStringList } from '../hdf5/attrs.js';
import { KerasFileError } from '../hdf5/errors.js';
import { h5wasm, withH5, type H5Dataset, type H5Group } from '../hdf5/h5.js';

/** One layer's group: its weights in `weight_names` order. */
export interface StoredLayer {
  name: string;
  weightNames: string[];
  weights: NdArray[];
}

/** Everything a Keras HDF5 file (model.save or save_weights, Keras 1 or 2) holds, on the host. */
export interface KerasH5 {
  path: string;
  /** `keras_version`; null in Keras 1 save_weights files, which record none. */
  kerasVersion: string | null;
  /** `backend`; null in Keras 1 files. */
  backend: string | null;
  /** Parsed `model_config` (full saves only). */
  modelConfig: Record<string, unknown> | null;
  /** Parsed `training_config` (full saves of compiled models). */
  trainingConfig: Record<string, unknown> | null;
  /** Layer groups in `layer_names` order, weightless layers included. */
  layers: StoredLayer[];
  /** `optimizer_weights`, in its `weight_names` order. */
  optimizerWeights: StoredLayer | null;
}

function parseJsonAttr(g: H5Group, name: string, path: string): Record<string, unknown> | null {
  const s = readStringAttr(g, name);
  if (s === null) return null;
  try {
    return JSON.parse(s) as Record<string, unknown>;
  } catch (e) {
    throw new KerasFileError(`${path}: attribute ${name} is not valid JSON (${(e as Error).message})`);
  }
}

/** A stored layer as its headers declare it, before any data is read: each dataset's shape. */
export interface DeclaredLayer {
  name: string;
  weightNames: string[];
  weights: { shape: number[] }[];
}

/** A Keras file's attributes and declared shapes: what a loader checks before the data is read. */
export interface DeclaredKerasH5 extends Omit<KerasH5, 'layers' | 'optimizerWeights'> {
  layers: DeclaredLayer[];
  optimizerWeights: DeclaredLayer | null;
}

interface OpenLayer {
  name: string;
  weightNames: string[];
  datasets: H5Dataset[];
}

/**
 * A group's weights: `weight_names` entries are paths relative to the group ('/' in a TF scope
 * or a Keras 2 name makes nested groups), so they are resolved as paths, never by listing.
 */
function openLayer(parent: H5Group, name: string, path: string): OpenLayer {
  const g = getPath(parent, name);
  if (!(g instanceof h5wasm.Group)) throw new KerasFileError(`${path}: layer '${name}' is listed in layer_names but has no group`);
  const weightNames = readStringList(g, 'weight_names');
  if (weightNames === null) throw new KerasFileError(`${path}: group ${g.path} has no weight_names attribute`);
  return { name, weightNames, datasets: weightNames.map((w) => datasetAt(g, w)) };
}

const declared = (l: OpenLayer): DeclaredLayer => ({ name: l.name, weightNames: l.weightNames, weights: l.datasets.map((ds) => ({ shape: ds.shape ?? [] })) });

/**
 * A dataset stored without filters keeps all its values in the file, so one that declares more
 * bytes than the file has is a forged header (or was never written): refused, where reading it
 * would allocate the declared size. Compressed datasets are bounded by the loader's model check.
 */
function readBounded(ds: H5Dataset, fileBytes: number, path: string): NdArray {
  const shape = ds.shape ?? [];
  const bytes = size(shape) * ds.metadata.size;
  if (ds.filters.length === 0 && bytes > fileBytes) {
    throw new KerasFileError(`${path}: dataset ${ds.path} declares shape [${shape.join(', ')}] (${bytes} bytes), more than the whole file (${fileBytes} bytes)`);
  }
  return readDataset(ds);
}

/**
 * Reads a Keras HDF5 file; errors say whether the file is not HDF5, damaged, or not Keras's.
 * `check` sees the attributes and declared shapes before any dataset's data is read, and may
 * refuse the file by throwing. `label` names the file in errors (bytes have no path).
 */
export function readKerasH5(path: string, check?: (file: DeclaredKerasH5) => void, label = path): Promise<KerasH5> {
  return withH5(path, (f) => {
    const mw = getPath(f, 'model_weights');
    const weightsGroup = mw instanceof h5wasm.Group ? mw : f;
    const layerNames = readStringList(weightsGroup, 'layer_names');
    if (layerNames === null) {
      throw new KerasFileError(`${label}: not a Keras weights file (no layer_names attribute at ${weightsGroup.path})`);
    }
    const ow = getPath(f, 'optimizer_weights');
    const header = {
      path: label,
      kerasVersion: readStringAttr(f, 'keras_version') ?? readStringAttr(weightsGroup, 'keras_version'),
      backend: readStringAttr(f, 'backend') ?? readStringAttr(weightsGroup, 'backend'),
      modelConfig: parseJsonAttr(f, 'model_config', label),
      trainingConfig: parseJsonAttr(f, 'training_config', label),
    };
    const layers = layerNames.map((n) => openLayer(weightsGroup, n, label));
    const optimizer = ow instanceof h5wasm.Group ? openLayer(f, 'optimizer_weights', label) : null;
    check?.({ ...header, layers: layers.map(declared), optimizerWeights: optimizer && declared(optimizer) });
    const fileBytes = files.size(path)!; // withH5 checked that it exists
    const read = (l: OpenLayer): StoredLayer => ({ name: l.name, weightNames: l.weightNames, weights: l.datasets.map((ds) => readBounded(ds, fileBytes, label)) });
    return { ...header, layers: layers.map(read), optimizerWeights: optimizer && read(optimizer) };
  }, label);
}
