import { ValueError } from './errors.js';
import { isOptions, type Options } from './options.js';

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
