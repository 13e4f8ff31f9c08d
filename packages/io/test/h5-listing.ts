import { h5wasm, withH5, type H5Group } from '../src/hdf5/h5.js';
import { readBytesAsFile } from '../src/hdf5/scratch.js';

/** Every dataset of an HDF5 file as "path shape dtype", and every group, sorted. */
export async function h5Listing(bytes: Uint8Array): Promise<string[]> {
  return readBytesAsFile(bytes, (file) => withH5(file, (f) => {
    const out: string[] = [];
    const walk = (g: H5Group, at: string) => {
      for (const k of g.keys()) {
        const c = g.get(k);
        if (c instanceof h5wasm.Group) {
          out.push(`${at}${k}/`);
          walk(c, `${at}${k}/`);
        } else if (c instanceof h5wasm.Dataset) out.push(`${at}${k} [${(c.shape ?? []).join(',')}] ${String(c.dtype)}`);
      }
    };
    walk(f, '');
    return out.sort();
  }));
}
