import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { h5ready, h5wasm, type H5File } from './h5.js';

/**
 * Writes `path` through a temporary file in the same folder (so the rename stays on one file
 * system and is atomic): readers see the old file or the complete new one, never a partial one.
 * When `write` throws, the temporary file is removed and the old file is left untouched.
 */
export async function writeFileAtomic(path: string, write: (tmpPath: string) => void | Promise<void>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await write(tmp);
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Creates a new HDF5 file at `path` atomically; `fill` writes its contents. */
export async function writeH5Atomic(path: string, fill: (f: H5File) => void | Promise<void>): Promise<void> {
  await h5ready();
  await writeFileAtomic(path, async (tmp) => {
    const f = new h5wasm.File(tmp, 'w');
    try {
      await fill(f);
    } finally {
      f.close();
    }
  });
}
