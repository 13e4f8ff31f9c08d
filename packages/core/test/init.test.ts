/**
 * Importing core does nothing: no backend, no device, no output. `init()` chooses the backend; an
 * op before it takes cpu. Each case loads a fresh copy of the package (the engine is a singleton).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

type Core = typeof import('@kerasgpu/core');
// Every copy stays referenced: Dawn's GPU object must not be collected while its adapter lives.
const copies: Core[] = [];
const fresh = async (): Promise<Core> => {
  vi.resetModules();
  const K = await import('@kerasgpu/core');
  copies.push(K);
  return K;
};

/** Everything written to stdout and stderr while `fn` runs. */
async function captured(fn: () => Promise<unknown>): Promise<{ out: string; err: string }> {
  let out = '', err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  try {
    await fn();
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  return { out, err };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.doUnmock('webgpu');
});

describe('backend initialisation', () => {
  it('import prints nothing and starts no backend; a first op takes cpu; a later init() keeps it and says why', async () => {
    vi.stubEnv('KERASGPU_BACKEND', '');
    let K!: Core;
    expect(await captured(async () => { K = await fresh(); })).toEqual({ out: '', err: '' });
    const { engine } = await import('../src/engine.js');
    expect(engine.hasBackend).toBe(false);
    expect(await K.tensor([1, 2]).data()).toEqual(new Float32Array([1, 2]));
    expect(K.getBackend()).toBe('cpu');
    const { out, err } = await captured(() => K.init());
    expect(out).toBe('');
    expect(err).toMatch(/init\(\) came after the first op, which already took the cpu backend/);
    expect(K.getBackend()).toBe('cpu');
  });

  it('init() picks webgpu where an adapter exists; KERASGPU_VERBOSE=1 names it on stderr, never stdout', async () => {
    vi.stubEnv('KERASGPU_BACKEND', '');
    vi.stubEnv('KERASGPU_VERBOSE', '1');
    const K = await fresh();
    const { out, err } = await captured(() => K.init());
    expect(K.getBackend()).toBe('webgpu'); // CI installs lavapipe: no adapter is a failure
    expect(out).toBe('');
    expect(err).toContain(`kerasgpu: backend ${K.backendDescription()}\n`);
    expect(K.backendDescription()).toMatch(/^webgpu \(.+\)$/);
    await K.init({ backend: 'cpu' });
    expect(K.backendDescription()).toBe('cpu (JavaScript reference)');
  });

  it('KERASGPU_BACKEND=webgpu: an op before init() is refused, naming init()', async () => {
    vi.stubEnv('KERASGPU_BACKEND', 'webgpu');
    const K = await fresh();
    expect(() => K.tensor([1])).toThrow(K.BackendError);
    expect(() => K.tensor([1])).toThrow(/an op ran before the WebGPU device was opened: call `await init\(\)`/);
  });

  it("without Dawn's webgpu package: setBackend('webgpu') says what to install, init() falls back to cpu with one line", async () => {
    vi.stubEnv('KERASGPU_BACKEND', '');
    vi.doMock('webgpu', () => {
      throw new Error("Cannot find package 'webgpu'");
    });
    const K = await fresh();
    await expect(K.setBackend('webgpu')).rejects.toThrow(/Dawn's 'webgpu' package could not be loaded .*npm install webgpu/);
    const { out, err } = await captured(() => K.init());
    expect(out).toBe('');
    expect(err).toMatch(/^kerasgpu: no WebGPU adapter \(.*npm install webgpu\); using the cpu backend\n$/);
    expect(K.getBackend()).toBe('cpu');
  });
});
