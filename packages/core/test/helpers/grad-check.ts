import fc from 'fast-check';
import { it } from 'vitest';
import { add, memory, mul, RandomStream, sum, tensor, tidy, valueAndGrads, type Tensor } from '@kerasgpu/core';
import type { Case, Input } from './arbitraries.js';
import { propertyRuns } from './runs.js';

export type OpFn = (...xs: Tensor[]) => Tensor | readonly Tensor[];

/** Step of the five-point stencil: its O(h⁴) truncation and O(ε/h) rounding both sit far below the tolerance. */
const H = 1e-3;
const TOLERANCE = 1e-6;
const DIRECTIONS = 3;
/** Below this size a directional derivative is compared absolutely (relative error is meaningless near 0). */
const FLOOR = 1e-3;

const asList = (y: Tensor | readonly Tensor[]): readonly Tensor[] => (Array.isArray(y) ? y : [y as Tensor]);

/** L(xs) = Σ_k Σ w_k ⊙ f(xs)_k: a random scalar functional of every output. */
function weightedLoss(fn: OpFn, xs: Tensor[], weights: readonly Float64Array[]): Tensor {
  return asList(fn(...xs))
    .map((y, k) => sum(mul(y, tensor(weights[k]!, y.shape, 'float64'))))
    .reduce((acc, term) => add(acc, term));
}

/** L at inputs + t·direction, evaluated with no tape. */
async function lossAt(fn: OpFn, inputs: readonly Input[], weights: readonly Float64Array[], dir: readonly Float64Array[], t: number): Promise<number> {
  const l = tidy(() => {
    const xs = inputs.map((x, i) => tensor(Float64Array.from(x.values, (v, k) => v + t * dir[i]![k]!), x.shape, 'float64'));
    return weightedLoss(fn, xs, weights);
  });
  const v = (await l.data())[0]!;
  l.dispose();
  return v;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

const normals = (rng: RandomStream, n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal());

/** Random directions over all inputs together, of unit length: the stencil then steps H in input space whatever the inputs' size. */
function unitDirection(rng: RandomStream, inputs: readonly Input[]): Float64Array[] {
  const dir = inputs.map((x) => normals(rng, x.values.length));
  const norm = Math.sqrt(dir.reduce((s, d) => s + dot(d, d), 0));
  return dir.map((d) => d.map((v) => v / norm));
}

/**
 * Compares the analytic VJP of `fn` (through `valueAndGrads`) with a five-point central
 * difference of the same scalar along DIRECTIONS random directions; throws on a mismatch.
 */
export async function assertGradMatches(fn: OpFn, inputs: readonly Input[], seed: number): Promise<void> {
  const rng = new RandomStream(seed);
  const before = memory().numTensors;
  const xs = inputs.map((x) => tensor(Float64Array.from(x.values), x.shape, 'float64'));
  const shapes = tidy(() => asList(fn(...xs)).map((y) => [...y.shape]));
  const weights = shapes.map((s) => normals(rng, s.reduce((a, b) => a * b, 1)));
  const { value, grads } = valueAndGrads((...a) => weightedLoss(fn, a, weights))(xs);
  const analytic = await Promise.all(grads.map((g) => g.data()));
  [value, ...grads, ...xs].forEach((t) => t.dispose());

  for (let d = 0; d < DIRECTIONS; d++) {
    const dir = unitDirection(rng, inputs);
    const a = analytic.reduce((s, g, i) => s + dot(g, dir[i]!), 0);
    const [m2, m1, p1, p2] = await Promise.all([-2, -1, 1, 2].map((k) => lossAt(fn, inputs, weights, dir, k * H)));
    const numeric = (m2! - 8 * m1! + 8 * p1! - p2!) / (12 * H);
    const err = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), FLOOR);
    if (!(err < TOLERANCE)) {
      throw new Error(`directional derivative ${d}: VJP gives ${a}, finite differences ${numeric} (relative error ${err.toExponential(2)})`);
    }
  }
  const leaked = memory().numTensors - before;
  if (leaked !== 0) throw new Error(`the forward or backward pass leaked ${leaked} tensors`);
}

/**
 * Registers a property test: for each generated case, the VJP of `makeFn(case)` at the case's
 * float64 inputs agrees with finite differences (max relative error < 1e-6). Failures print the
 * fast-check seed, path and shrunk case.
 */
export function checkGrad<C extends Case>(name: string, cases: fc.Arbitrary<C>, makeFn: (c: C) => OpFn): void {
  it(`${name}: VJP matches finite differences`, async () => {
    await fc.assert(
      fc.asyncProperty(cases, fc.integer(), (c, seed) => assertGradMatches(makeFn(c), c.inputs, seed)),
      { numRuns: propertyRuns() },
    );
  });
}
