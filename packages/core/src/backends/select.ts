import type { Backend } from '../backend.js';
import { engine } from '../engine.js';
import { BackendError } from '../errors.js';
import { CpuBackend } from './cpu.js';
import { WebGpuBackend } from './webgpu/backend.js';

export type BackendName = 'cpu' | 'webgpu';

/** How to make each backend. */
const factories = new Map<BackendName, () => Promise<Backend>>([
  ['cpu', async () => new CpuBackend()],
  ['webgpu', () => WebGpuBackend.create({ debug: process.env.KERASGPU_WEBGPU_DEBUG === '1' })],
]);
const instances = new Map<BackendName, Backend>();

export function registerBackend(name: BackendName, factory: () => Promise<Backend>): void {
  factories.set(name, factory);
}

async function instance(name: BackendName): Promise<Backend> {
  let b = instances.get(name);
  if (!b) {
    const make = factories.get(name);
    if (!make) throw new BackendError(`setBackend: unknown backend '${name}' (known: ${[...factories.keys()].join(', ')})`);
    b = await make();
    instances.set(name, b);
    if (b instanceof WebGpuBackend) console.log(`kerasgpu: WebGPU adapter: ${b.ctx.facts.description}`);
  }
  return b;
}

/** Makes `name` the active backend. Tensors made on another backend cannot be used with it. */
export async function setBackend(name: BackendName): Promise<void> {
  engine.setBackend(await instance(name));
}

export function getBackend(): BackendName {
  return engine.backend.name;
}

/**
 * Counters of the device work done so far (webgpu: pipelines and bind groups created, dispatches,
 * submits; null on cpu). Differences around a step show what it cost the host.
 */
export function deviceStats(): { pipelines: number; bindGroups: number; dispatches: number; submits: number } | null {
  const b = engine.backend;
  return b instanceof WebGpuBackend ? { ...b.ctx.stats } : null;
}

/** The active backend in words, e.g. `webgpu (llvmpipe: Mesa 25.0.7 ...)` or `cpu (JavaScript reference)`. */
export function backendDescription(): string {
  const b = engine.backend;
  return b instanceof WebGpuBackend ? `webgpu (${b.ctx.facts.description})` : 'cpu (JavaScript reference)';
}

/**
 * Chooses the default backend once: KERASGPU_BACKEND if set, else webgpu when an adapter
 * exists, else cpu with one warning line.
 */
export async function ready(): Promise<void> {
  if (engine.hasBackend) return;
  const wanted = process.env.KERASGPU_BACKEND;
  if (wanted === 'cpu' || wanted === 'webgpu') return setBackend(wanted);
  if (wanted) throw new BackendError(`KERASGPU_BACKEND='${wanted}' is not a backend (cpu, webgpu)`);
  try {
    await setBackend('webgpu');
  } catch (e) {
    console.warn(`kerasgpu: no WebGPU adapter (${(e as Error).message}); using the cpu backend`);
    await setBackend('cpu');
  }
}
