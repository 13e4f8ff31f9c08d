import { Container, snakeCase, type Layer } from '@kerasgpu/layers';

const RECURRENT = new Set(['LSTM', 'GRU', 'SimpleRNN']);

/**
 * Keras 3 names a container's children by their class, not their name (saving_lib's
 * _save_container_state): snake_case of the class, then _1, _2 … for the next of that class.
 */
export function childPaths(layers: readonly Layer[], prefix: string): [Layer, string][] {
  const used = new Map<string, number>();
  return layers.map((l) => {
    const base = snakeCase(l.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return [l, `${prefix}/${n === undefined ? base : `${base}_${n + 1}`}`];
  });
}

/**
 * The datasets holding `layer`'s weights (in `layer.weights` order) in a Keras 3 weights file:
 * `<path>/vars/<i>` for a layer's own variables; a recurrent layer's are its cell's
 * (`<path>/cell/vars/<i>`), a wrapper's its inner layer's, a nested model's its layers'.
 */
export function weightPaths(layer: Layer, path: string): string[] {
  if (layer instanceof Container) return childPaths(layer.layers, `${path}/layers`).flatMap(([l, p]) => weightPaths(l, p));
  const own = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}/vars/${i}`);
  const inner = (layer as Layer & { layer?: Layer }).layer;
  if (layer.className === 'TimeDistributed' && inner) return weightPaths(inner, `${path}/layer`);
  if (layer.className === 'Bidirectional' && inner) {
    const half = layer.weights.length / 2;
    return [...weightPaths(inner, `${path}/forward_layer`).slice(0, half), ...weightPaths(inner, `${path}/backward_layer`).slice(0, half)];
  }
  return own(RECURRENT.has(layer.className) ? `${path}/cell` : path, layer.weights.length);
}

/** Every weight of a model and where a Keras 3 file keeps it: its layers under `layers/`. */
export function modelWeightPaths(model: Container): [Layer, string[]][] {
  return childPaths(model.layers, 'layers').map(([l, p]) => [l, weightPaths(l, p)]);
}
