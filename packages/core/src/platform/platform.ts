/// <reference types="@webgpu/types" preserve="true" />
/**
 * Everything the library needs from its host beyond JavaScript itself: environment variables,
 * text output, files and a WebGPU entry point. Node and browsers each get one implementation
 * (`node.ts`, `browser.ts`), picked by the package's `browser` export condition, so that no other
 * module touches `process`, `node:fs` or Dawn.
 */
export interface Platform {
  readonly name: 'node' | 'browser';
  /** An environment variable; a browser has none. */
  env(name: string): string | undefined;
  /** Program output (progress bars, summaries): stdout in Node, the console in a browser. */
  writeOut(text: string): void;
  /** Diagnostics: stderr in Node (never stdout, which a user may pipe), the console in a browser. */
  writeErr(text: string): void;
  /** Whether program output is a terminal that can redraw a line in place (`\r`). */
  outIsTerminal(): boolean;
  /** Replaces a text file's contents (Node only: a browser has no files). */
  writeTextFile(path: string, text: string): void;
  /** Appends to a text file (Node only). */
  appendTextFile(path: string, text: string): void;
  /** The host's WebGPU entry point: `navigator.gpu`, or Dawn's `webgpu` package in Node. */
  gpu(): Promise<GPU>;
}
