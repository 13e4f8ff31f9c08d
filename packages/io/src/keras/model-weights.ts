import { ShapeError, tensor, type Tensor } from '@kerasgpu/core';
import { Container, Layer, ValueError } from '@kerasgpu/layers';
import type { NdArray } from '../hdf5/arrays.js';
import type { StoredLayer } from './h5-file.js';
import { preprocessWeights, type LayerDesc, type WeightsSource } from './preprocess.js';

const fmt = (s: readonly (number | null)[]) => `[${s.join(', ')}]`;

/** A layer as the weight conversion sees it (wrappers carry their inner layer's class and config). */
function describe(layer: Layer): LayerDesc {
  const config = layer.getConfig();
  const inner = config.layer as { class_name?: string; config?: Record<string, unknown> } | undefined;
  return {
    className: layer.className,
    config: inner?.class_name ? { ...config, layer: { className: inner.class_name, config: inner.config ?? {} } } : config,
  };
}

/**
 * Stored arrays in the layout of `layer`'s weights: Keras 1 / Theano layouts converted; a nested
 * model's arrays split among its layers.
 */
function convertFor(layer: Layer, arrays: NdArray[], source: WeightsSource): NdArray[] {
  if (!(layer instanceof Container)) return preprocessWeights(describe(layer), arrays, source);
  let at = 0;
  return layer.layers.flatMap((sub) => {
    const n = sub.weights.length;
    const part = arrays.slice(at, at + n);
    at += n;
    return n === 0 ? [] : convertFor(sub, part, source);
  });
}

/**
 * Sets a layer's weights from a file's group; a count or shape mismatch names the layer, the
 * weight and both shapes.
 */
function assign(layer: Layer, stored: StoredLayer, source: WeightsSource): void {
  const weights = layer.layerWeights;
  const arrays = convertFor(layer, stored.weights, source);
  if (arrays.length !== weights.length) {
    throw new ValueError(`layer ${layer.name} (${layer.className}) expects ${weights.length} weights, but the saved layer '${stored.name}' has ${arrays.length} (${stored.weightNames.join(', ') || 'none'})`);
  }
  const values: Tensor[] = arrays.map((a, i) => {
    const w = weights[i]!;
    if (a.shape.join() !== w.variable.shape.join()) {
      throw new ShapeError(`layer ${layer.name}: weight ${w.name} has shape ${fmt(w.variable.shape)}, the file's '${stored.weightNames[i] ?? stored.name}' has shape ${fmt(a.shape)}`);
    }
    return tensor(a.data, a.shape);
  });
  try {
    layer.setWeights(values);
  } finally {
    for (const t of values) t.dispose();
  }
}

/**
 * Keras's load_weights: layers with weights, in order, take the stored groups with weights, in
 * order; with `byName`, each stored group goes to the model's layers of the same name.
 */
export function loadStoredWeights(layers: readonly Layer[], stored: readonly StoredLayer[], source: WeightsSource, byName: boolean): void {
  const withWeights = stored.filter((s) => s.weights.length > 0);
  if (byName) {
    for (const s of withWeights) for (const l of layers.filter((x) => x.name === s.name)) assign(l, s, source);
    return;
  }
  const targets = layers.filter((l) => l.weights.length > 0);
  if (targets.length !== withWeights.length) {
    throw new ValueError(`the file holds weights for ${withWeights.length} layers (${withWeights.map((s) => s.name).join(', ')}), the model has ${targets.length} layers with weights (${targets.map((l) => l.name).join(', ')})`);
  }
  targets.forEach((l, i) => assign(l, withWeights[i]!, source));
}

/** Keras names weights by variable ('dense_1/kernel:0'); a nested model's group holds its layers' names. */
function weightNamesOf(layer: Layer): string[] {
  const names = layer instanceof Container ? layer.layers.flatMap(weightNamesOf) : layer.weightNames;
  // Keras falls back to param_<i> for unnamed weights; we do so for names that would collide.
  return new Set(names).size === names.length ? names : names.map((_, i) => `param_${i}`);
}

/** The layer groups to save: each layer's weight names and current values, read back from the device. */
export async function collectWeights(layers: readonly Layer[]): Promise<StoredLayer[]> {
  return Promise.all(layers.map(async (l) => ({
    name: l.name,
    weightNames: weightNamesOf(l),
    weights: await Promise.all(l.weights.map(async (v) => ({ shape: [...v.shape], data: Float32Array.from(await v.data()) }))),
  })));
}
