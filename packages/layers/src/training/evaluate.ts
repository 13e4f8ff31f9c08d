import { concat, dispose, Tensor, tidy } from '@kerasgpu/core';
import type { Container } from '../engine/container.js';
import { batches, takeRows, type Rows } from './data.js';
import type { Compiled } from './compile.js';
import type { Prepared } from './fit.js';
import { predictStepsOf, stepsOf } from './compiled-step.js';

/**
 * Loss and metrics over all samples (batch means weighted by batch size), one readback at the end.
 * `progress` hears the samples done after each batch (evaluate's bar; counts are known on the host).
 */
export async function evaluateArrays(model: Container, c: Compiled, data: Prepared, batchSize: number, progress?: (seen: number) => void): Promise<number[]> {
  const steps = stepsOf(model, c, 'test');
  // Each step adds its batch's weighted values to the steps' running sums (in its program, when
  // replayed); they start at zero and are released when the run ends.
  let seen = 0;
  try {
    for (const idx of batches(Array.from({ length: data.n }, (_, i) => i), batchSize)) {
      tidy(() => {
        const [xs, ys] = [takeRows(data.xs, idx), takeRows(data.ys, idx)];
        const ws = data.ws.map((w) => (w ? takeRows([w], idx)[0]! : null));
        steps.run(xs, ys, ws, true).dispose();
      });
      seen += idx.length;
      progress?.(seen);
    }
    if (seen === 0) return c.metricsNames.map(() => NaN);
    return Array.from(await steps.sums.read(), (v) => v / data.n);
  } finally {
    steps.sums.release();
  }
}

/**
 * Outputs for every sample, computed batch by batch in inference mode (compiled predict steps:
 * replayed per batch signature on webgpu) and concatenated.
 */
export function predictArrays(model: Container, xs: readonly Rows[], n: number, batchSize: number): Tensor[] {
  const parts: Tensor[][] = [];
  const inMemory = xs.every((x): x is Tensor => x instanceof Tensor);
  const steps = predictStepsOf(model);
  for (const idx of batches(Array.from({ length: n }, (_, i) => i), batchSize)) {
    parts.push(tidy(() => steps.predict(idx.length === n && inMemory ? (xs as Tensor[]) : takeRows(xs, idx))));
  }
  const outs = model.outputs.map((_, k) => (parts.length === 1 ? parts[0]![k]! : concat(parts.map((p) => p[k]!), 0)));
  if (parts.length > 1) dispose(parts.flat());
  return outs;
}
