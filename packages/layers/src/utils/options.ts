import { closest } from './closest.js';
import { UnknownOptionError, ValueError } from './errors.js';

/**
 * The one alias table. Options objects accept camelCase names and the Keras 1 / Keras 2
 * snake_case spellings; `canonicalKey` turns any of them into the camelCase name the code reads.
 * Snake case is converted first (`W_regularizer` → `wRegularizer`, `nb_epoch` → `nbEpoch`), then
 * the Keras 1 name is mapped to its Keras 2 equivalent below. A layer that really uses a name that
 * is an alias elsewhere (Embedding's `outputDim`) lists it among its known options: known wins.
 */
const ALIASES: Readonly<Record<string, string>> = {
  outputDim: 'units',
  init: 'kernelInitializer',
  innerInit: 'recurrentInitializer',
  bias: 'useBias',
  wRegularizer: 'kernelRegularizer',
  bRegularizer: 'biasRegularizer',
  uRegularizer: 'recurrentRegularizer',
  wConstraint: 'kernelConstraint',
  bConstraint: 'biasConstraint',
  uConstraint: 'recurrentConstraint',
  innerActivation: 'recurrentActivation',
  dropoutW: 'dropout',
  dropoutU: 'recurrentDropout',
  nbFilter: 'filters',
  filterLength: 'kernelSize',
  subsample: 'strides',
  subsampleLength: 'strides',
  stride: 'strides',
  borderMode: 'padding',
  dataFormat: 'dimOrdering',
  atrousRate: 'dilationRate',
  poolLength: 'poolSize',
  p: 'rate',
  nbEpoch: 'epochs',
  learningRate: 'lr',
  nbClasses: 'numClasses',
};

/** Keras 2 values that differ from the Keras 1 value the code reads, per canonical key. */
const VALUES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  dimOrdering: { channels_first: 'th', channels_last: 'tf' },
};

const snakeToCamel = (k: string): string => {
  const camel = k.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  return camel.charAt(0).toLowerCase() + camel.slice(1);
};
const camelToSnake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function canonicalKey(key: string, known?: readonly string[]): string {
  const camel = snakeToCamel(key);
  if (known?.includes(camel)) return camel;
  return ALIASES[camel] ?? camel;
}

/** Options every layer accepts (Keras's Layer kwargs). */
export const LAYER_KEYS = ['inputShape', 'batchInputShape', 'inputDim', 'inputLength', 'batchSize', 'name', 'trainable', 'weights', 'dtype', 'inputDtype'] as const;

export type Options = Record<string, unknown>;

/**
 * Canonicalises `opts` for `owner`, whose options are `known` (camelCase). An unknown option is
 * an error naming the nearest known spelling (in the user's style: snake_case if they used it).
 */
export function parseOptions(owner: string, opts: object | undefined, known: readonly string[]): Options {
  const out: Options = {};
  const given = new Map<string, string>();
  if (opts === undefined || opts === null) return out;
  if (typeof opts !== 'object' || Array.isArray(opts)) throw new ValueError(`${owner}: options must be an object, got ${String(opts)}`);
  for (const [key, value] of Object.entries(opts)) {
    if (value === undefined) continue;
    const k = canonicalKey(key, known);
    if (!known.includes(k)) {
      const spellings = [...known, ...Object.keys(ALIASES).filter((a) => known.includes(ALIASES[a]!))];
      const styled = key.includes('_') ? spellings.map(camelToSnake) : spellings;
      throw new UnknownOptionError(owner, key, closest(key, styled));
    }
    // nb_epoch and epochs (or output_dim and units) are one option: two different values are ambiguous.
    const v = typeof value === 'string' && VALUES[k]?.[value] !== undefined ? VALUES[k][value] : value;
    const first = given.get(k);
    if (first !== undefined && out[k] !== v) {
      throw new ValueError(`${owner}: '${first}' and '${key}' name the same option; got ${String(out[k])} and ${String(value)}`);
    }
    given.set(k, key);
    out[k] = v;
  }
  return out;
}

/** Options objects that may be given as the last positional argument. */
export const isOptions = (v: unknown): v is Options =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
