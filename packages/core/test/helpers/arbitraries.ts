import fc from 'fast-check';

/** One float64 input of a checked op: its shape and row-major values. */
export interface Input { shape: number[]; values: number[] }
/** What every gradient case carries; op-specific cases add their attributes. */
export interface Case { inputs: Input[] }

/**
 * Where values are drawn: [min, max] minus a `margin` around each `avoid` point (kinks and poles),
 * so that finite differences never straddle a point where the derivative jumps.
 */
export interface Dist { min: number; max: number; avoid?: readonly number[]; margin?: number }

export const SMOOTH: Dist = { min: -2, max: 2 };
export const AWAY_FROM_ZERO: Dist = { min: -2, max: 2, avoid: [0] };
export const POSITIVE: Dist = { min: 0.2, max: 3 };

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function valueArb(d: Dist): fc.Arbitrary<number> {
  const margin = d.margin ?? 0.05;
  return fc.double({ min: d.min, max: d.max, noNaN: true }).filter((v) => (d.avoid ?? []).every((k) => Math.abs(v - k) >= margin));
}

/** Dims that exercise broadcasting (1), odd and even sizes, kept small so checks stay fast. */
export const dimArb = fc.constantFrom(1, 2, 3, 5);
export const shapeArb = (minRank = 0, maxRank = 4): fc.Arbitrary<number[]> =>
  fc.array(dimArb, { minLength: minRank, maxLength: maxRank });

/** A shape that broadcasts to `full`: some leading dims dropped, some dims set to 1. */
function broadcastOperand(full: number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.nat(full.length), fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }))
    .map(([drop, ones]) => full.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

/** `n` shapes that broadcast together (NumPy rules). */
export function broadcastShapesArb(n: number, maxRank = 4): fc.Arbitrary<number[][]> {
  return shapeArb(0, maxRank).chain((full) => fc.tuple(...Array.from({ length: n }, () => broadcastOperand(full))));
}

export function inputArb(shape: number[], dist: Dist = AWAY_FROM_ZERO): fc.Arbitrary<Input> {
  const n = sizeOf(shape);
  return fc.array(valueArb(dist), { minLength: n, maxLength: n }).map((values) => ({ shape, values }));
}

/** Inputs of the given shapes; `dist` may differ per input. */
export function inputsArb(shapes: number[][], dist: Dist | readonly Dist[] = AWAY_FROM_ZERO): fc.Arbitrary<Input[]> {
  return fc.tuple(...shapes.map((s, i) => inputArb(s, Array.isArray(dist) ? dist[i]! : (dist as Dist))));
}

/**
 * Inputs whose values are pairwise at least 0.05 apart across all of them: max, min, maxPool
 * and maximum switch branches where two values tie, and this keeps every probe off the ties.
 */
export function distinctInputsArb(shapes: number[][]): fc.Arbitrary<Input[]> {
  const total = shapes.reduce((n, s) => n + sizeOf(s), 0);
  return fc.uniqueArray(fc.integer({ min: -2 * total - 2, max: 2 * total + 2 }), { minLength: total, maxLength: total }).map((ks) => {
    let offset = 0;
    return shapes.map((shape) => {
      const values = ks.slice(offset, offset + sizeOf(shape)).map((k) => k * 0.05);
      offset += sizeOf(shape);
      return { shape, values };
    });
  });
}

/** Cases from a shape arbitrary: `casesOf(broadcastShapesArb(2))`. */
export function casesOf(shapes: fc.Arbitrary<number[][]>, dist: Dist | readonly Dist[] = AWAY_FROM_ZERO): fc.Arbitrary<Case> {
  return shapes.chain((s) => inputsArb(s, dist)).map((inputs) => ({ inputs }));
}

/** Reduction axes for a tensor of `rank`: none given (all), one axis, or a list, with negative spellings. */
export function axesArb(rank: number): fc.Arbitrary<number | number[] | undefined> {
  const axes = Array.from({ length: rank }, (_, i) => i);
  const spelled = (a: number) => fc.boolean().map((negative) => (negative ? a - rank : a));
  return fc.oneof(
    fc.constant(undefined),
    rank === 0 ? fc.constant<number[]>([]) : fc.constantFrom(...axes).chain(spelled),
    fc.subarray(axes).chain((list) => fc.tuple(...list.map(spelled))),
  );
}
