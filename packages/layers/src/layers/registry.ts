import { InputLayer } from '../engine/input-layer.js';
import { Layer } from '../engine/layer.js';
import { Sequential } from '../models/sequential.js';
import { Model } from '../models/model.js';
import { Registry } from '../utils/registry.js';
import * as all from './index.js';

type LayerClass = { fromConfig(config: Record<string, unknown>, customObjects?: Record<string, unknown>): Layer; kerasName?: string };

/**
 * Layer classes by Keras class name (Keras 1 and Keras 2 names), for configs read from files.
 * User layers register here (`layerClasses.register('MyLayer', MyLayer)`). The built-in classes
 * are listed on first use: the wrappers import this module before every layer module has loaded.
 */
export const layerClasses = new Registry<LayerClass>('layer class', () =>
  Object.entries({ ...all, InputLayer, Sequential, Model })
    .filter(([, cls]) => typeof cls === 'function' && (cls as { prototype?: unknown }).prototype instanceof Layer)
    .map(([name, cls]) => [name, cls as unknown as LayerClass]));

/** `{class_name, config}` to a layer; `customObjects` supplies user classes (and Lambda functions by name). */
export function deserializeLayer(spec: { class_name: string; config: Record<string, unknown> }, customObjects: Record<string, unknown> = {}): Layer {
  const custom = customObjects[spec.class_name] as LayerClass | undefined;
  const cls = custom ?? layerClasses.get(spec.class_name);
  return cls.fromConfig(spec.config, customObjects);
}
