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
  return modelFromConfig(withKeras1Defaults(spec as unknown as KerasSpec, (spec.keras_version as string | undefined) ?? null), customObjects);
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

/** Keras's model_from_yaml, accepting PyYAML's tuples, anchors and aliases. */
export function modelFromYAML(text: string, customObjects: CustomObjects = {}): Model {
  let spec: Record<string, unknown>;
  try {
    spec = parse(text, { customTags: [pythonTuple], maxAliasCount: -1 }) as Record<string, unknown>;
  } catch (e) {
    throw new KerasFileError(`modelFromYAML: not valid YAML (${(e as Error).message})`);
  }
  return fromSpec(spec, customObjects, 'modelFromYAML');
}
