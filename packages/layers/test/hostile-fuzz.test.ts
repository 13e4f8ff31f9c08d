import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dense, KerasGpuError, memory, Sequential, setSeed, Tensor, type Model } from '@kerasgpu/layers';
import { useBackend, values } from './helpers.js';

beforeAll(useBackend);

/**
 * Fuzz of the host-data converters behind fit / evaluate / predict / trainOnBatch / testOnBatch: random x and y
 * (nested arrays with NaN, ±Infinity, values beyond float32, strings, null, undefined, booleans,
 * ragged rows, wrong depths; typed arrays and {data, shape} with wrong shapes). Each call either
 * succeeds, only when the data was entirely valid, leaving finite weights, or throws one of the
 * library's errors naming the argument, with weights and tensor count unchanged. fc.assert prints
 * the seed and path of a failing case (replay with `{ seed, path }`).
 */

const COLS = { x: 3, y: 2 } as const;

// ---- An independent oracle: the shape a host array stands for, or null where any entry is unusable.

/** Keras feeds float32: a number must survive the conversion finite; booleans count as 0 / 1. */
const okLeaf = (v: unknown) => typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(Math.fround(v)));
const isTyped = (a: unknown): a is Float32Array | Float64Array | Int32Array => a instanceof Float32Array || a instanceof Float64Array || a instanceof Int32Array;

function nestedShape(a: unknown): number[] | null {
  if (!Array.isArray(a)) return null;
  if (a.every(Array.isArray)) {
    const inner = a.map(nestedShape);
    if (inner.some((s) => s === null)) return null;
    const first = JSON.stringify(inner[0] ?? []);
    return inner.every((s) => JSON.stringify(s) === first) ? [a.length, ...(inner[0] ?? [])] : null;
  }
  return a.every(okLeaf) ? [a.length] : null;
}

function oracleShape(a: unknown): number[] | null {
  if (isTyped(a)) return Array.from(a).every(okLeaf) ? [a.length] : null;
  if (typeof a === 'object' && a !== null && !Array.isArray(a) && 'data' in a) {
    const { data, shape } = a as { data: unknown; shape: unknown };
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) return null;
    if (!isTyped(data) && !Array.isArray(data)) return null;
    const size = (shape as number[]).reduce((p, d) => p * d, 1);
    return size === data.length && Array.from(data as ArrayLike<unknown>).every(okLeaf) ? shape as number[] : null;
  }
  return nestedShape(a);
}

const validFor = (a: unknown, n: number, cols: number) => JSON.stringify(oracleShape(a)) === JSON.stringify([n, cols]);

// ---- Generators: mostly-valid matrices with a few mutations, so valid and hostile cases both occur.

const hostileLeaf = fc.constantFrom<unknown>(NaN, Infinity, -Infinity, 1e39, -1e39, '1', '0.5', 'abc', '', null, undefined, true, false, {}, [1]);
const goodLeaf = fc.double({ min: -5, max: 5, noNaN: true });

type Mutation =
  | { kind: 'leaf'; row: number; col: number; value: unknown }
  | { kind: 'drop' | 'extra' | 'wrap'; row: number }
  | { kind: 'flatten' | 'deepen' | 'noRows' };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('leaf' as const), row: fc.nat(), col: fc.nat(), value: hostileLeaf }) },
  fc.record({ kind: fc.constantFrom('drop' as const, 'extra' as const, 'wrap' as const), row: fc.nat() }),
  fc.record({ kind: fc.constantFrom('flatten' as const, 'deepen' as const, 'noRows' as const) }),
);
type Form = 'nested' | 'float32' | 'float64' | 'int32' | 'plainData' | 'bareTyped';
const form = fc.constantFrom<Form>('nested', 'nested', 'float32', 'float64', 'int32', 'plainData', 'bareTyped');

/** Mostly 0: a difference in rows (x vs y, shape vs data), now and then one more or one fewer. */
const skewArb = fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.constantFrom(-1, 1));

/** One array of `rows` × `cols` (good values), mutated, in one of the forms fit accepts (or nearly). */
function matrixArb(rows: number, cols: number): fc.Arbitrary<unknown> {
  return fc.tuple(
    fc.array(fc.array(goodLeaf, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }),
    fc.oneof({ weight: 3, arbitrary: fc.constant([] as Mutation[]) }, fc.array(mutation, { minLength: 1, maxLength: 2 })),
    form,
    skewArb, // {data, shape}: a shape that claims one row too few / many
  ).map(([m, muts, f, skew]) => {
    let a: unknown[] = m.map((r) => [...r]);
    for (const u of muts) {
      const row = 'row' in u && a.length > 0 ? a[u.row % a.length] : [];
      if (!Array.isArray(row)) continue; // a row mutation after 'flatten' has no row to change
      if (u.kind === 'leaf') row[u.col % cols] = u.value;
      else if (u.kind === 'drop') row.pop();
      else if (u.kind === 'extra') row.push(0.5);
      else if (u.kind === 'wrap') row[0] = [row[0]];
      else if (u.kind === 'flatten') a = a.flat();
      else if (u.kind === 'deepen') a = [a];
      else a = [];
    }
    if (f === 'nested') return a;
    const flat = a.flat(Infinity) as number[];
    if (f === 'plainData') return { data: flat, shape: [rows + skew, cols] };
    const typed = f === 'float32' ? Float32Array.from(flat) : f === 'float64' ? Float64Array.from(flat) : Int32Array.from(flat);
    return f === 'bareTyped' ? typed : { data: typed, shape: [rows + skew, cols] };
  });
}

/** Free-form nested arrays of random depth (up to 4) and length, any leaves: almost always refused. */
const nestedArb: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.oneof(goodLeaf, hostileLeaf), fc.array(tie('node'), { maxLength: 4 })),
})).node;

const arrayArb = (rows: number, cols: number) => fc.oneof({ weight: 5, arbitrary: matrixArb(rows, cols) }, nestedArb);

const CALLS = ['fit', 'evaluate', 'predict', 'trainOnBatch', 'testOnBatch'] as const;
const caseArb = fc.record({
  rows: fc.integer({ min: 1, max: 6 }),
  yRowsSkew: skewArb, // target rows - input rows
  call: fc.constantFrom(...CALLS),
  batchSize: fc.integer({ min: 1, max: 4 }),
}).chain((c) =>
  fc.record({ c: fc.constant(c), x: arrayArb(c.rows, COLS.x), y: arrayArb(Math.max(1, c.rows + c.yRowsSkew), COLS.y) }));

// ---- The property.

const weightsOf = async (m: Model) => {
  const ws = m.getWeights();
  const out = await Promise.all(ws.map(values));
  for (const w of ws) w.dispose();
  return out;
};

/** Rejects instead of hanging: a call that never settles fails the case (and prints its seed). */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`hang: no answer in ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

describe('hostile input fuzz: the host-data converters', () => {
  it('every call succeeds on valid data with finite weights, or refuses with a named error and changes nothing', async () => {
    const seen = new Set<string>();
    await fc.assert(fc.asyncProperty(caseArb, async ({ c, x, y }) => {
      // A fresh model per case, so a failure replays (and shrinks) without the cases before it.
      setSeed(5);
      const m = Sequential([Dense(COLS.y, { input_dim: COLS.x, activation: 'softmax' })]);
      m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
      const n = c.rows;
      const valid = validFor(x, n, COLS.x) && (c.call === 'predict' || validFor(y, n, COLS.y));
      const before = await weightsOf(m);
      const tensors = memory().numTensors;
      const run = async (): Promise<void> => {
        const o = { batch_size: c.batchSize, verbose: 0 as const };
        if (c.call === 'fit') await m.fit(x as never, y as never, { ...o, epochs: 1 });
        else if (c.call === 'evaluate') await m.evaluate(x as never, y as never, o);
        else if (c.call === 'trainOnBatch') await m.trainOnBatch(x as never, y as never);
        else if (c.call === 'testOnBatch') await m.testOnBatch(x as never, y as never);
        else (m.predict(x as never, o) as Tensor).dispose();
      };
      seen.add(`${c.call} ${valid ? 'accepted' : 'refused'}`);
      let error: unknown;
      try { await withTimeout(Promise.resolve().then(run), 5000); } catch (e) { error = e; }
      const after = await weightsOf(m);
      expect(memory().numTensors, 'tensors leaked').toBe(tensors);
      if (valid) {
        expect(error, 'valid data refused').toBeUndefined();
        expect(after.flat().every(Number.isFinite), 'non-finite weight after training on valid data').toBe(true);
      } else {
        expect(error, `${c.call} accepted invalid data`).toBeInstanceOf(KerasGpuError);
        expect((error as Error).message).toMatch(/\binput\b|\btarget\b|\(x\)|\(y\)/);
        expect(after, 'weights changed by a refused call').toEqual(before);
      }
      m.dispose();
    }), { numRuns: 150 });
    // The generators reach both sides for every call (else the property says little).
    expect([...seen].sort()).toEqual(CALLS.flatMap((k) => [`${k} accepted`, `${k} refused`]).sort());
  });
});
