import { KerasFileError } from '../hdf5/errors.js';
import { size, type NdArray } from '../hdf5/arrays.js';

/**
 * TensorFlow.js weight data (tfjs-core io `weights_loader` / `io_utils.decodeWeights`): the
 * manifest lists each weight's name, shape and dtype in order; the values lie back to back,
 * little-endian, in the group's shards concatenated in `paths` order (a weight may straddle two
 * shards). A `quantization` entry stores uint8 / uint16 values as v·scale + min, or float16.
 */
export interface TfjsQuantization { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number; original_dtype?: string }
export interface TfjsWeightSpec { name: string; shape: number[]; dtype: string; quantization?: TfjsQuantization; group?: string }
export interface TfjsManifestGroup { paths: string[]; weights: TfjsWeightSpec[] }

/** The tensorflowjs converter's default shard size (4 MiB). */
export const SHARD_BYTES = 4 * 1024 * 1024;

const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function checkSpec(s: TfjsWeightSpec, label: string): void {
  if (typeof s?.name !== 'string' || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new KerasFileError(`${label}: a weightsManifest entry needs a name and a shape of sizes >= 0, got ${JSON.stringify(s)?.slice(0, 100)}`);
  }
  const stored = s.quantization?.dtype ?? s.dtype;
  if (!['float32', 'int32'].includes(s.dtype) || STORED_BYTES[stored] === undefined || (s.quantization && !['uint8', 'uint16', 'float16'].includes(stored))) {
    throw new KerasFileError(`${label}: weight '${s.name}' is stored as ${stored}${s.quantization ? ` (quantized ${s.dtype})` : ''}; kerasgpu reads float32 and int32 weights, quantized uint8 / uint16 / float16`);
  }
}

/** Bytes a spec occupies in the weight data. */
export function specBytes(s: TfjsWeightSpec): number {
  return size(s.shape) * STORED_BYTES[s.quantization?.dtype ?? s.dtype]!;
}

/** IEEE 754 half to number (tfjs-core's float16 dequantization). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decodeOne(s: TfjsWeightSpec, view: DataView, at: number): Float32Array {
  const n = size(s.shape);
  const out = new Float32Array(n);
  const q = s.quantization;
  if (!q) {
    for (let i = 0; i < n; i++) out[i] = s.dtype === 'int32' ? view.getInt32(at + 4 * i, true) : view.getFloat32(at + 4 * i, true);
  } else if (q.dtype === 'float16') {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(at + 2 * i, true));
  } else {
    const [scale, min] = [q.scale ?? 1, q.min ?? 0];
    for (let i = 0; i < n; i++) out[i] = (q.dtype === 'uint8' ? view.getUint8(at + i) : view.getUint16(at + 2 * i, true)) * scale + min;
  }
  return out;
}

/**
 * Each group's weights from its shards (`shards[g]` in `paths` order). The declared sizes are
 * checked against the bytes before anything is decoded.
 */
export function decodeWeights(groups: readonly TfjsManifestGroup[], shards: readonly (readonly Uint8Array[])[], label: string): Map<string, NdArray> {
  const out = new Map<string, NdArray>();
  groups.forEach((g, gi) => {
    for (const s of g.weights) checkSpec(s, label);
    const parts = shards[gi]!;
    const total = parts.reduce((a, p) => a + p.byteLength, 0);
    const want = g.weights.reduce((a, s) => a + specBytes(s), 0);
    if (total !== want) throw new KerasFileError(`${label}: weight group ${gi + 1} (${g.paths.join(', ')}) holds ${total} bytes, its ${g.weights.length} weights need ${want}`);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const p of parts) { bytes.set(p, at); at += p.byteLength; }
    const view = new DataView(bytes.buffer);
    at = 0;
    for (const s of g.weights) {
      if (out.has(s.name)) throw new KerasFileError(`${label}: weight '${s.name}' is listed twice`);
      out.set(s.name, { shape: [...s.shape], data: decodeOne(s, view, at) });
      at += specBytes(s);
    }
  });
  return out;
}

/** float32 little-endian values back to back, cut into shards of at most `shardBytes`. */
export function encodeWeights(arrays: readonly NdArray[], shardBytes = SHARD_BYTES): Uint8Array[] {
  if (!(Number.isInteger(shardBytes) && shardBytes >= 4)) throw new KerasFileError(`tfjs save: shardBytes must be an integer >= 4, got ${shardBytes}`);
  const total = arrays.reduce((a, w) => a + 4 * w.data.length, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const w of arrays) for (let i = 0; i < w.data.length; i++, at += 4) view.setFloat32(at, Number(w.data[i]), true);
  const shards: Uint8Array[] = [];
  for (let from = 0; from < total || shards.length === 0; from += shardBytes) shards.push(bytes.slice(from, Math.min(total, from + shardBytes)));
  return shards;
}
