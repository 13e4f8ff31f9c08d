import { tensor, type Tensor } from '@kerasgpu/core';
import type { Model } from '@kerasgpu/layers';
import { expect } from 'vitest';

/** A fixture's expected outputs (SOURCES.md schema): Keras-computed or the NumPy reference. */
export interface RefIO { name?: string; shape: number[]; dtype: string; data: number[] }
export interface Ref {
  model?: string; weights_only?: string; config?: string;
  inputs: RefIO[]; outputs: RefIO[]; outputs_without_kernel_flip?: Omit<RefIO, 'name'>;
  tolerance: { abs: number; rel?: number };
}

/** The model's outputs on the fixture's inputs, fed exactly as stored (int32 ids stay int32). */
export async function predict(model: Model, ref: Ref): Promise<Float32Array[]> {
  const xs = ref.inputs.map((i) => tensor(i.data, i.shape, i.dtype === 'int32' ? 'int32' : 'float32'));
  const ys = model.predict(xs.length === 1 ? xs[0]! : xs, { batchSize: 1024 });
  const outs = (Array.isArray(ys) ? ys : [ys]) as Tensor[];
  const data = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  for (const t of [...xs, ...outs]) t.dispose();
  return data;
}

/**
 * Keras-computed (`*.expected.json`) or NumPy-reference (`*.ref.json`) outputs, within the
 * fixture's tolerance (|y - e| <= abs + rel·|e|, SOURCES.md) and with max abs error < 1e-4 on
 * outputs of magnitude up to 1 (the arange-weighted conv fixtures reach 1e4, beyond float32's 1e-4).
 */
export function expectClose(got: Float32Array, want: Omit<RefIO, 'name'>, tol: Ref['tolerance']): void {
  expect(got.length).toBe(want.data.length);
  let worst = 0, excess = -Infinity;
  want.data.forEach((e, i) => {
    const d = Math.abs(got[i]! - e);
    worst = Math.max(worst, d / Math.max(1, Math.abs(e)));
    excess = Math.max(excess, d - tol.abs - (tol.rel ?? 0) * Math.abs(e));
  });
  expect(worst).toBeLessThan(1e-4);
  expect(excess).toBeLessThanOrEqual(0);
}
