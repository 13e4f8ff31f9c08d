import type { NdArray } from '../hdf5/arrays.js';
import { KerasFileError } from '../hdf5/errors.js';
import { convLstmKeras1ToKeras2, flipKernel, gruKeras1ToKeras2, lstmKeras1ToKeras2, thKernelToTf } from './kernels.js';
import { reshapeNd, transposeNd } from './ndarray.js';
import { dimOrderingOf, isKeras1, versionLess } from './version.js';

/** What the conversion needs to know about a layer: its Keras class name and config (1 or 2). */
export interface LayerDesc {
  className: string;
  config: Record<string, unknown>;
}

/** Where the stored weights came from: the file's `keras_version` and `backend` attributes. */
export interface WeightsSource {
  kerasVersion: string | null;
  backend: string | null;
}

const CONV1D = new Set(['Convolution1D', 'AtrousConvolution1D', 'Conv1D']);
const CONV2D = new Set(['Convolution2D', 'AtrousConvolution2D', 'Conv2D']);
const CONV3D = new Set(['Convolution3D', 'Conv3D']);
const TRANSPOSED = new Set(['Deconvolution2D', 'Conv2DTranspose']);
const isConv = (c: string) => CONV1D.has(c) || CONV2D.has(c) || CONV3D.has(c) || TRANSPOSED.has(c);

const num = (v: unknown): number | undefined => (Array.isArray(v) ? num(v[0]) : typeof v === 'number' ? v : undefined);

/**
 * Keras 2's `preprocess_weights_for_loading`, on host arrays: turns weights stored by any Keras
 * into the Keras 2 layout with channels-last kernels, which is what our layers hold.
 * - Keras 1 files: 'th' conv kernels (out, in, *spatial) are transposed; Deconvolution2D kernels become
 *   Conv2DTranspose's (rows, cols, filters, in); Conv1D's 4-D kernel
 *   loses its dummy axis; LSTM's 12 and GRU's 9 per-gate arrays are fused; wrappers recurse.
 * - Theano-origin conv kernels are flipped (true convolution → cross-correlation). Like Keras 2,
 *   this follows the file's `backend` attribute, which Keras 1 files lack: pass `backend: 'theano'`
 *   to reproduce what Keras 1 computed on Theano.
 */
export function preprocessWeights(layer: LayerDesc, ws: NdArray[], source: WeightsSource): NdArray[] {
  const { className } = layer;
  if (className === 'Bidirectional' || className === 'TimeDistributed') return wrapped(layer, ws, source);
  let out = ws;
  if (isKeras1(source.kerasVersion)) out = keras1ToKeras2(layer, out, source.kerasVersion);
  if (isConv(className) && source.backend === 'theano' && out.length > 0) out = [flipKernel(out[0]!), ...out.slice(1)];
  // ConvLSTM2D convolves with both kernels (Keras 2 flips both).
  if (className === 'ConvLSTM2D' && source.backend === 'theano' && out.length >= 2) out = [flipKernel(out[0]!), flipKernel(out[1]!), ...out.slice(2)];
  if (className === 'BatchNormalization' && source.kerasVersion !== null && versionLess(source.kerasVersion, '1.0.6') && out.length === 4) {
    // Before 1.0.6 `running_std` held a standard deviation; from then on (and in Keras 2) a variance.
    const s = out[3]!;
    out = [...out.slice(0, 3), { shape: s.shape, data: s.data.map((v) => v * v) }];
  }
  return out;
}

function wrapped(layer: LayerDesc, ws: NdArray[], source: WeightsSource): NdArray[] {
  const inner = layer.config.layer as LayerDesc | undefined;
  if (inner === undefined) throw new KerasFileError(`${layer.className} ${String(layer.config.name)}: config has no inner 'layer'`);
  if (layer.className === 'TimeDistributed') return preprocessWeights(inner, ws, source);
  const half = ws.length / 2; // Bidirectional: forward weights, then backward
  return [...preprocessWeights(inner, ws.slice(0, half), source), ...preprocessWeights(inner, ws.slice(half), source)];
}

function keras1ToKeras2(layer: LayerDesc, ws: NdArray[], kerasVersion: string | null): NdArray[] {
  const { className, config } = layer;
  const [k, ...rest] = ws;
  if (k === undefined) return ws;
  if (CONV1D.has(className) && k.shape.length === 4) {
    // Keras 1 keeps a Conv1D kernel as a 2-D one (length, 1, in, out), or (out, in, length, 1) for 'th'.
    const length = num(config.filter_length ?? config.kernel_size);
    const filters = num(config.nb_filter ?? config.filters);
    const tf = k.shape[0] === length && k.shape[1] === 1 && k.shape[3] === filters;
    const t = tf ? k : transposeNd(k, [2, 3, 1, 0]);
    return [reshapeNd(t, [t.shape[0]!, t.shape[2]!, t.shape[3]!]), ...rest];
  }
  if ((CONV2D.has(className) || CONV3D.has(className)) && dimOrderingOf(config, kerasVersion) === 'th') {
    return [thKernelToTf(k), ...rest];
  }
  if (TRANSPOSED.has(className) && k.shape.length === 4) {
    // Keras 1 stores a Deconvolution2D kernel as a Convolution2D one, (rows, cols, in, filters) for 'tf' and
    // (filters, in, rows, cols) for 'th'; Keras 2's Conv2DTranspose kernel is (rows, cols, filters, in).
    return [transposeNd(k, dimOrderingOf(config, kerasVersion) === 'th' ? [2, 3, 0, 1] : [0, 1, 3, 2]), ...rest];
  }
  if (className === 'LSTM' && ws.length === 12) return lstmKeras1ToKeras2(ws);
  if (className === 'ConvLSTM2D' && ws.length === 12) return convLstmKeras1ToKeras2(ws, dimOrderingOf(config, kerasVersion));
  if (className === 'GRU' && ws.length === 9) return gruKeras1ToKeras2(ws);
  return ws;
}
