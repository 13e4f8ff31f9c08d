import { ValueError } from './errors.js';
import { isOptions, parseOptions, type Options } from './options.js';

/**
 * Keras positional arguments: `Dense(32, opts)`, `Convolution2D(32, 3, 3, opts)`, or one options
 * object. Returns one raw options object with the positional values under their names.
 */
export function positional(owner: string, args: readonly unknown[], names: readonly string[]): Options {
  const last = args[args.length - 1];
  const opts = isOptions(last) ? last : {};
  const pos = isOptions(last) ? args.slice(0, -1) : args;
  if (pos.length > names.length) throw new ValueError(`${owner}: expected at most ${names.length} positional arguments (${names.join(', ')}), got ${pos.length}`);
  const out: Options = { ...opts };
  pos.forEach((v, i) => {
    if (v === undefined) return;
    if (names[i]! in opts) throw new ValueError(`${owner}: '${names[i]}' given both positionally and as an option`);
    out[names[i]!] = v;
  });
  return out;
}

/**
 * A Keras helper's arguments given positionally or as one options object (`l2(0.01)` and
 * `l2({l: 0.01})`, `maxnorm({m: 2})`), with its defaults; an unknown key names the nearest one.
 */
export function helperArgs(owner: string, args: readonly unknown[], names: readonly string[], defaults: Options): Options {
  return { ...defaults, ...parseOptions(owner, positional(owner, args, names), names) };
}

/** A hyper-parameter that must be a finite number ≥ 0 (or > 0): a clear error instead of a NaN loss. */
export function nonNegative(owner: string, name: string, v: unknown, strict = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (strict && v === 0)) {
    throw new ValueError(`${owner}: ${name} must be a ${strict ? 'positive' : 'non-negative'} number, got ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return v;
}
