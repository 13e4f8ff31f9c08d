import { KerasFileError } from '../hdf5/errors.js';

/**
 * One layer spec between our (Keras 2.1.6) form and Keras 3's. Both directions are generated from
 * the tables below, so what we write is exactly what we read back.
 */
type Spec = Record<string, unknown>;
const isRecord = (v: unknown): v is Spec => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Layers of Keras 1/2 that Keras 3 dropped (checked against Keras 3.1.1's `keras.layers`), and
 * Keras 1 options that Keras 3's layer of that name refuses ("Unrecognized keyword arguments").
 * Such a layer is written as a custom object, `kerasgpu>Class`: Keras 3 loads it when the class is
 * registered under that name, and otherwise says which class it cannot locate — never a built-in
 * layer computing something else.
 */
const NOT_IN_KERAS3 = new Set(['ThresholdedReLU', 'ParametricSoftplus', 'SReLU', 'Highway', 'MaxoutDense', 'LocallyConnected1D', 'LocallyConnected2D', 'Merge']);
const KERAS1_ONLY_OPTION: Readonly<Record<string, string>> = { BatchNormalization: 'mode', Conv2DTranspose: 'output_shape' };
const CUSTOM_PREFIX = 'kerasgpu>';

/** Config keys Keras 3 renamed: ours → Keras 3's. */
const RENAMED: Readonly<Record<string, Readonly<Record<string, string>>>> = { LeakyReLU: { alpha: 'negative_slope' } };
/** Keys Keras 3's layer refuses and whose value the model's input shape carries (restored from it on reading). */
const DROPPED: Readonly<Record<string, readonly string[]>> = { Embedding: ['input_length'] };

/**
 * Keras 3's `hard_sigmoid` is relu6(x + 3)/6 (slope 1/6); Keras 1/2's, ours, is clip(0.2x + 0.5).
 * Ours is written as a registered custom function, so Keras 3 never swaps one for the other.
 */
const ACTIVATION_KEYS = ['activation', 'recurrent_activation'];
const KERAS2_HARD_SIGMOID = { module: 'kerasgpu.activations', class_name: 'function', config: `${CUSTOM_PREFIX}hard_sigmoid`, registered_name: 'function' };

const rename = (config: Spec, table: Readonly<Record<string, string>> | undefined, back: boolean): Spec => {
  if (!table) return config;
  const map = new Map(Object.entries(table).map(([a, b]) => (back ? [b, a] : [a, b])));
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [map.get(k) ?? k, v]));
};

/** Whether Keras 3 has no built-in form of this layer (so it is written as a custom object). */
export const isCustomInKeras3 = (className: string, config: Spec): boolean =>
  NOT_IN_KERAS3.has(className) || (KERAS1_ONLY_OPTION[className] !== undefined && config[KERAS1_ONLY_OPTION[className]] != null);

/**
 * Our `{class_name, config}` as Keras 3 serializes a layer: `module`, `registered_name`, Keras 3's
 * keys, activations by Keras 3's meaning; `inner` maps a wrapper's nested layer the same way.
 */
export function toKeras3Layer(className: string, config: Spec, nested: (config: Spec) => Spec): Spec {
  if (isCustomInKeras3(className, config)) return { module: 'kerasgpu.layers', class_name: className, config: nested(config), registered_name: `${CUSTOM_PREFIX}${className}` };
  const kept = Object.fromEntries(Object.entries(config).filter(([k]) => !DROPPED[className]?.includes(k)).map(([k, v]) => [
    k,
    ACTIVATION_KEYS.includes(k) && v === 'hard_sigmoid' ? KERAS2_HARD_SIGMOID
      : k === 'layer' && isRecord(v) && typeof v.class_name === 'string' ? toKeras3Layer(v.class_name, v.config as Spec, nested) : v,
  ]));
  return { module: 'keras.layers', class_name: className, config: nested(rename(kept, RENAMED[className], false)), registered_name: null };
}

/**
 * A Keras 3 layer spec in our form: `kerasgpu>` custom objects are our classes again, renamed keys
 * come back, and Keras 3's own hard_sigmoid (which we do not have) is refused naming the layer.
 * `where` names the file and the Keras that wrote it.
 */
export function fromKeras3Layer(spec: Spec, where: string): Spec {
  const className = spec.class_name as string;
  const registered = typeof spec.registered_name === 'string' && spec.registered_name.startsWith(CUSTOM_PREFIX) ? spec.registered_name.slice(CUSTOM_PREFIX.length) : null;
  if (!isRecord(spec.config)) return spec;
  if (registered !== null) return { ...spec, class_name: registered };
  const config = Object.fromEntries(Object.entries(spec.config).map(([k, v]) => {
    if (ACTIVATION_KEYS.includes(k) && isRecord(v) && v.config === KERAS2_HARD_SIGMOID.config) return [k, 'hard_sigmoid'];
    if (ACTIVATION_KEYS.includes(k) && v === 'hard_sigmoid') {
      throw new KerasFileError(`${where}: layer '${String((spec.config as Spec).name)}' (${className}) uses Keras 3's hard_sigmoid (relu6(x + 3) / 6), which kerasgpu does not have (its hard_sigmoid is Keras 1/2's clip(0.2x + 0.5))`);
    }
    return [k, k === 'layer' && isRecord(v) && typeof v.class_name === 'string' ? fromKeras3Layer(v, where) : v];
  }));
  return { ...spec, config: rename(config, RENAMED[className], true) };
}

/**
 * A Keras 3 Sequential starts with its InputLayer; ours (as Keras 2) keeps the input shape on the
 * first layer: folded back, with an Embedding's input_length (dropped on writing) from that shape.
 */
export function foldInputLayer(layers: Spec[]): Spec[] {
  const [input, first, ...rest] = layers;
  if (!input || !first || input.class_name !== 'InputLayer' || !isRecord(input.config) || !isRecord(first.config)) return layers;
  if (['Sequential', 'Functional', 'Model'].includes(first.class_name as string) || first.config.batch_input_shape !== undefined) return layers;
  const shape = input.config.batch_shape ?? input.config.batch_input_shape;
  const length = Array.isArray(shape) && shape.length === 2 && first.class_name === 'Embedding' && first.config.input_length == null ? { input_length: shape[1] } : {};
  return [{ ...first, config: { ...first.config, batch_input_shape: shape, ...length } }, ...rest];
}

/** A Keras 3 model config (Sequential or Functional, nested models too) with every layer in our form. */
export function fromKeras3Model(spec: Spec, where: string): Spec {
  const c = spec.config;
  if (!isRecord(c) || !Array.isArray(c.layers)) return spec;
  const layers = (c.layers as Spec[]).map((l) => (isRecord(l.config) && Array.isArray(l.config.layers) ? fromKeras3Model(l, where) : fromKeras3Layer(l, where)));
  return { ...spec, config: { ...c, layers: spec.class_name === 'Sequential' ? foldInputLayer(layers) : layers } };
}
