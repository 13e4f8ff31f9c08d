import { ValueError } from './errors.js';

/**
 * The one table of Keras spellings of names (not of options: those are `options.ts`). camelCase is
 * canonical; every Keras 1 (and Keras 2) public name a user ports is listed here with the camelCase
 * name it stands for. From this table:
 * - `installKerasNames` gives each class's prototype the Keras spelling as an accessor forwarding
 *   to the camelCase member (`model.to_json()`, `model.stop_training = true`);
 * - names a subclass may define (`get_output_shape_for`, `on_epoch_end`) are routed to the
 *   camelCase member the library calls (`routeKerasOverrides`), so a Keras-style subclass is not
 *   silently ignored;
 * - `guardKerasNames` makes a Keras spelling that is not listed but whose camelCase member exists
 *   an error naming the camelCase spelling, instead of `undefined`;
 * - the functions' aliases are exported by each package's index (a test checks index = table),
 *   and the layers README lists the table (a test checks README = table).
 */
export const KERAS_METHOD_NAMES = {
  Layer: {
    get_weights: 'getWeights', set_weights: 'setWeights', count_params: 'countParams', get_config: 'getConfig',
    trainable_weights: 'trainableWeights', non_trainable_weights: 'nonTrainableWeights', batch_input_shape: 'batchInputShape',
    supports_masking: 'supportsMasking', inbound_nodes: 'inboundNodes', compute_mask: 'computeMask',
    get_output_shape_for: 'computeOutputShape', compute_output_shape: 'computeOutputShape',
  },
  Container: { get_layer: 'getLayer' },
  Model: {
    to_json: 'toJSON', to_yaml: 'toYAML', save_weights: 'saveWeights', load_weights: 'loadWeights',
    fit_generator: 'fitGenerator', evaluate_generator: 'evaluateGenerator', predict_generator: 'predictGenerator',
    predict_classes: 'predictClasses', predict_proba: 'predictProba', train_on_batch: 'trainOnBatch', test_on_batch: 'testOnBatch',
    predict_on_batch: 'predictOnBatch', reset_states: 'resetStates', metrics_names: 'metricsNames', stop_training: 'stopTraining',
    input_names: 'inputNames', output_names: 'outputNames',
  },
  RNN: { reset_states: 'resetStates', return_sequences: 'returnSequences', go_backwards: 'goBackwards' },
  Callback: {
    on_train_begin: 'onTrainBegin', on_train_end: 'onTrainEnd', on_epoch_begin: 'onEpochBegin', on_epoch_end: 'onEpochEnd',
    on_batch_begin: 'onBatchBegin', on_batch_end: 'onBatchEnd', set_model: 'setModel', set_params: 'setParams',
  },
  Optimizer: { get_config: 'getConfig' },
} as const;

/** Members a Keras subclass defines for the library to call: a definition under the Keras spelling is routed to the camelCase one. */
export const KERAS_OVERRIDES = {
  Layer: ['get_output_shape_for', 'compute_output_shape', 'compute_mask', 'get_config'],
  Callback: ['on_train_begin', 'on_train_end', 'on_epoch_begin', 'on_epoch_end', 'on_batch_begin', 'on_batch_end'],
} as const satisfies { [K in keyof typeof KERAS_METHOD_NAMES]?: readonly (keyof (typeof KERAS_METHOD_NAMES)[K])[] };

/** Module functions under their Keras spelling, per package: each index exports both names. */
export const KERAS_FUNCTION_NAMES = {
  '@kerasgpu/layers': {
    to_categorical: 'toCategorical', set_image_dim_ordering: 'setImageDimOrdering', image_dim_ordering: 'imageDimOrdering',
    l1_l2: 'l1l2', activity_l1: 'activityL1', activity_l2: 'activityL2', activity_l1l2: 'activityL1l2',
    max_norm: 'maxnorm', non_neg: 'nonneg', unit_norm: 'unitnorm',
  },
  '@kerasgpu/io': {
    load_model: 'loadModel', save_model: 'saveModel', model_from_json: 'modelFromJSON', model_from_yaml: 'modelFromYAML',
    model_from_config: 'modelFromConfig', model_to_dot: 'modelToDot', plot: 'plotModel', plot_model: 'plotModel', pad_sequences: 'padSequences',
  },
} as const;

type Table = Readonly<Record<string, string>>;

/**
 * The Keras-spelled members of T for a table section (types for `interface X extends KerasSpelled<...>`).
 * Names a subclass may define (`Skip`) are declared as methods by the class's interface instead: a
 * mapped type makes properties, which a subclass could not override with a method.
 */
export type KerasSpelled<T, M extends Table, Skip extends string = never> = { -readonly [K in Exclude<keyof M, Skip>]: M[K] extends keyof T ? T[M[K]] : never };

/** Defines each Keras spelling of `table` on `proto` as an accessor to the camelCase member. */
export function installKerasNames(proto: object, table: Table): void {
  for (const [keras, camel] of Object.entries(table)) {
    Object.defineProperty(proto, keras, {
      configurable: true,
      get(this: Record<string, unknown>) { return this[camel]; },
      set(this: Record<string, unknown>, v: unknown) { this[camel] = v; },
    });
  }
}

/** Whether `key` is defined on `obj` or its prototypes below `base` (by a subclass or the instance). */
function definedBelow(obj: object, key: string, base: object): boolean {
  for (let p: object | null = obj; p !== null && p !== base; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.hasOwn(p, key)) return true;
  }
  return false;
}

/**
 * Called from a base class's constructor: where the instance's class defines a member under its
 * Keras spelling (`on_epoch_end`), the camelCase member the library calls becomes that one. A
 * class defining both spellings is refused, since one of them would be silently ignored.
 */
export function routeKerasOverrides(instance: object, base: object, owner: string, table: Table, overrides: readonly string[]): void {
  for (const keras of overrides) {
    if (!definedBelow(instance, keras, base)) continue;
    const camel = table[keras]!;
    const fn = (instance as Record<string, unknown>)[keras];
    if ((instance as Record<string, unknown>)[camel] === fn) continue; // routed before
    if (definedBelow(instance, camel, base)) {
      throw new ValueError(`${owner}: defines both ${camel} and its Keras spelling ${keras}; define one of them`);
    }
    Object.defineProperty(instance, camel, { configurable: true, writable: true, value: fn });
  }
}

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
const toCamel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Puts a guard at the end of `cls`'s prototype chain: reading or assigning a snake_case name that
 * the table does not list, on an object that has the camelCase member, is an error naming it
 * (instead of reading `undefined` or setting a property nothing reads). Other lookups pass through.
 */
export function guardKerasNames(cls: { prototype: object; name: string }): void {
  const top = Object.getPrototypeOf(cls.prototype) as object;
  const check = (key: string | symbol, receiver: object) => {
    if (typeof key !== 'string' || !SNAKE.test(key)) return;
    const camel = toCamel(key);
    if (camel in receiver) {
      const owner = (receiver.constructor as { name?: string } | undefined)?.name?.replace(/Impl$/, '') ?? cls.name;
      throw new ValueError(`${owner}.${key} is not a Keras name kerasgpu supports under that spelling; use ${camel} (camelCase)`);
    }
  };
  Object.setPrototypeOf(cls.prototype, new Proxy(top, {
    get(target, key, receiver: object) {
      if (!Reflect.has(target, key)) check(key, receiver);
      return Reflect.get(target, key, receiver);
    },
    set(target, key, value, receiver: object) {
      if (!Reflect.has(target, key)) check(key, receiver);
      return Reflect.set(target, key, value, receiver);
    },
  }));
}

/** Markdown of the whole table, as the layers README lists it. */
export function kerasNamesMarkdown(): string {
  const rows: string[] = ['| Keras spelling | kerasgpu name | on |', '| --- | --- | --- |'];
  for (const [owner, t] of Object.entries(KERAS_METHOD_NAMES)) {
    const hooks: readonly string[] = (KERAS_OVERRIDES as Record<string, readonly string[]>)[owner] ?? [];
    for (const [k, c] of Object.entries(t)) rows.push(`| \`${k}\` | \`${c}\` | ${owner}${hooks.includes(k) ? ' (a subclass may define it)' : ''} |`);
  }
  for (const [pkg, t] of Object.entries(KERAS_FUNCTION_NAMES)) {
    for (const [k, c] of Object.entries(t)) rows.push(`| \`${k}\` | \`${c}\` | \`${pkg}\` function |`);
  }
  return rows.join('\n');
}
