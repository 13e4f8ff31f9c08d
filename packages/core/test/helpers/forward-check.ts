import fc from 'fast-check';
import { expect, it } from 'vitest';
import { Tensor, tidy } from '@kerasgpu/core';
import { propertyRuns } from './runs.js';

type Values = Tensor | ArrayLike<number>;

async function valuesOf(v: Values): Promise<ArrayLike<number>> {
  return v instanceof Tensor ? v.data() : v;
}

/** Elementwise |actual − expected| ≤ tolerance·max(1, |expected|), with equal shapes when both are tensors. */
export async function expectClose(actual: Values, expected: Values, tolerance = 1e-9): Promise<void> {
  if (actual instanceof Tensor && expected instanceof Tensor) expect(actual.shape).toEqual(expected.shape);
  const [a, e] = await Promise.all([valuesOf(actual), valuesOf(expected)]);
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= tolerance * Math.max(1, Math.abs(e[i]!)))) {
      throw new Error(`element ${i}: got ${a[i]}, expected ${e[i]} (tolerance ${tolerance})`);
    }
  }
}

/**
 * Registers a property test comparing an op's forward result with an independent reference
 * (a direct loop, or the same math composed from other ops) on generated cases. Both run in
 * one `tidy`, so the tensors they make in between are freed.
 */
export function checkForward<C>(
  name: string,
  cases: fc.Arbitrary<C>,
  actual: (c: C) => Values,
  reference: (c: C) => Values,
  tolerance = 1e-9,
): void {
  it(name, async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const [a, r] = tidy(() => [actual(c), reference(c)] as const);
        try {
          await expectClose(a, r, tolerance);
        } finally {
          for (const v of [a, r]) if (v instanceof Tensor) v.dispose();
        }
      }),
      { numRuns: propertyRuns() },
    );
  });
}
