import { setBackend, type Tensor } from '@kerasgpu/layers';
import { expect } from 'vitest';

/** Tests run on the backend named by KERASGPU_BACKEND (default cpu). */
export async function useBackend(): Promise<void> {
  await setBackend((process.env.KERASGPU_BACKEND as 'cpu' | 'webgpu' | undefined) ?? 'cpu');
}

export async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol * (1 + Math.abs(expected[i]!))) {
      throw new Error(`element ${i}: ${actual[i]} vs expected ${expected[i]} (tol ${tol})\nactual:   ${Array.from(actual).slice(0, 12).join(', ')}\nexpected: ${Array.from(expected).slice(0, 12).join(', ')}`);
    }
  }
}

/** Captures what fit/summary print. */
export async function captureOutput<T>(fn: () => Promise<T> | T): Promise<{ result: T; text: string }> {
  const { setOutput } = await import('@kerasgpu/layers');
  let text = '';
  setOutput((s) => { text += s; });
  try {
    return { result: await fn(), text };
  } finally {
    setOutput((s) => { process.stdout.write(s); });
  }
}

export type Act = (v: number) => number;
/** Float64 reference recurrent activations, written from their definitions (Keras's hard_sigmoid: 0.2x + 0.5, clipped). */
export const ACTS: Record<string, Act> = {
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  hard_sigmoid: (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)),
};
