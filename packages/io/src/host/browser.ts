import * as h5wasm from 'h5wasm';
import { KerasFileError } from '../hdf5/errors.js';
import type { Files } from './host.js';

/** h5wasm's ESM build (the wasm inlined): HDF5 works on Emscripten's in-memory file system. */
export { h5wasm };

/** h5wasm's in-memory file system, which exists once its module has loaded. */
async function memfs(): Promise<NonNullable<typeof h5wasm.FS>> {
  await h5wasm.ready;
  return h5wasm.FS!;
}
/** For the synchronous calls, which come only after a scratch folder (so the module) exists. */
function loadedFs(): NonNullable<typeof h5wasm.FS> {
  if (h5wasm.FS === null) throw new KerasFileError('h5wasm is not loaded yet (await init() first)');
  return h5wasm.FS;
}

const statSize = (path: string): number | undefined => {
  try {
    return loadedFs().stat(path).size;
  } catch {
    return undefined;
  }
};

let scratchCount = 0;

export const files: Files = {
  size: statSize,
  readAt: (path, offset, length) => loadedFs().readFile(path, { encoding: 'binary' }).subarray(offset, offset + length),
  readFile: (path) => loadedFs().readFile(path, { encoding: 'binary' }),
  writeFile: (path, data) => loadedFs().writeFile(path, data),
  exists: (path) => statSize(path) !== undefined,
  inScratchDir: async (use) => {
    const fs = await memfs();
    const dir = `/kerasgpu-scratch-${++scratchCount}`;
    fs.mkdir(dir);
    try {
      return await use(dir);
    } finally {
      for (const name of fs.readdir(dir)) if (name !== '.' && name !== '..') fs.unlink(`${dir}/${name}`);
      fs.rmdir(dir);
    }
  },
  writeAtomic: async (path) => {
    throw new KerasFileError(`cannot save ${path}: a browser has no file system (save to bytes: model.save() with no path returns the file as a Uint8Array)`);
  },
  // No signals in a page; a macrotask lets the page stay responsive between layers.
  yieldToSignals: () => new Promise((done) => setTimeout(done, 0)),
};
