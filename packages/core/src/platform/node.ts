import { appendFileSync, writeFileSync } from 'node:fs';
import { BackendError } from '../errors.js';
import type { Platform } from './platform.js';

// Dawn's GPU object must stay referenced for the whole process: if it is collected while an
// adapter lives, the process segfaults.
let dawn: GPU | null = null;

/**
 * Dawn (the optional `webgpu` package) is loaded only when the webgpu backend is first asked
 * for, so that importing the library costs nothing and cpu-only users need not install it.
 */
async function loadDawn(): Promise<GPU> {
  if (dawn !== null) return dawn;
  let mod: typeof import('webgpu');
  try {
    mod = await import('webgpu');
  } catch (e) {
    throw new BackendError(`webgpu: Dawn's 'webgpu' package could not be loaded (${(e as Error).message}); install it beside kerasgpu: npm install webgpu`);
  }
  dawn = mod.create([]);
  return dawn;
}

export const platform: Platform = {
  name: 'node',
  env: (name) => process.env[name],
  writeOut: (text) => { process.stdout.write(text); },
  writeErr: (text) => { process.stderr.write(text); },
  outIsTerminal: () => process.stdout.isTTY === true,
  writeTextFile: (path, text) => writeFileSync(path, text),
  appendTextFile: (path, text) => appendFileSync(path, text),
  // Deno and future Node versions may offer navigator.gpu; it is preferred where it exists.
  gpu: async () => (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu ?? loadDawn(),
};
