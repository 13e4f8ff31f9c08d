import { Container, Layer, type LayerWeight } from '@kerasgpu/layers';

/** One weight of a model as the tfjs format names it, with the layer that holds it. */
export interface NamedWeight { name: string; layer: Layer; weight: LayerWeight }

/** A wrapper's inner layers (TimeDistributed's layer; Bidirectional's forward and backward). */
function innerLayers(layer: Layer): Layer[] {
  const l = layer as unknown as { layer?: unknown; backward?: unknown };
  return [l.layer, l.backward].filter((x): x is Layer => x instanceof Layer);
}

/**
 * tfjs-layers names a variable by the name scopes it was built in (`LayerVariable.originalName`):
 * `<layer>/<weight>`, and under a wrapper `<wrapper>/<inner layer>/<weight>`; nested models add
 * no scope (their layers are built on their own). Every weight once, in the model's order.
 */
export function tfjsWeights(layers: readonly Layer[]): NamedWeight[] {
  const seen = new Set<LayerWeight['variable']>();
  const named = (layer: Layer): NamedWeight[] => {
    if (layer instanceof Container) return layer.layers.flatMap(named);
    const inner = innerLayers(layer);
    const parts = inner.length > 0 ? inner.map((l) => [l, `${layer.name}/${l.name}`] as const) : [[layer, layer.name] as const];
    return parts.flatMap(([owner, prefix]) => owner.layerWeights.map((weight) => ({ name: `${prefix}/${weight.name}`, layer, weight })));
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
