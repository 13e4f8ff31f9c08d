import type { Model } from '@kerasgpu/layers';
import { parse, stringify, type CollectionTag } from 'yaml';
import { KerasFileError } from '../hdf5/errors.js';
import { modelFromConfig, withKeras1Defaults, type CustomObjects, type KerasSpec } from './model-config.js';

/** Keras's model_from_json; extra top-level keys (Keras 1 put compile arguments there) are ignored. */
export function modelFromJSON(json: string | Record<string, unknown>, customObjects: CustomObjects = {}): Model {
  let spec: Record<string, unknown>;
  try {
    spec = typeof json === 'string' ? (JSON.parse(json) as Record<string, unknown>) : json;
  } catch (e) {
    throw new KerasFileError(`modelFromJSON: not valid JSON (${(e as Error).message})`);
  }
  return fromSpec(spec, customObjects, 'modelFromJSON');
}

function fromSpec(spec: Record<string, unknown>, customObjects: CustomObjects, who: string): Model {
  if (typeof spec?.class_name !== 'string' || spec.config === undefined) throw new KerasFileError(`${who}: expected {class_name, config}, got keys ${Object.keys(spec ?? {}).join(', ')}`);
  const version = typeof spec.keras_version === 'string' ? spec.keras_version : null;
  return modelFromConfig(withKeras1Defaults(spec as unknown as KerasSpec, version), customObjects);
}

/** PyYAML writes Python tuples (shapes, strides) as `!!python/tuple [..]`: read them as arrays. */
const pythonTuple: CollectionTag = {
  tag: 'tag:yaml.org,2002:python/tuple',
  collection: 'seq',
  identify: () => false,
};

/** Keras's model.to_yaml(): the document of model.toJSON(), in YAML. */
export function toYAML(model: Model): string {
  return stringify(JSON.parse(model.toJSON()), { aliasDuplicateObjects: false });
}

/**
 * PyYAML writes a tuple every layer shares (a default `strides=(1, 1)`) once, as an anchor, and
 * aliases it from each layer, so a large model's YAML uses one anchor hundreds of times: more
 * than the parser's default limit (100). This one still stops a nested alias bomb at parse time.
 */
const MAX_ALIAS_COUNT = 10_000;
/**
 * Aliases parse to shared objects, so a document stays small in memory however far it expands;
 * the cost comes later, from whatever walks it (a message that prints a value). A large model's
 * config is ~10⁵ values; past this many, the document is an attack (a wide anchor aliased often).
 */
const MAX_EXPANDED_NODES = 2_000_000;

/** The number of values `doc` has when every alias is expanded, counted up to `limit`. */
function expandedSize(doc: unknown, limit: number): number {
  let n = 1;
  const stack = [doc];
  while (stack.length > 0 && n <= limit) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      stack.push(child);
      n++;
    }
  }
  return n;
}

/** Keras's model_from_yaml, accepting PyYAML's tuples, anchors and aliases. */
export function modelFromYAML(text: string, customObjects: CustomObjects = {}): Model {
  let spec: Record<string, unknown>;
  try {
    spec = parse(text, { customTags: [pythonTuple], maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
  } catch (e) {
    throw new KerasFileError(`modelFromYAML: not valid YAML (${(e as Error).message})`);
  }
  if (expandedSize(spec, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES) {
    throw new KerasFileError(`modelFromYAML: the document's aliases expand to more than ${MAX_EXPANDED_NODES} values (an alias bomb?)`);
  }
  return fromSpec(spec, customObjects, 'modelFromYAML');
}
