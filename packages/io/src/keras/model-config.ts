import { deserializeLayer, Layer, Model, Sequential, type SymbolicTensor } from '@kerasgpu/layers';
import { KerasGpuError } from '@kerasgpu/core';
import { KerasFileError } from '../hdf5/errors.js';
import { dimOrderingOf } from './version.js';

/** A Keras `{class_name, config}` pair as model_config / to_json write it. */
export interface KerasSpec {
  class_name: string;
  config: unknown;
}
/** User layer classes (and Lambda functions, by the config's function name or the layer's name) by the name a config uses. */
export type CustomObjects = Record<string, unknown>;

/** [layer name, node index, tensor index] (Keras 1) or with call kwargs as a 4th item (Keras 2). */
type NodeRef = [string, number, number, Record<string, unknown>?];
interface LayerEntry {
  name: string;
  class_name: string;
  /** A nested Sequential's config is the plain list of its layers in Keras 2.1 (no name). */
  config: Record<string, unknown> | KerasSpec[];
  inbound_nodes: NodeRef[][];
}
interface GraphConfig {
  name?: string;
  layers: LayerEntry[];
  input_layers: NodeRef[];
  output_layers: NodeRef[];
}

/** Keras ≥ 2.4 (tf.keras) writes a functional model's class as 'Functional', older ones 'Model'. */
const isModelClass = (c: string) => c === 'Sequential' || c === 'Model' || c === 'Functional';

const isSpec = (v: unknown): v is KerasSpec => typeof v === 'object' && v !== null && typeof (v as KerasSpec).class_name === 'string';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What one modelFromConfig call threads through: the user's objects, and every layer it made (freed if it fails). */
interface Build {
  /** Own entries only, on a null prototype: a file's class_name 'constructor' must not find Object's. */
  customObjects: CustomObjects;
  created: Layer[];
}

const fail = (what: string, value: unknown) => new KerasFileError(`model config: ${what}, got ${JSON.stringify(value)?.slice(0, 80)}`);

/**
 * Keras's Lambda config names its function (`function_type: 'function'`) or holds its marshalled
 * bytecode ('lambda'), which we never run: the function is the customObjects entry under the name
 * the config gives, else under the layer's name. A non-raw `output_shape` is code too: dropped,
 * so the shape comes from running the function.
 */
function lambdaConfig(config: Record<string, unknown>, customObjects: CustomObjects): Record<string, unknown> {
  const { function: fn, function_type: _type, output_shape: outputShape, output_shape_type: shapeType, ...rest } = config;
  const keys = [fn, config.name].filter((k): k is string => typeof k === 'string');
  const key = keys.find((k) => typeof customObjects[k] === 'function');
  if (key === undefined) {
    throw new KerasFileError(`model config: Lambda layer '${String(config.name)}' needs its function: pass it in customObjects under ${keys.map((k) => `'${k}'`).join(' or ') || 'its name'} (code in a file is never run)`);
  }
  return { ...rest, function: customObjects[key], ...(shapeType === 'raw' || shapeType === undefined ? { output_shape: outputShape } : {}) };
}

/**
 * A layer's own failure on a config it cannot take (a TypeError on a mistyped field, when it is
 * made or first called) is the file's fault: it says which layer.
 */
function blame<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KerasGpuError) throw e;
    throw new KerasFileError(`model config: ${what} (${String(e)})`);
  }
}

/** Keras 1's Merge of whole models (a Sequential's first layer): each branch's spec nested under `layers`. */
const isBranchMerge = (s: KerasSpec): s is { class_name: 'Merge'; config: { layers: unknown[] } } =>
  s.class_name === 'Merge' && isRecord(s.config) && Array.isArray(s.config.layers);

/**
 * Keras's `deserialize_layer` for a spec that may itself be a whole model. Wrappers build their
 * inner layer themselves, unless it is a whole model, which only this module reads.
 */
function layerFromSpec(spec: unknown, build: Build, entryName?: string): Layer {
  if (!isSpec(spec)) throw fail('expected a layer {class_name, config}', spec);
  const { customObjects } = build;
  if (isModelClass(spec.class_name) && !(spec.class_name in customObjects)) return modelFrom(spec, build, entryName);
  if (!isRecord(spec.config)) throw fail(`layer ${spec.class_name} needs a config object`, spec.config);
  const config = spec.config;
  const inner = isSpec(config.layer) && isModelClass(config.layer.class_name) ? { ...config, layer: modelFrom(config.layer, build) }
    : isBranchMerge(spec) ? { ...config, layers: (config.layers as unknown[]).map((s) => layerFromSpec(s, build)) }
    : spec.class_name === 'Lambda' && !(spec.class_name in customObjects) ? lambdaConfig(config, customObjects) : config;
  const layer = blame(`layer '${String(config.name ?? entryName)}' (${spec.class_name}) cannot be built from its config`, () => deserializeLayer({ class_name: spec.class_name, config: inner }, customObjects));
  build.created.push(layer);
  return layer;
}

/**
 * A model from its Keras config: Sequential (Keras 1 / 2.1 list, or 2.2's {name, layers}) or a
 * functional Model (layers with inbound nodes, Keras 1 triples or Keras 2 4-tuples). When it
 * fails, the layers made so far are freed.
 */
export function modelFromConfig(spec: KerasSpec, customObjects: CustomObjects = {}): Model {
  const build: Build = { customObjects: Object.assign(Object.create(null) as CustomObjects, customObjects), created: [] };
  try {
    return modelFrom(spec, build);
  } catch (e) {
    for (const l of build.created) l.dispose();
    throw e;
  }
}

/** `entryName` names a nested Sequential whose list config cannot hold its name. */
function modelFrom(spec: KerasSpec, build: Build, entryName?: string): Model {
  let model: Model;
  if (spec.class_name === 'Sequential') {
    const c = spec.config;
    const specs = Array.isArray(c) ? c : isRecord(c) && Array.isArray(c.layers) ? c.layers : null;
    if (specs === null) throw fail('Sequential expects a list of layers or {name, layers}', c);
    const name = Array.isArray(c) ? entryName : (c as { name?: unknown }).name;
    if (name !== undefined && typeof name !== 'string') throw fail('a model name is a string', name);
    const layers = specs.map((s) => layerFromSpec(s, build));
    model = blame(`Sequential ${String(name ?? '')} cannot connect its layers`, () => Sequential(layers, name === undefined ? {} : { name }));
  } else if (spec.class_name === 'Model' || spec.class_name === 'Functional') {
    if (!isRecord(spec.config)) throw fail('Model expects {layers, input_layers, output_layers}', spec.config);
    model = graphFromConfig(spec.config as unknown as GraphConfig, build);
  } else {
    throw new KerasFileError(`model config: expected class_name Sequential, Model or Functional, got '${spec.class_name}'`);
  }
  build.created.push(model);
  return model;
}

const isNodeRef = (r: unknown): r is NodeRef => Array.isArray(r) && typeof r[0] === 'string' && Number.isInteger(r[1]) && Number.isInteger(r[2]);

/** Call options that change what a node computes and that no layer config can hold: refused, never dropped. */
const UNREAD_CALL_ARGS = ['return_attention_scores'];

/**
 * tf.keras ≥ 2.11 and Keras 3 give Attention's causal mask as a call option (`use_causal_mask`);
 * our layer holds it in its config (`causal`, tf.keras < 2.11's place). Every call of the layer
 * must agree, since one layer object has one setting.
 */
function causalOf(e: LayerEntry): boolean | undefined {
  const calls = e.inbound_nodes.map((n) => n.some((r) => r[3]?.use_causal_mask === true));
  if (!calls.includes(true)) return undefined;
  if (e.class_name !== 'Attention' || calls.includes(false)) {
    throw new KerasFileError(`model config: layer '${e.name}' (${e.class_name}) is called with use_causal_mask=true${e.class_name === 'Attention' ? ' in some calls only; kerasgpu holds it per layer' : ', which only Attention takes'}`);
  }
  return true;
}

/** Checks the shape of a functional config before anything is built from it. */
function checkGraph(config: GraphConfig): void {
  if (!Array.isArray(config.layers)) throw fail('Model config needs a list of layers', config.layers);
  for (const entry of config.layers as unknown[]) {
    const e = entry as Partial<LayerEntry> | null;
    if (!isRecord(e) || typeof e.name !== 'string' || typeof e.class_name !== 'string') throw fail('a layer entry needs a name and a class_name', entry);
    if (!isRecord(e.config) && !Array.isArray(e.config)) throw fail(`layer '${e.name}' needs a config`, e.config);
    // Spread, so that holes in an array passed as an object are checked too (every() skips them).
    if (!Array.isArray(e.inbound_nodes) || ![...e.inbound_nodes].every((n) => Array.isArray(n) && [...n].every(isNodeRef))) {
      throw fail(`layer '${e.name}': inbound_nodes are lists of [layer, node, tensor]`, e.inbound_nodes);
    }
  }
  for (const e of config.layers) {
    for (const ref of e.inbound_nodes.flat()) {
      const unread = Object.entries(ref[3] ?? {}).filter(([k, v]) => UNREAD_CALL_ARGS.includes(k) && v === true).map(([k]) => k);
      if (unread.length > 0) throw new KerasFileError(`model config: layer '${e.name}' (${e.class_name}) is called with ${unread.join(', ')}, a call option kerasgpu does not read`);
    }
  }
  for (const key of ['input_layers', 'output_layers'] as const) {
    if (!Array.isArray(config[key]) || ![...config[key]].every(isNodeRef)) throw fail(`${key} is a list of [layer, node, tensor]`, config[key]);
  }
  if (config.name !== undefined && typeof config.name !== 'string') throw fail('a model name is a string', config.name);
}

/** The [layer, node, tensor] refs of Keras 3's `__keras_tensor__` objects anywhere in a node's call arguments. */
function kerasHistories(v: unknown): NodeRef[] {
  if (Array.isArray(v)) return v.flatMap(kerasHistories);
  if (!isRecord(v)) return [];
  const history = isRecord(v.config) ? v.config.keras_history : undefined;
  return v.class_name === '__keras_tensor__' && isNodeRef(history) ? [history] : Object.values(v).flatMap(kerasHistories);
}

/** Keras 3's call kwargs go where Keras 2 puts them: on the node's first input ref. */
const withKwargs = (refs: NodeRef[], kwargs: unknown): NodeRef[] =>
  (isRecord(kwargs) && Object.keys(kwargs).length > 0 && refs.length > 0 ? [[refs[0]![0], refs[0]![1], refs[0]![2], kwargs] as NodeRef, ...refs.slice(1)] : refs);

/**
 * Keras 3 records a call as `{args, kwargs}` whose tensors carry their `keras_history`, and a
 * model's single input or output as a bare ref: turned into Keras 2's lists of refs.
 */
function keras2Graph(config: GraphConfig): GraphConfig {
  const refs = (r: unknown) => (isNodeRef(r) ? [r] : r) as NodeRef[];
  const layers = Array.isArray(config.layers)
    ? config.layers.map((e) => (isRecord(e) && Array.isArray(e.inbound_nodes) ? { ...e, inbound_nodes: e.inbound_nodes.map((n) => (isRecord(n) && 'args' in n ? withKwargs(kerasHistories(n.args), n.kwargs) : n)) } : e))
    : config.layers;
  return { ...config, layers, input_layers: refs(config.input_layers), output_layers: refs(config.output_layers) };
}

/**
 * Keras's Container.from_config: creates every layer, then replays the recorded calls. A node
 * whose input layer has not been called often enough yet waits for a later pass.
 */
function graphFromConfig(given: GraphConfig, build: Build): Model {
  const config = keras2Graph(given);
  checkGraph(config);
  const created = new Map<string, Layer>();
  const pending = new Map<Layer, NodeRef[][]>();
  const tensorAt = ([name, node, index]: NodeRef): SymbolicTensor | null => {
    const layer = created.get(name);
    if (!layer) throw new KerasFileError(`model config: a node refers to unknown layer '${name}'`);
    return layer.inboundNodes[node]?.outputs[index] ?? null;
  };
  for (const entry of config.layers) {
    const causal = causalOf(entry);
    const config = Array.isArray(entry.config) ? entry.config : { ...entry.config, name: entry.config.name ?? entry.name, ...(causal ? { causal } : {}) };
    const layer = layerFromSpec({ class_name: entry.class_name, config }, build, entry.name);
    if (created.has(entry.name)) throw new KerasFileError(`model config: two layers are named '${entry.name}'`);
    created.set(entry.name, layer);
    pending.set(layer, [...entry.inbound_nodes]);
  }
  let progress = true;
  while (progress && [...pending.values()].some((n) => n.length > 0)) {
    progress = false;
    for (const entry of config.layers) {
      const layer = created.get(entry.name)!;
      const nodes = pending.get(layer)!;
      while (nodes.length > 0) {
        const inputs = nodes[0]!.map(tensorAt);
        if (inputs.some((t) => t === null)) break;
        nodes.shift();
        blame(`layer '${entry.name}' cannot be called on its inputs`, () => layer.applySymbolic(inputs.length === 1 ? inputs[0]! : (inputs as SymbolicTensor[])));
        progress = true;
      }
    }
  }
  const stuck = config.layers.filter((e) => pending.get(created.get(e.name)!)!.length > 0).map((e) => e.name);
  if (stuck.length > 0) throw new KerasFileError(`model config: cannot connect layers ${stuck.join(', ')} (their inputs are never computed)`);
  const ends = (refs: NodeRef[], what: string) => refs.map((r) => {
    const t = tensorAt(r);
    if (!t) throw new KerasFileError(`model config: ${what} ${JSON.stringify(r)} does not exist`);
    return t;
  });
  const [inputs, outputs] = [ends(config.input_layers, 'input'), ends(config.output_layers, 'output')];
  return blame('the model cannot be made from its inputs and outputs', () => Model({ inputs, outputs, ...(config.name ? { name: config.name } : {}) }));
}


/** Keras 1 layers with an image ordering, whose config may omit it (UpSampling2D in 1.0.x). */
const ORDERED = /^(Convolution[23]D|AtrousConvolution2D|SeparableConvolution2D|Deconvolution2D|LocallyConnected2D|(Max|Average)Pooling[23]D|Global(Max|Average)Pooling[23]D|UpSampling[23]D|ZeroPadding[23]D|Cropping[23]D|SpatialDropout[23]D)$/;

/**
 * Fills in the image ordering that a Keras 1.0.x config leaves implicit ('th', that Keras's
 * default then), so the layers do not fall back to our 'tf' default. Other configs are returned as is.
 */
export function withKeras1Defaults(spec: KerasSpec, kerasVersion: string | null): KerasSpec {
  if (dimOrderingOf({}, kerasVersion) === 'tf') return spec;
  // Malformed parts are left as they are, for modelFromConfig to report.
  const fix = (s: unknown): unknown => {
    if (!isSpec(s)) return s;
    const c = s.config;
    if (isModelClass(s.class_name)) {
      if (Array.isArray(c)) return { ...s, config: c.map(fix) };
      return isRecord(c) && Array.isArray(c.layers) ? { ...s, config: { ...c, layers: c.layers.map((l) => (isRecord(l) ? { ...l, ...(fix(l) as object) } : l)) } } : s;
    }
    if (isBranchMerge(s)) return { ...s, config: { ...s.config, layers: s.config.layers.map(fix) } };
    // A config that names its ordering (Keras 1's dim_ordering or Keras 2's data_format) keeps it.
    return ORDERED.test(s.class_name) && isRecord(c) && c.dim_ordering === undefined && c.data_format === undefined ? { ...s, config: { ...c, dim_ordering: 'th' } } : s;
  };
  return fix(spec) as KerasSpec;
}
