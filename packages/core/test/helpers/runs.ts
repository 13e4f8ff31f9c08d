import { beforeAll } from 'vitest';
import { setBackend } from '@kerasgpu/core';

/**
 * Cases per property: about 20 by default so the suite stays fast; KERASGPU_PROPERTY_RUNS
 * raises it for deep runs (e.g. KERASGPU_PROPERTY_RUNS=500 npm test).
 */
export function propertyRuns(): number {
  const env = process.env.KERASGPU_PROPERTY_RUNS;
  const n = env === undefined ? 20 : Number(env);
  if (!Number.isInteger(n) || n < 1) throw new Error(`KERASGPU_PROPERTY_RUNS must be a positive integer, got '${env}'`);
  return n;
}

/** Every check runs on the CPU reference backend, the only one with float64. */
export function useCpuBackend(): void {
  beforeAll(() => setBackend('cpu'));
}
