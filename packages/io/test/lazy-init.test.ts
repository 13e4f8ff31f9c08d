/**
 * Importing io loads no wasm (no top-level await, so `require` works). HDF5's wasm loads on the
 * first save or load, or in `init()`; the synchronous HDF5Matrix constructor says so before that.
 */
import { describe, expect, it, vi } from 'vitest';
import { fixture } from './helpers.js';

describe('HDF5 loads lazily', () => {
  it('HDF5Matrix before init() names init(); after it, the file is opened', async () => {
    vi.resetModules();
    const { HDF5Matrix } = await import('../src/index.js');
    const { init } = await import('@kerasgpu/layers');
    const path = fixture('k1_cnn_tf_weights.h5');
    expect(() => HDF5Matrix(path, 'nope')).toThrow(/the HDF5 module is not loaded yet; `await init\(\)`/);
    await init({ backend: 'cpu' });
    expect(() => HDF5Matrix(path, 'nope')).toThrow(/has no dataset 'nope'/);
  });
});
