import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * HDF5 bytes pass through a scratch file, because h5wasm opens files by name (in Node its file
 * system is the real one; in a browser it is h5wasm's in-memory one, and this module is where a
 * browser build swaps in `h5wasm.FS`). The folder is private (mkdtemp) and removed afterwards,
 * also when `use` throws.
 */
async function inScratchFile<T>(use: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'kerasgpu-h5-'));
  try {
    return await use(join(dir, 'model.h5'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `read` on a file holding `bytes`. */
export const readBytesAsFile = <T>(bytes: Uint8Array, read: (path: string) => Promise<T>): Promise<T> =>
  inScratchFile(async (path) => {
    writeFileSync(path, bytes);
    return read(path);
  });

/** Lets `write` create a file, and returns its bytes. */
export const writeFileAsBytes = (write: (path: string) => Promise<void>): Promise<Uint8Array> =>
  inScratchFile(async (path) => {
    await write(path);
    return new Uint8Array(readFileSync(path));
  });
