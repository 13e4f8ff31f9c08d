import { files, h5wasm } from '#host';
import { H5FileError, hdf5Reason, isHdf5Diagnostic } from './errors.js';
import { writeFileAsBytes } from './scratch.js';

export type H5File = h5wasm.File;
export type H5Group = h5wasm.Group;
export type H5Dataset = h5wasm.Dataset;
export { h5wasm };

let loading: Promise<void> | null = null;
let loaded = false;

/**
 * Loads the wasm module once (on first use, or by core's `init()`, never at import). HDF5's
 * default error handler prints a diagnostic stack and returns -1; the throwing handler turns
 * every failure into a JS exception instead, which we rewrap.
 */
export function h5ready(): Promise<void> {
  loading ??= h5wasm.ready.then((m) => {
    m.activate_throwing_error_handler();
    loaded = true;
  });
  return loading;
}

/** Whether the wasm module is loaded, for the synchronous HDF5Matrix constructor. */
export const h5loaded = (): boolean => loaded;

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const isSignature = (b: Uint8Array): boolean => SIGNATURE.every((v, i) => b[i] === v);

function readAddress(b: Uint8Array, at: number, size: number): number | null {
  if (at + size > b.length) return null;
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i]!);
  return v === (1n << BigInt(8 * size)) - 1n ? null : Number(v); // all ones = undefined address
}

/**
 * Checks what HDF5 itself would only report as a diagnostic: the signature (at 0, 512, 1024, …
 * as the spec allows a user block before it) and the end-of-file address the superblock records,
 * which a truncated copy no longer reaches.
 */
export function checkHdf5Header(path: string, label = path): void {
  const size = files.size(path);
  if (size === undefined) throw new H5FileError(`${label}: no such file`);
  let at = 0;
  while (at + SIGNATURE.length <= size && !isSignature(files.readAt(path, at, SIGNATURE.length))) at = at === 0 ? 512 : at * 2;
  if (at + SIGNATURE.length > size) {
    throw new H5FileError(`${label}: not an HDF5 file (no signature \\x89HDF\\r\\n\\x1a\\n; ${size} bytes)`);
  }
  const sb = files.readAt(path, at, 96);
  const version = sb[8] ?? 0;
  const offsetSize = (version <= 1 ? sb[13] : sb[9]) ?? 8;
  // Versions 0/1: 24 (28) fixed bytes, then base, free-space and EOF addresses. 2/3: 12, base, extension, EOF.
  const fixed = version === 0 ? 24 : version === 1 ? 28 : 12;
  if (sb.length < fixed + 3 * offsetSize) throw new H5FileError(`${label}: truncated HDF5 file (superblock cut off at ${size} bytes)`);
  const base = readAddress(sb, fixed, offsetSize);
  const eof = readAddress(sb, fixed + 2 * offsetSize, offsetSize);
  if (base === null || eof === null) return;
  if (size < base + eof) throw new H5FileError(`${label}: truncated HDF5 file (${size} bytes, the superblock says ${base + eof})`);
}

/** Opens an existing HDF5 file; every failure is an H5FileError that says what is wrong. */
export async function openH5(path: string, mode: 'r' | 'a' = 'r', label = path): Promise<H5File> {
  await h5ready();
  checkHdf5Header(path, label);
  let f: H5File;
  try {
    f = new h5wasm.File(path, mode);
  } catch (e) {
    throw new H5FileError(`${label}: corrupt HDF5 file (${hdf5Reason(e)})`);
  }
  if (f.file_id < 0n) throw new H5FileError(`${label}: cannot open as HDF5`);
  return f;
}

/** Runs `fn` on the opened file and closes it, also when `fn` throws. */
export async function withH5<T>(path: string, fn: (f: H5File) => T | Promise<T>, label = path): Promise<T> {
  const f = await openH5(path, 'r', label);
  try {
    return await fn(f);
  } catch (e) {
    if (!isHdf5Diagnostic(e)) throw e;
    throw new H5FileError(`${label}: corrupt HDF5 file (${hdf5Reason(e)})`);
  } finally {
    f.close();
  }
}

/** Creates a new HDF5 file at `path`; `fill` writes its contents. */
async function createH5(path: string, fill: (f: H5File) => void | Promise<void>): Promise<void> {
  await h5ready();
  const f = new h5wasm.File(path, 'w');
  try {
    await fill(f);
  } finally {
    f.close();
  }
}

/** Creates a new HDF5 file at `path` atomically (Node: through a temporary file beside it). */
export const writeH5Atomic = (path: string, fill: (f: H5File) => void | Promise<void>): Promise<void> =>
  files.writeAtomic(path, (tmp) => createH5(tmp, fill));

/** Makes an HDF5 file in a scratch folder and returns its bytes. */
export const h5Bytes = (fill: (f: H5File) => void | Promise<void>): Promise<Uint8Array> =>
  writeFileAsBytes((path) => createH5(path, fill));
