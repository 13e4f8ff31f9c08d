import { ValueError } from '../utils/errors.js';
import type { Model } from './model.js';

/**
 * How models are written to and read from files. `@kerasgpu/io` registers one when it loads, so
 * layers never imports io (which sits above it).
 */
export interface SaveHandler {
  /** Writes to a path, or with a null target returns the file's bytes. */
  save(model: Model, target: string | null, options: { overwrite: boolean }): Promise<Uint8Array | null>;
  saveWeights(model: Model, target: string | null, options: { overwrite: boolean }): Promise<Uint8Array | null>;
  /** Reads a path or a file's bytes. */
  loadWeights(model: Model, source: string | Uint8Array, options: { byName: boolean }): Promise<void>;
  toYAML(model: Model): string;
}
let handler: SaveHandler | null = null;
export function registerSaveHandler(h: SaveHandler): void { handler = h; }
export function getSaveHandler(): SaveHandler {
  if (!handler) throw new ValueError("saving and loading models needs @kerasgpu/io: import '@kerasgpu/io' once (it registers its HDF5 and YAML handlers)");
  return handler;
}
