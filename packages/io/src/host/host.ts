/**
 * What io needs from its host beyond h5wasm: files. Node reads and writes the real file system;
 * a browser has only h5wasm's in-memory file system, where the HDF5 library itself reads and
 * writes. `node.ts` and `browser.ts` each implement this, picked by the package's `browser`
 * import condition (`#host`), so that no other module touches `node:fs` or `process`.
 */
export interface Files {
  /** A file's size in bytes; undefined when there is no such file. */
  size(path: string): number | undefined;
  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  readAt(path: string, offset: number, length: number): Uint8Array;
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
  exists(path: string): boolean;
  /** Runs `use` with a private folder that is removed afterwards, also when `use` throws. */
  inScratchDir<T>(use: (dir: string) => Promise<T>): Promise<T>;
  /** Writes `path` through a temporary file, so that readers never see a partial file. */
  writeAtomic(path: string, write: (tmpPath: string) => void | Promise<void>): Promise<void>;
  /** Lets a signal that arrived during synchronous writing reach its handler. */
  yieldToSignals(): Promise<void>;
}
