import type { Layer } from '../engine/layer.js';
import { callable, type Callable } from '../utils/callable.js';
import { Registry } from '../utils/registry.js';

type LayerClass = { fromConfig(config: Record<string, unknown>, customObjects?: Record<string, unknown>): Layer; kerasName?: string };

/**
 * Layer classes by Keras class name (Keras 1 and Keras 2 names), for configs read from files.
 * Built-in classes add themselves where they are defined (`registerLayer`); user layers register
 * here (`layerClasses.register('MyLayer', MyLayer)`).
 */
export const layerClasses = new Registry<LayerClass>('layer class');

/**
 * Publishes a built-in layer class: registers it under `names` (by default its Keras name; a
 * Keras 1 name such as 'Convolution2D' is given explicitly) and makes it callable, so that
 * `Dense(3)` works as well as `new Dense(3)`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function registerLayer<C extends (new (...args: any) => Layer) & { kerasName: string }>(cls: C, ...names: string[]): Callable<C> {
  const published = callable(cls);
  for (const name of names.length > 0 ? names : [cls.kerasName]) layerClasses.register(name, published as unknown as LayerClass);
  return published;
}

/** `{class_name, config}` to a layer; `customObjects` supplies user classes (and Lambda functions by name). */
export function deserializeLayer(spec: { class_name: string; config: Record<string, unknown> }, customObjects: Record<string, unknown> = {}): Layer {
  // Own keys only: a class_name such as 'constructor' must not find Object.prototype's.
  const custom = Object.hasOwn(customObjects, spec.class_name) ? (customObjects[spec.class_name] as LayerClass) : undefined;
  const cls = custom ?? layerClasses.get(spec.class_name);
  return cls.fromConfig(spec.config, customObjects);
}
