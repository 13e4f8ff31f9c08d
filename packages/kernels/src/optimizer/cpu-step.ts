import type { DataArray } from '../types.js';
import type { Expr, Statement } from './statements.js';

/**
 * The CPU rendering of an optimizer rule's statements (statements.ts), without generating
 * JavaScript source: `new Function` is refused by a page whose Content-Security-Policy lacks
 * 'unsafe-eval'. The statements are compiled once per rule into a list of vector instructions,
 * one per operator or call, which run over the elements a chunk at a time: each instruction is
 * one tight loop (its own function, so V8 optimises it for that operator alone) and the
 * intermediates live in float64 chunk buffers that stay in the L1 cache. A per-element closure
 * tree, or an interpreter over the parsed statements, spends its time in the calls instead.
 *
 * Running statement by statement over a chunk is the same as running all statements per element,
 * since element j only reads element j; intermediates and temporaries are float64 (as a JS
 * expression's are) and each assignment is stored at once, so a float32 array rounds it, as the
 * GPU's f32 variables do.
 */

type Vec = DataArray | Float64Array;
/** `out[oo + j] = f(a[ao + j], b[bo + j], c[co + j])` for j < n (unused operands are ignored). */
type Loop = (o: Vec, oo: number, n: number, a: Vec, ao: number, b: Vec, bo: number, c: Vec, co: number) => void;

/** Elements per chunk: big enough to amortise the dispatch, small enough for the buffers to stay in L1. */
const CHUNK = 1024;

/** The loop of each binary operator, by its symbol in the statement language. */
const OPERATOR_LOOPS: Record<string, Loop> = {
  '+': (o, oo, n, a, ao, b, bo) => { for (let j = 0; j < n; j++) o[oo + j] = a[ao + j]! + b[bo + j]!; },
  '-': (o, oo, n, a, ao, b, bo) => { for (let j = 0; j < n; j++) o[oo + j] = a[ao + j]! - b[bo + j]!; },
  '*': (o, oo, n, a, ao, b, bo) => { for (let j = 0; j < n; j++) o[oo + j] = a[ao + j]! * b[bo + j]!; },
  '/': (o, oo, n, a, ao, b, bo) => { for (let j = 0; j < n; j++) o[oo + j] = a[ao + j]! / b[bo + j]!; },
  /** A comparison yields 1 or 0, which `select` reads as true or false. */
  '!=': (o, oo, n, a, ao, b, bo) => { for (let j = 0; j < n; j++) o[oo + j] = a[ao + j] !== b[bo + j] ? 1 : 0; },
};

/** The callable functions with WGSL's meaning: arity (checked by the parser) and loop. */
export const CALL_LOOPS: Record<string, { arity: number; loop: Loop }> = {
  sqrt: { arity: 1, loop: (o, oo, n, a, ao) => { for (let j = 0; j < n; j++) o[oo + j] = Math.sqrt(a[ao + j]!); } },
  abs: { arity: 1, loop: (o, oo, n, a, ao) => { for (let j = 0; j < n; j++) o[oo + j] = Math.abs(a[ao + j]!); } },
  max: { arity: 2, loop: (o, oo, n, a, ao, b, bo) => { for (let j = 0; j < n; j++) o[oo + j] = Math.max(a[ao + j]!, b[bo + j]!); } },
  /** WGSL's select(f, t, cond). */
  select: { arity: 3, loop: (o, oo, n, f, fo, t, to, c, co) => { for (let j = 0; j < n; j++) o[oo + j] = c[co + j] !== 0 ? t[to + j]! : f[fo + j]!; } },
};

/** A statement whose value is a bare name or number is a copy. */
const copy: Loop = (o, oo, n, a, ao) => { for (let j = 0; j < n; j++) o[oo + j] = a[ao + j]!; };

/** Where a value is: an array (p, g, a slot), a register, a number literal's or a scalar's chunk buffer. */
interface Ref { space: 'array' | 'register' | 'number' | 'scalar'; k: number }

/** The CPU step of the parsed statements over `arrays` (p, g, slots) reading `scalars`. */
export function compileCpuStep(arrays: readonly string[], scalars: readonly string[], statements: readonly Statement[]) {
  const numbers: number[] = [];
  const names = new Map<string, Ref>(arrays.map((a, k) => [a, { space: 'array', k }]));
  const instructions: { loop: Loop; out: Ref; args: Ref[] }[] = [];
  let registers = 0;
  const register = (): Ref => ({ space: 'register', k: registers++ });
  const literal = (v: number): Ref => ({ space: 'number', k: numbers.includes(v) ? numbers.indexOf(v) : numbers.push(v) - 1 });
  /** Emits the instructions of `e` writing into `out` (a new register when undefined); returns where its value is. */
  const emit = (e: Expr, out?: Ref): Ref => {
    if (e.kind === 'num' || e.kind === 'name') {
      const at = e.kind === 'num' ? literal(Number(e.text)) : names.get(e.name) ?? { space: 'scalar', k: scalars.indexOf(e.name) };
      if (out === undefined) return at;
      instructions.push({ loop: copy, out, args: [at] });
      return out;
    }
    const args = e.kind === 'op' ? [emit(e.a), emit(e.b)] : e.args.map((a) => emit(a));
    const loop = e.kind === 'op' ? OPERATOR_LOOPS[e.op]! : CALL_LOOPS[e.fn]!.loop;
    const at = out ?? register();
    instructions.push({ loop, out: at, args });
    return at;
  };
  for (const { target, temp, expr } of statements) {
    // A temporary gets a register of its own (a copy when it names a variable, which may change later).
    const bare = expr.kind === 'num' || expr.kind === 'name';
    names.set(target, emit(expr, temp ? (bare ? register() : undefined) : names.get(target)));
  }

  // The step's vectors: the arrays, then the chunk buffers of the registers, literals and scalars.
  const first = { array: 0, register: arrays.length, number: arrays.length + registers, scalar: arrays.length + registers + numbers.length };
  const index = (r: Ref) => first[r.space] + r.k;
  const program = instructions.map(({ loop, out, args }) => {
    const [a = 0, b = 0, c = 0] = args.map(index);
    return { loop, out: index(out), a, b, c };
  });
  let buffers: Float64Array[] | undefined;

  return (data: readonly DataArray[], values: readonly number[]): void => {
    // Allocated on the first step (importing the rules costs nothing); the scalars are refilled each step.
    buffers ??= Array.from({ length: first.scalar - first.register + scalars.length }, (_, k) => new Float64Array(CHUNK).fill(numbers[k - registers] ?? 0));
    values.forEach((v, k) => buffers![first.scalar - first.register + k]!.fill(v));
    const vecs: Vec[] = [...data, ...buffers];
    const length = data[0]!.length;
    for (let base = 0; base < length; base += CHUNK) {
      const n = Math.min(CHUNK, length - base);
      // Arrays are read and written at the chunk's offset, the chunk buffers from 0.
      const off = (at: number) => (at < first.register ? base : 0);
      for (const { loop, out, a, b, c } of program) loop(vecs[out]!, off(out), n, vecs[a]!, off(a), vecs[b]!, off(b), vecs[c]!, off(c));
    }
  };
}
