import { deserializeLayer, Layer, Model, Sequential, type SymbolicTensor } from '@kerasgpu/layers';
import { KerasFileError } from '../hdf5/errors.js';
import { dimOrderingOf } from './version.js';

/** A Keras `{class_name, config}` pair as model_config / to_json write it. */
export interface KerasSpec {
  class_name: string;
  config: unknown;
}
/** User layer classes (and Lambda functions) by the name a config uses. */
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

const isModelClass = (c: string) => c === 'Sequential' || c === 'Model';

const isSpec = (v: unknown): v is KerasSpec => typeof v === 'object' && v !== null && typeof (v as KerasSpec).class_name === 'string';

/**
 * Keras's `deserialize_layer` for a spec that may itself be a whole model. Wrappers build their
 * inner layer themselves, unless it is a whole model, which only this module reads.
 */
export function layerFromSpec(spec: KerasSpec, customObjects: CustomObjects, entryName?: string): Layer {
  if (spec.class_name in customObjects) return deserializeLayer(spec as { class_name: string; config: Record<string, unknown> }, customObjects);
  if (isModelClass(spec.class_name)) return modelFromConfig(spec, customObjects, entryName);
  const config = spec.config as Record<string, unknown>;
  const inner = isSpec(config.layer) && isModelClass(config.layer.class_name) ? { ...config, layer: modelFromConfig(config.layer, customObjects) } : config;
  return deserializeLayer({ class_name: spec.class_name, config: inner }, customObjects);
}

/**
 * A model from its Keras config: Sequential (Keras 1 / 2.1 list, or 2.2's {name, layers}) or a
 * functional Model (layers with inbound nodes, Keras 1 triples or Keras 2 4-tuples).
 * `entryName` names a nested Sequential whose list config cannot hold its name.
 */
export function modelFromConfig(spec: KerasSpec, customObjects: CustomObjects = {}, entryName?: string): Model {
  if (spec.class_name === 'Sequential') {
    const c = spec.config as KerasSpec[] | { name?: string; layers: KerasSpec[] };
    const specs = Array.isArray(c) ? c : c.layers;
    const name = Array.isArray(c) ? entryName : c.name;
    return Sequential(specs.map((s) => layerFromSpec(s, customObjects)), name === undefined ? {} : { name });
  }
  if (spec.class_name === 'Model') return graphFromConfig(spec.config as GraphConfig, customObjects);
  throw new KerasFileError(`model config: expected class_name Sequential or Model, got '${spec.class_name}'`);
}

/**
 * Keras's Container.from_config: creates every layer, then replays the recorded calls. A node
 * whose input layer has not been called often enough yet waits for a later pass.
 */
function graphFromConfig(config: GraphConfig, customObjects: CustomObjects): Model {
  const created = new Map<string, Layer>();
  const pending = new Map<Layer, NodeRef[][]>();
  const tensorAt = ([name, node, index]: NodeRef): SymbolicTensor | null => {
    const layer = created.get(name);
    if (!layer) throw new KerasFileError(`model config: a node refers to unknown layer '${name}'`);
    return layer.inboundNodes[node]?.outputs[index] ?? null;
  };
  for (const entry of config.layers) {
    const config = Array.isArray(entry.config) ? entry.config : { ...entry.config, name: entry.config.name ?? entry.name };
    const layer = layerFromSpec({ class_name: entry.class_name, config }, customObjects, entry.name);
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
        layer.applySymbolic(inputs.length === 1 ? inputs[0]! : (inputs as SymbolicTensor[]));
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
  return Model({ inputs: ends(config.input_layers, 'input'), outputs: ends(config.output_layers, 'output'), ...(config.name ? { name: config.name } : {}) });
}


/** Keras 1 layers with an image ordering, whose config may omit it (UpSampling2D in 1.0.x). */
const ORDERED = /^(Convolution[23]D|AtrousConvolution2D|SeparableConvolution2D|Deconvolution2D|(Max|Average)Pooling[23]D|Global(Max|Average)Pooling[23]D|UpSampling[23]D|ZeroPadding[23]D|Cropping[23]D)$/;

/**
 * Fills in the image ordering that a Keras 1.0.x config leaves implicit ('th', that Keras's
 * default then), so the layers do not fall back to our 'tf' default. Other configs are returned as is.
 */
export function withKeras1Defaults(spec: KerasSpec, kerasVersion: string | null): KerasSpec {
  if (dimOrderingOf({}, kerasVersion) === 'tf') return spec;
  const fix = (s: KerasSpec): KerasSpec => {
    if (isModelClass(s.class_name)) {
      const c = s.config as KerasSpec[] | { layers: KerasSpec[] };
      return { ...s, config: Array.isArray(c) ? c.map(fix) : { ...c, layers: c.layers.map((l) => ({ ...l, ...fix(l) })) } };
    }
    const config = s.config as Record<string, unknown>;
    return ORDERED.test(s.class_name) && config.dim_ordering === undefined ? { ...s, config: { ...config, dim_ordering: 'th' } } : s;
  };
  return fix(spec);
}
