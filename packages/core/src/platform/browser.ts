import { BackendError, KerasGpuError } from '../errors.js';
import type { Platform } from './platform.js';

/**
 * The console has no partial lines: text is collected until a newline and each finished line is
 * logged. A carriage return (a progress bar redrawing its line) starts the line over.
 */
function lineWriter(log: (line: string) => void): (text: string) => void {
  let pending = '';
  return (text) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop()!;
    for (const line of lines) log(line.slice(line.lastIndexOf('\r') + 1));
    pending = pending.slice(pending.lastIndexOf('\r') + 1);
  };
}

const noFiles = (path: string): never => {
  throw new KerasGpuError(`cannot write '${path}': a browser has no file system (save models to bytes instead)`);
};

export const platform: Platform = {
  name: 'browser',
  env: () => undefined,
  writeOut: lineWriter((line) => console.log(line)),
  writeErr: lineWriter((line) => console.warn(line)),
  outIsTerminal: () => false,
  writeTextFile: noFiles,
  appendTextFile: noFiles,
  gpu: async () => {
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) throw new BackendError('webgpu: this browser has no WebGPU (navigator.gpu is undefined)');
    return gpu;
  },
};
