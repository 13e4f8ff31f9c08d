import { CallbackImpl, type Callback } from '../callbacks/callback.js';
import { ValueError } from '../utils/errors.js';
import { bool, int, oneOf, show } from '../utils/option-readers.js';
import type { Options } from '../utils/options.js';

/**
 * The run arguments of fit / evaluate / predict / *OnBatch / *Generator, checked in one place so
 * that every entry point refuses the same bad values with the same message (a batch size of 0
 * used to loop forever in predict). Only the keys present are read; callers apply their defaults.
 */
export interface RunArgs {
  batchSize?: number;
  epochs?: number;
  initialEpoch?: number;
  verbose?: 0 | 1 | 2;
  validationSplit?: number;
  shuffle?: boolean | 'batch';
  callbacks?: Callback[];
  classWeight?: Record<number, number>;
  checkFinite?: boolean;
  samplesPerEpoch?: number;
  stepsPerEpoch?: number;
  nbValSamples?: number;
  validationSteps?: number;
  valSamples?: number;
  steps?: number;
}

/** Keras's class_weight dict: class index → finite weight ≥ 0 (string keys, as JSON gives them, are indices too). */
function classWeights(owner: string, v: unknown): Record<number, number> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ValueError(`${owner}: classWeight must be an object {class: weight}, got ${show(v)}`);
  const out: Record<number, number> = {};
  for (const [k, w] of Object.entries(v)) {
    const c = Number(k);
    if (!Number.isInteger(c) || c < 0) throw new ValueError(`${owner}: classWeight keys must be class indices (integers ≥ 0), got '${k}'`);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new ValueError(`${owner}: classWeight[${k}] must be a finite number ≥ 0, got ${show(w)}`);
    out[c] = w;
  }
  return out;
}

const POSITIVE = ['batchSize', 'samplesPerEpoch', 'stepsPerEpoch', 'nbValSamples', 'validationSteps', 'valSamples', 'steps'] as const;

export function runArgs(owner: string, o: Options): RunArgs {
  const a: RunArgs = {};
  for (const k of POSITIVE) if (o[k] !== undefined) a[k] = int(owner, o, k, { min: 1 });
  if (o.epochs !== undefined) a.epochs = int(owner, o, 'epochs', { min: 0, label: 'epochs (nb_epoch)' });
  if (o.initialEpoch !== undefined) a.initialEpoch = int(owner, o, 'initialEpoch', { min: 0 });
  // null (Python's None) leaves these to the caller's default, as an absent key does.
  if ((o.verbose ?? null) !== null) a.verbose = oneOf(owner, o, 'verbose', [0, 1, 2], 1);
  if (o.validationSplit !== undefined) {
    const s = o.validationSplit;
    if (typeof s !== 'number' || !(s >= 0 && s < 1)) throw new ValueError(`${owner}: validationSplit must be a number in [0, 1), got ${show(s)}`);
    a.validationSplit = s;
  }
  if (o.shuffle !== undefined) {
    if (o.shuffle !== true && o.shuffle !== false && o.shuffle !== 'batch') throw new ValueError(`${owner}: shuffle must be true, false or 'batch', got ${show(o.shuffle)}`);
    a.shuffle = o.shuffle;
  }
  if (o.callbacks !== undefined) {
    const cbs = o.callbacks;
    if (!Array.isArray(cbs)) throw new ValueError(`${owner}: callbacks must be an array of Callback objects, got ${show(cbs)}`);
    const bad = cbs.findIndex((cb) => !(cb instanceof CallbackImpl));
    if (bad >= 0) throw new ValueError(`${owner}: callbacks[${bad}] is not a Callback (got ${show(cbs[bad])})`);
    a.callbacks = cbs as Callback[];
  }
  if (o.classWeight !== undefined) a.classWeight = classWeights(owner, o.classWeight);
  if ((o.checkFinite ?? null) !== null) a.checkFinite = bool(owner, o, 'checkFinite', true);
  return a;
}
