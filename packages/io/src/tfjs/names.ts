import { Container, Layer, type LayerWeight } from '@kerasgpu/layers';

/** One weight of a model as the tfjs format names it, with the layer that holds it. */
export interface NamedWeight { name: string; layer: Layer; weight: LayerWeight }

/**
 * The layers whose weights `layer` holds, each with the scope tfjs names them under: a
 * Bidirectional's `forward_<inner>` and `backward_<inner>` (its build's name scopes); a
 * TimeDistributed's inner layer builds in the wrapper's own scope.
 */
function scopes(layer: Layer): (readonly [Layer, string])[] {
  const l = layer as unknown as { layer?: unknown; backward?: unknown };
  if (l.layer instanceof Layer && l.backward instanceof Layer) return [[l.layer, `${layer.name}/forward_${l.layer.name}`], [l.backward, `${layer.name}/${l.backward.name}`]];
  return [[l.layer instanceof Layer ? l.layer : layer, layer.name]];
}

/**
 * tfjs-layers names a variable by the name scopes it was built in (`LayerVariable.originalName`):
 * `<layer>/<weight>` (wrappers: `scopes`); nested models add
 * no scope (their layers are built on their own). Every weight once, in the model's order.
 */
export function tfjsWeights(layers: readonly Layer[]): NamedWeight[] {
  const seen = new Set<LayerWeight['variable']>();
  const named = (layer: Layer): NamedWeight[] => {
    if (layer instanceof Container) return layer.layers.flatMap(named);
    return scopes(layer).flatMap(([owner, prefix]) => owner.layerWeights.map((weight) => ({ name: `${prefix}/${weight.name}`, layer, weight })));
  };
  return layers.flatMap(named).filter((w) => !seen.has(w.weight.variable) && seen.add(w.weight.variable));
}

/**
 * tfjs's `loadWeights` fallback for names it does not know: drop the next-to-last scope
 * (`lstm/lstm_cell/kernel` → `lstm/kernel`, what the tensorflowjs converter writes for tf.keras
 * cells); Keras's `:0` suffix is dropped too.
 */
export function shortenedName(name: string): string {
  const tokens = name.replace(/:\d+$/, '').split('/');
  return [...tokens.slice(0, -2), tokens.at(-1)!].join('/');
}
