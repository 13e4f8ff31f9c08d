import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArray, writeArray } from '../src/hdf5/arrays.js';
import { HDF5_OBJECT_HEADER_LIMIT, readStringAttr, readStringList, writeStringAttr, writeStringList } from '../src/hdf5/attrs.js';
import { H5FileError } from '../src/hdf5/errors.js';
import { h5wasm, openH5, withH5, writeH5Atomic } from '../src/hdf5/h5.js';
import { readKerasH5 } from '../src/keras/h5-file.js';
import { fixture, tempDir } from './helpers.js';

const dir = tempDir();
const model = fixture('k1_cnn_tf_model.h5');

describe('opening files', () => {
  it('a missing file says so', async () => {
    await expect(openH5(join(dir, 'nope.h5'))).rejects.toThrow(/nope\.h5: no such file/);
  });

  it('a file without the HDF5 signature is not HDF5', async () => {
    const p = join(dir, 'text.h5');
    writeFileSync(p, 'just some text, definitely not hierarchical data\n'.repeat(30));
    await expect(openH5(p)).rejects.toThrow(H5FileError);
    await expect(openH5(p)).rejects.toThrow(/not an HDF5 file/);
    writeFileSync(join(dir, 'empty.h5'), '');
    await expect(openH5(join(dir, 'empty.h5'))).rejects.toThrow(/not an HDF5 file/);
  });

  it('a truncated file is reported as truncated, at any cut', async () => {
    const bytes = readFileSync(model);
    for (const cut of [10, 60, 5000, bytes.length - 1]) {
      const p = join(dir, `trunc${cut}.h5`);
      writeFileSync(p, bytes.subarray(0, cut));
      await expect(readKerasH5(p)).rejects.toThrow(/truncated HDF5 file/);
    }
  });

  it('a corrupt file is reported as corrupt, not as a crash or a print', async () => {
    const bytes = Buffer.from(readFileSync(model));
    for (let i = 800; i < 1600; i++) bytes[i] = bytes[i]! ^ 0x5a; // the root group's object header
    const p = join(dir, 'corrupt.h5');
    writeFileSync(p, bytes);
    await expect(readKerasH5(p)).rejects.toThrow(/corrupt HDF5 file \(.+\)/);
  });

  it('an HDF5 file that Keras did not write says what is missing', async () => {
    const p = join(dir, 'plain.h5');
    await writeH5Atomic(p, (f) => writeArray(f, 'x', { shape: [2], data: Float32Array.of(1, 2) }));
    await expect(readKerasH5(p)).rejects.toThrow(/not a Keras weights file \(no layer_names/);
  });
});

describe('atomic writes', () => {
  const write = (p: string, v: number, failAfter?: string) =>
    writeH5Atomic(p, (f) => {
      writeStringAttr(f, 'note', `version ${v}`);
      writeArray(f, 'a/b', { shape: [3], data: Float32Array.of(v, v, v) });
      if (failAfter) throw new Error(failAfter);
    });

  it('a failure mid-save leaves the old file intact and no temporary file behind', async () => {
    const p = join(dir, 'atomic.h5');
    await write(p, 1);
    const before = readFileSync(p);
    await expect(write(p, 2, 'injected failure')).rejects.toThrow('injected failure');
    expect(readFileSync(p).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.includes('atomic.h5') && n !== 'atomic.h5')).toEqual([]);
    await withH5(p, (f) => expect(readStringAttr(f, 'note')).toBe('version 1'));
    await write(p, 3);
    await withH5(p, (f) => expect(Array.from(readArray(f, 'a/b').data)).toEqual([3, 3, 3]));
  });
});

/** The metadata h5wasm reports for an attribute: class, size, variable length, charset, shape. */
async function attrTypes(p: string, path: string): Promise<Record<string, unknown>> {
  return withH5(p, (f) => {
    const g = path === '/' ? f : (f.get(path) as InstanceType<typeof h5wasm.Group>);
    return Object.fromEntries(Object.entries(g.attrs).map(([k, a]) => {
      const m = (a as unknown as { metadata: { type: number; size: number; vlen: boolean; cset: number } }).metadata;
      return [k, { type: m.type, size: m.size, vlen: m.vlen, cset: m.cset, shape: a.shape }];
    }));
  });
}

describe('Keras attribute types', () => {
  it('scalar strings, name arrays and empty weight_names are written as Keras writes them', async () => {
    const p = join(dir, 'types.h5');
    await writeH5Atomic(p, (f) => {
      writeStringAttr(f, 'keras_version', '1.1.2');
      const mw = f.create_group('model_weights');
      const names = ['convolution2d_1', 'convolution2d_2', 'activation_1', 'maxpooling2d_1', 'dropout_1', 'flatten_1', 'dense_1', 'activation_2', 'dropout_2', 'dense_2'];
      writeStringList(mw, 'layer_names', names);
      writeStringList(mw.create_group('activation_1'), 'weight_names', []);
      writeStringList(mw.create_group('dense_1'), 'weight_names', ['dense_1_W:0', 'dense_1_b:0']);
    });
    const [ours, keras] = [await attrTypes(p, '/'), await attrTypes(model, '/')];
    expect(ours.keras_version).toEqual(keras.keras_version);
    for (const g of ['model_weights', 'model_weights/activation_1', 'model_weights/dense_1']) {
      expect(await attrTypes(p, g)).toEqual(await attrTypes(model, g));
    }
    await withH5(p, (f) => {
      const mw = f.get('model_weights') as InstanceType<typeof h5wasm.Group>;
      expect(readStringList(mw, 'layer_names')).toHaveLength(10);
      expect(readStringList(mw.get('activation_1') as InstanceType<typeof h5wasm.Group>, 'weight_names')).toEqual([]);
    });
  });

  it('lists longer than the object-header limit split into numbered chunks, as Keras does', async () => {
    const p = join(dir, 'split.h5');
    const names = Array.from({ length: 3000 }, (_, i) => `a_rather_long_layer_name_${i}`);
    await writeH5Atomic(p, (f) => writeStringList(f, 'layer_names', names));
    await withH5(p, (f) => {
      expect(f.attrs.layer_names).toBeUndefined();
      const chunks = Object.keys(f.attrs).sort();
      expect(chunks.length).toBeGreaterThan(1);
      for (const c of chunks) expect((f.attrs[c]!.shape![0]!) * 29).toBeLessThanOrEqual(HDF5_OBJECT_HEADER_LIMIT);
      expect(readStringList(f, 'layer_names')).toEqual(names);
    });
  });

  it('non-ASCII text is refused rather than written in a type h5py reads differently', async () => {
    await expect(writeH5Atomic(join(dir, 'utf.h5'), (f) => writeStringAttr(f, 'x', 'naïve'))).rejects.toThrow(/ASCII/);
  });

  it.skipIf(!hasH5dump() && process.env.CI !== 'true')('h5dump sees the same types as in a file Keras wrote', async () => {
    const p = join(dir, 'dump.h5');
    await writeH5Atomic(p, (f) => {
      writeStringAttr(f, 'keras_version', '1.1.2');
      writeStringList(f, 'layer_names', ['dense_1', 'activation_1']);
    });
    const types = (file: string, attr: string) => {
      const out = execFileSync('h5dump', ['-A', '-a', attr, file], { encoding: 'utf8' });
      return out.split('\n').filter((l) => /STRSIZE|CSET|CTYPE|DATASPACE/.test(l)).map((l) => l.trim().replace(/SIMPLE \{.*\}/, 'SIMPLE'));
    };
    expect(types(p, '/keras_version')).toEqual(types(model, '/keras_version'));
    expect(types(p, '/layer_names')).toEqual(['STRSIZE 12;', 'CSET H5T_CSET_ASCII;', 'CTYPE H5T_C_S1;', 'DATASPACE  SIMPLE']);
  });
});

function hasH5dump(): boolean {
  try {
    execFileSync('h5dump', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
