import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as h5wasm from 'h5wasm/node';
import { writeFileAtomic, yieldToSignals } from '../hdf5/atomic.js';
import type { Files } from './host.js';

/** h5wasm's Node build: HDF5 opens the real files by path. */
export { h5wasm };

export const files: Files = {
  size: (path) => statSync(path, { throwIfNoEntry: false })?.size,
  readAt: (path, offset, length) => {
    const fd = openSync(path, 'r');
    try {
      const buf = new Uint8Array(length);
      return buf.subarray(0, readSync(fd, buf, 0, length, offset));
    } finally {
      closeSync(fd);
    }
  },
  readFile: (path) => new Uint8Array(readFileSync(path)),
  writeFile: (path, data) => writeFileSync(path, data),
  exists: (path) => existsSync(path),
  inScratchDir: async (use) => {
    const dir = mkdtempSync(join(tmpdir(), 'kerasgpu-'));
    try {
      return await use(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  writeAtomic: writeFileAtomic,
  yieldToSignals,
};
