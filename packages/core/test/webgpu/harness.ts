import fc from 'fast-check';
import * as K from '@kerasgpu/core';
import { platform } from '@kerasgpu/core/platform';
import { WebGpuBackend } from '../../src/backends/webgpu/backend.js';
import { engine } from '../../src/engine.js';

/**
 * WebGPU-vs-CPU comparison harness. One WebGPU device per test process (shaders compile once);
 * outputs are poisoned with NaN before each kernel so an unwritten element fails. With CI=true a
 * missing adapter is a failure, never a skip. Free of vitest and of Node, so that the browser
 * test (scripts/browser/test) runs the same comparisons in a page.
 */
let gpu: WebGpuBackend | null = null;

export async function gpuBackend(): Promise<WebGpuBackend> {
  if (gpu) {
    // Make it the active backend again (a cpu run may have switched away).
    await K.setBackend('webgpu');
    return gpu;
  }
  try {
    await K.setBackend('webgpu');
  } catch (e) {
    throw new Error(`No WebGPU adapter: ${(e as Error).message}. CI=${platform.env('CI') ?? ''}: WebGPU tests must run (install scripts/install-vulkan-cpu.sh)`);
  }
  gpu = engine.backend as WebGpuBackend;
  gpu.poisonOutputs = true;
  return gpu;
}

/** Inputs as plain data so each backend builds its own tensors. */
export interface HostTensor { data: number[]; shape: number[]; dtype?: K.DType }

export const PROPERTY_RUNS = Number(platform.env('KERASGPU_PROPERTY_RUNS') ?? 15);

/** Values in [-range, range] for a shape. */
export function hostTensor(shape: number[], range = 2, dtype: K.DType = 'float32'): fc.Arbitrary<HostTensor> {
  const n = shape.reduce((a, b) => a * b, 1);
  // GPUs (lavapipe included) flush subnormals to zero while the cpu reference keeps them, so a
  // subnormal input could land on a kink (relu'(0)) differently: generate none.
  const value = dtype === 'float32'
    ? fc.float({ min: -range, max: range, noNaN: true, noDefaultInfinity: true }).map((v) => (Math.abs(v) < 1.2e-38 ? 0 : Math.fround(v)))
    : fc.integer({ min: -range, max: range });
  return fc.array(value, { minLength: n, maxLength: n }).map((data) => ({ data, shape, dtype }));
}

async function runOn(backend: 'cpu' | 'webgpu', inputs: HostTensor[], fn: (...xs: K.Tensor[]) => K.Tensor | K.Tensor[]): Promise<{ data: number[]; shape: number[] }[]> {
  if (backend === 'webgpu') await gpuBackend();
  else await K.setBackend('cpu');
  const xs = inputs.map((h) => K.tensor(h.data, h.shape, h.dtype ?? 'float32'));
  const out = fn(...xs);
  const outs = Array.isArray(out) ? out : [out];
  const res = await Promise.all(outs.map(async (t) => ({ data: Array.from(await t.data()), shape: [...t.shape] })));
  for (const t of [...xs, ...outs]) t.dispose();
  return res;
}

/**
 * Asserts fn gives the same result on webgpu as on the cpu reference: shapes equal, and every
 * element within atol + rtol·|cpu| (callers scale atol with the reduction length).
 */
export async function expectSameOnBackends(inputs: HostTensor[], fn: (...xs: K.Tensor[]) => K.Tensor | K.Tensor[], tol: { atol?: number; rtol?: number } = {}): Promise<void> {
  const atol = tol.atol ?? 1e-5;
  const rtol = tol.rtol ?? 1e-5;
  const cpu = await runOn('cpu', inputs, fn);
  const gpuOut = await runOn('webgpu', inputs, fn);
  if (gpuOut.length !== cpu.length) throw new Error(`webgpu gave ${gpuOut.length} outputs, cpu ${cpu.length}`);
  cpu.forEach((c, k) => {
    const g = gpuOut[k]!;
    if (g.shape.join() !== c.shape.join()) throw new Error(`output ${k}: webgpu shape [${g.shape.join(', ')}] vs cpu [${c.shape.join(', ')}]`);
    for (let i = 0; i < c.data.length; i++) {
      const want = c.data[i]!, got = g.data[i]!;
      if (got === want || (Number.isNaN(want) && Number.isNaN(got))) continue;
      if (!(Math.abs(got - want) <= atol + rtol * Math.abs(want))) {
        throw new Error(`output ${k} element ${i} of [${c.shape.join(', ')}]: webgpu ${got} vs cpu ${want}`);
      }
    }
  });
}

/** fast-check property over generated inputs, comparing backends (prints the seed on failure). */
export async function checkKernel<T>(arb: fc.Arbitrary<T>, toInputs: (t: T) => HostTensor[], fn: (t: T) => (...xs: K.Tensor[]) => K.Tensor | K.Tensor[], tol?: (t: T) => { atol?: number; rtol?: number }, runs = PROPERTY_RUNS): Promise<void> {
  await fc.assert(fc.asyncProperty(arb, async (t) => {
    await expectSameOnBackends(toInputs(t), fn(t), tol?.(t));
  }), { numRuns: runs });
}

/** Sizes that stress edges: 1, odd, prime and just past tile sizes. */
export const EDGE_SIZES = [1, 2, 3, 5, 7, 16, 17, 31, 33, 63, 65, 129];
export const edgeSize = (max = 129) => fc.constantFrom(...EDGE_SIZES.filter((s) => s <= max));
