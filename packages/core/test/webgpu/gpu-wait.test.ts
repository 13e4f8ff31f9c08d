import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { awaitGpu } from '@kerasgpu/kernels';
import { gpuBackend } from './harness.js';

const later = (ms: number, value: number) => new Promise<number>((resolve) => setTimeout(() => resolve(value), ms));
const turns = async (n: number) => { for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r)); };

/** CPU time of the calling thread in ms (Linux: utime + stime of /proc/thread-self/stat, in 10 ms ticks). */
function threadCpuMs(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Runs `fn` counting the naps (Atomics.wait calls) taken meanwhile. (No vi.spyOn: scripts/gpu-bench.sh runs these files without vitest.) */
async function countingNaps(fn: (naps: () => number) => Promise<void>): Promise<number> {
  const wait = Atomics.wait;
  let naps = 0;
  Atomics.wait = ((...args: unknown[]) => { naps++; return Reflect.apply(wait, Atomics, args) as string; }) as typeof Atomics.wait;
  try { await fn(() => naps); } finally { Atomics.wait = wait; }
  return naps;
}

describe('awaitGpu: waiting for the GPU without spinning the main thread', () => {
  it('settles as the promise does, napping only while it is pending', async () => {
    let during = 0;
    const naps = await countingNaps(async (sofar) => {
      await expect(awaitGpu(later(30, 7))).resolves.toBe(7);
      during = sofar();
      await turns(20);
    });
    expect(during).toBeGreaterThan(0);
    expect(naps).toBeLessThanOrEqual(during + 1);
    await expect(awaitGpu(Promise.reject(new Error('device lost')))).rejects.toThrow('device lost');
  });

  it('a short wait does not nap (no added latency)', async () => {
    const naps = await countingNaps(async () => {
      await awaitGpu(Promise.resolve(1));
      await turns(5);
    });
    expect(naps).toBe(0);
  });

  // Dawn's Node binding polls with setImmediate while a wait is pending; before awaitGpu, the
  // main thread spent ~85% of a core there while lavapipe's threads did the work.
  it('the main thread stays mostly idle while a long GPU job runs', async () => {
    if (!existsSync('/proc/thread-self/stat')) return; // a per-thread CPU clock is Linux's; CI and the GPU machine are Linux
    const gpu = await gpuBackend();
    gpu.poisonOutputs = false;
    const a = K.randomUniform([512, 512], -0.05, 0.05, 1);
    try {
      for (let n = 4; ; n *= 2) {
        const y = K.tidy(() => {
          let p = a;
          for (let i = 0; i < n; i++) p = K.matMul(p, a);
          return p;
        });
        const cpu0 = threadCpuMs(), t0 = performance.now();
        await K.sync();
        const wall = performance.now() - t0, cpu = threadCpuMs() - cpu0;
        y.dispose();
        if (wall < 300 && n < 256) continue; // too short to measure at a 10 ms tick
        // Two 10 ms ticks of slack for the host's own work (the submit, the tick rounding).
        expect(cpu, `main thread ${cpu} ms of CPU in a ${wall.toFixed(0)} ms wait`).toBeLessThan(0.5 * wall + 20);
        break;
      }
    } finally {
      a.dispose();
      gpu.poisonOutputs = true;
    }
  });
});
