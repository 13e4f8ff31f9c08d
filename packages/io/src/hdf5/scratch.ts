import { files } from '#host';

/**
 * HDF5 bytes pass through a scratch file, because h5wasm opens files by name: in Node its file
 * system is the real one, in a browser h5wasm's in-memory one (`#host` picks). The folder is
 * private and removed afterwards, also when `use` throws.
 */
const inScratchFile = <T>(name: string, use: (path: string) => Promise<T>): Promise<T> =>
  files.inScratchDir((dir) => use(`${dir}/${name}`));

/** Runs `read` on a file named `name` (default model.h5) holding `bytes`. */
export const readBytesAsFile = <T>(bytes: Uint8Array, read: (path: string) => Promise<T>, name = 'model.h5'): Promise<T> =>
  inScratchFile(name, async (path) => {
    files.writeFile(path, bytes);
    return read(path);
  });

/** Lets `write` create a file, and returns its bytes. */
export const writeFileAsBytes = (write: (path: string) => Promise<void>): Promise<Uint8Array> =>
  inScratchFile('model.h5', async (path) => {
    await write(path);
    return files.readFile(path);
  });
