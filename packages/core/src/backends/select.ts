import { platform } from '#platform';
import type { Backend } from '../backend.js';
import { engine } from '../engine.js';
import { BackendError } from '../errors.js';
import { CpuBackend } from './cpu.js';
import { WebGpuBackend } from './webgpu/backend.js';

export type BackendName = 'cpu' | 'webgpu';

/** How to make each backend. */
const factories = new Map<BackendName, () => Promise<Backend>>([
  ['cpu', async () => new CpuBackend()],
  ['webgpu', () => WebGpuBackend.create({ debug: platform.env('KERASGPU_WEBGPU_DEBUG') === '1' })],
]);
const instances = new Map<BackendName, Backend>();
/** True while the active backend is the cpu one that a first op took because init() had not run. */
let implicit = false;

export function registerBackend(name: BackendName, factory: () => Promise<Backend>): void {
  factories.set(name, factory);
}

const describe = (b: Backend): string => (b instanceof WebGpuBackend ? `webgpu (${b.ctx.facts.description})` : 'cpu (JavaScript reference)');

/** Remembers a new backend; KERASGPU_VERBOSE=1 names it on stderr (stdout may be piped data). */
function adopt(name: BackendName, b: Backend): Backend {
  instances.set(name, b);
  if (platform.env('KERASGPU_VERBOSE') === '1') platform.writeErr(`kerasgpu: backend ${describe(b)}\n`);
  return b;
}

async function instance(name: BackendName): Promise<Backend> {
  const b = instances.get(name);
  if (b) return b;
  const make = factories.get(name);
  if (!make) throw new BackendError(`setBackend: unknown backend '${name}' (known: ${[...factories.keys()].join(', ')})`);
  return adopt(name, await make());
}

/** Makes `name` the active backend. Tensors made on another backend cannot be used with it. */
export async function setBackend(name: BackendName): Promise<void> {
  engine.setBackend(await instance(name));
  implicit = false;
}

export function getBackend(): BackendName {
  return engine.backend.name;
}

/**
 * Counters of the device work done so far (webgpu: pipelines and bind groups created, dispatches,
 * submits; null on cpu). Differences around a step show what it cost the host.
 */
export function deviceStats(): { pipelines: number; bindGroups: number; dispatches: number; submits: number; writes: number } | null {
  const b = engine.backend;
  return b instanceof WebGpuBackend ? { ...b.ctx.stats } : null;
}

/** The active backend in words, e.g. `webgpu (llvmpipe: Mesa 25.0.7 ...)` or `cpu (JavaScript reference)`. */
export function backendDescription(): string {
  return describe(engine.backend);
}

function wantedFromEnv(): BackendName | undefined {
  const wanted = platform.env('KERASGPU_BACKEND');
  if (wanted === undefined || wanted === '' || wanted === 'cpu' || wanted === 'webgpu') return wanted || undefined;
  throw new BackendError(`KERASGPU_BACKEND='${wanted}' is not a backend (cpu, webgpu)`);
}

/** What else `init()` prepares: packages above core register their asynchronous set-up (io: HDF5's wasm). */
const initSteps: (() => Promise<void>)[] = [];
export function registerInitStep(step: () => Promise<void>): void {
  initSteps.push(step);
}

export interface InitOptions {
  /** The backend to use; by default KERASGPU_BACKEND, else webgpu when an adapter exists, else cpu. */
  backend?: BackendName;
}

/**
 * Chooses the backend, once: `backend` if given (as `setBackend`), else KERASGPU_BACKEND if set,
 * else webgpu when an adapter exists, else cpu with one warning line; and runs the registered
 * init steps. Importing the library does none of this: a program calls `init()` before its first
 * op to get the GPU. An op that runs before any choice takes the cpu backend (see `firstUse`),
 * which `init()` then keeps.
 */
export async function init(options: InitOptions = {}): Promise<void> {
  await Promise.all([chooseBackend(options), ...initSteps.map((step) => step())]);
}

async function chooseBackend(options: InitOptions): Promise<void> {
  if (options.backend) return setBackend(options.backend);
  if (engine.hasBackend) {
    if (implicit && wantedFromEnv() !== 'cpu') {
      platform.writeErr('kerasgpu: init() came after the first op, which already took the cpu backend; call init() before any op to use webgpu\n');
      implicit = false;
    }
    return;
  }
  const wanted = wantedFromEnv();
  if (wanted) return setBackend(wanted);
  try {
    await setBackend('webgpu');
  } catch (e) {
    platform.writeErr(`kerasgpu: no WebGPU adapter (${(e as Error).message}); using the cpu backend\n`);
    await setBackend('cpu');
  }
}

/** The name TensorFlow.js users know for `init()`. */
export const ready = (): Promise<void> => init();

/**
 * The backend an op gets when none was chosen: the cpu one, made synchronously (the webgpu
 * device opens asynchronously, so it needs `await init()`).
 */
function firstUse(): Backend {
  if (wantedFromEnv() === 'webgpu') {
    throw new BackendError("KERASGPU_BACKEND=webgpu, but an op ran before the WebGPU device was opened: call `await init()` (or `await setBackend('webgpu')`) first");
  }
  implicit = true;
  return instances.get('cpu') ?? adopt('cpu', new CpuBackend());
}
engine.onFirstUse = firstUse;
