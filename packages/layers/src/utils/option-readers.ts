import { ValueError } from './errors.js';
import type { Options } from './options.js';

/**
 * Typed readers for an options object after `parseOptions` (camelCase keys). Each returns the
 * option with its type or throws a ValueError naming the owner (layer, optimizer, callback), the
 * option and the bad value (`Dense: useBias must be true or false, got 'no'`), so a wrong type is
 * refused where it is given instead of failing deep inside an op. `null` reads as not given: a
 * Keras config writes None for "use the default". `label` names the option in the message where
 * its Keras 1 spelling helps (`units (output_dim)`).
 */

/** JSON of a small value; a big one (a YAML alias bomb expands to billions of entries) is not walked. */
export const shortJSON = (v: unknown): string => {
  let visited = 0;
  try {
    return JSON.stringify(v, (_k, x: unknown) => {
      if (++visited > 100) throw new RangeError('too large');
      return x;
    });
  } catch {
    return `${Array.isArray(v) ? 'an array' : typeof v} too large to show`;
  }
};

/** A value as messages show it: strings quoted, arrays and objects as short JSON. */
export const show = (v: unknown): string =>
  typeof v === 'string' ? `'${v}'` : typeof v === 'function' ? 'a function' : typeof v === 'object' && v !== null ? shortJSON(v) : String(v);

export function invalid(owner: string, name: string, what: string, v: unknown): never {
  throw new ValueError(`${owner}: ${name} must be ${what}, got ${show(v)}`);
}

export interface Range {
  min?: number;
  max?: number;
  /** Exclusive upper bound: decay rates live in [0, 1). */
  below?: number;
  label?: string;
}
type WithDefault<D> = Range & { default: D };

const given = (o: Options, key: string): unknown => o[key] ?? undefined;

function rangeText({ min, max, below }: Range): string {
  if (min !== undefined && below !== undefined) return ` in [${min}, ${below})`;
  if (min !== undefined && max !== undefined) return ` in [${min}, ${max}]`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return below === undefined ? '' : ` < ${below}`;
}
const inRange = (v: number, { min, max, below }: Range): boolean =>
  (min === undefined || v >= min) && (max === undefined || v <= max) && (below === undefined || v < below);

function intText(r: Range): string {
  if (r.max === undefined && r.below === undefined && (r.min === 1 || r.min === 0)) return r.min === 1 ? 'a positive integer' : 'a non-negative integer';
  return `an integer${rangeText(r)}`;
}

/** The body of `int` and `num`: the default when absent, else a number passing `ok` within `range`. */
function numberIn(owner: string, o: Options, key: string, range: Range & { default?: number | null }, ok: (v: number) => boolean, text: string): number | null {
  const v = given(o, key);
  if (v === undefined && range.default !== undefined) return range.default;
  if (typeof v !== 'number' || !ok(v) || !inRange(v, range)) invalid(owner, range.label ?? key, text, o[key]);
  return v;
}

/** `true` or `false`. */
export function bool(owner: string, o: Options, key: string, dflt: boolean): boolean {
  const v = given(o, key);
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') invalid(owner, key, 'true or false', v);
  return v;
}

/** An integer within `range`; without a default the option is required. */
export function int(owner: string, o: Options, key: string, range: WithDefault<number>): number;
export function int(owner: string, o: Options, key: string, range: WithDefault<null>): number | null;
export function int(owner: string, o: Options, key: string, range?: Range): number;
export function int(owner: string, o: Options, key: string, range: Range & { default?: number | null } = {}): number | null {
  return numberIn(owner, o, key, range, Number.isInteger, intText(range));
}

/** A finite number within `range`; without a default the option is required. */
export function num(owner: string, o: Options, key: string, range: WithDefault<number>): number;
export function num(owner: string, o: Options, key: string, range: WithDefault<null>): number | null;
export function num(owner: string, o: Options, key: string, range?: Range): number;
export function num(owner: string, o: Options, key: string, range: Range & { default?: number | null } = {}): number | null {
  return numberIn(owner, o, key, range, Number.isFinite, `a finite number${rangeText(range)}`);
}

/** Any string (a metric name, a separator); without a default, absent reads as undefined. */
export function str(owner: string, o: Options, key: string, dflt: string): string;
export function str(owner: string, o: Options, key: string): string | undefined;
export function str(owner: string, o: Options, key: string, dflt?: string): string | undefined {
  const v = given(o, key);
  if (v === undefined) return dflt;
  if (typeof v !== 'string') invalid(owner, key, 'a string', v);
  return v;
}

const isIn = <T>(allowed: readonly T[], v: unknown): v is T => (allowed as readonly unknown[]).includes(v);

/** `'a', 'b' or 'c'`, as the run arguments' messages list choices. */
const choices = (allowed: readonly unknown[]): string => {
  const shown = allowed.map(show);
  return shown.length < 2 ? shown.join('') : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
};

/** One of a fixed set of values (a mode, a merge rule), typed as that set. */
export function oneOf<const T extends string | number>(owner: string, o: Options, key: string, allowed: readonly T[], dflt: T, label?: string): T {
  const v = given(o, key);
  if (v === undefined) return dflt;
  if (!isIn(allowed, v)) invalid(owner, label ?? key, choices(allowed), v);
  return v;
}

/** A required array of integers (axes, a target shape). */
export function ints(owner: string, o: Options, key: string): number[] {
  const v = given(o, key);
  if (!Array.isArray(v) || !v.every((d) => Number.isInteger(d))) invalid(owner, key, 'an array of integers', o[key]);
  return v as number[];
}

/** A shape: an array of positive integers or null (unknown), as Keras's `(None, 8, 3)`. */
export function dims(owner: string, o: Options, key: string): (number | null)[] | null {
  const v = given(o, key);
  if (v === undefined) return null;
  if (!Array.isArray(v) || v.some((d) => d !== null && !(Number.isInteger(d) && d > 0))) invalid(owner, key, 'an array of positive integers or null', v);
  return v as (number | null)[];
}

/**
 * A name or a function (an activation, a Lambda's body, a merge rule): the kind is checked here;
 * a function's signature cannot be checked at run time, so `F` is the caller's word for it.
 */
export function nameOrFn<F extends (...args: never[]) => unknown>(owner: string, o: Options, key: string): string | F | undefined {
  const v = given(o, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string' && typeof v !== 'function') invalid(owner, key, 'a name or a function', v);
  return v as string | F;
}

/** A dropout fraction in [0, 1): 1 would drop everything and scale by 1/0. */
export function fraction(owner: string, o: Options, key: string, opts: { default?: number; label?: string } = {}): number {
  const v = given(o, key);
  if (v === undefined && opts.default !== undefined) return opts.default;
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) invalid(owner, opts.label ?? key, 'in [0, 1)', o[key]);
  return v;
}
