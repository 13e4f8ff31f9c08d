import { ShapeError, tensor, type Tensor } from '@kerasgpu/core';
import { Container, Layer, ValueError } from '@kerasgpu/layers';
import type { NdArray } from '../hdf5/arrays.js';
import type { DeclaredKerasH5, StoredLayer } from './h5-file.js';
import { preprocessWeights, type LayerDesc, type WeightsSource } from './preprocess.js';
import { isKeras1 } from './version.js';

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
 * Which stored group each layer takes (Keras's load_weights): layers with weights, in order, take
 * the stored groups with weights, in order; with `byName`, each stored group goes to the model's
 * layers of the same name.
 */
function pair<T extends { name: string; weights: readonly unknown[] }>(layers: readonly Layer[], stored: readonly T[], byName: boolean): [Layer, T][] {
  const withWeights = stored.filter((s) => s.weights.length > 0);
  if (byName) return withWeights.flatMap((s) => layers.filter((l) => l.name === s.name).map((l): [Layer, T] => [l, s]));
  const targets = layers.filter((l) => l.weights.length > 0);
  if (targets.length !== withWeights.length) {
    throw new ValueError(`the file holds weights for ${withWeights.length} layers (${withWeights.map((s) => s.name).join(', ')}), the model has ${targets.length} layers with weights (${targets.map((l) => l.name).join(', ')})`);
  }
  return targets.map((l, i) => [l, withWeights[i]!]);
}

/** Keras's load_weights into `layers` (by order, or `byName`). */
export function loadStoredWeights(layers: readonly Layer[], stored: readonly StoredLayer[], source: WeightsSource, byName: boolean): void {
  for (const [layer, s] of pair(layers, stored, byName)) assign(layer, s, source);
}

/** How the optimizer's slot arrays of one slot lie in a file, and how to bring them to the model's layout. */
export interface SlotLayout {
  /** Arrays per slot: one per trainable weight as the file's Keras held them (12 for a Keras 1 per-gate LSTM). */
  size: number;
  /** One slot's arrays, in the file's order, to the order and layout of the model's trainable weights. */
  convert(block: readonly NdArray[]): NdArray[];
}

/**
 * The layout of a file's optimizer slots for `layers` (paired with the stored groups as the
 * weights are): each slot array is converted exactly as the weight it belongs to (Keras 1 per-gate
 * LSTM / GRU arrays fused, 'th' kernels transposed, Theano kernels flipped). Keras 1 passes the
 * trainable weights to the optimizer sorted by name (collect_trainable_weights); Keras 2 in
 * layer order. A layer's trainable arrays come first in its group; a nested model's pass as they are.
 */
export function slotLayout(layers: readonly Layer[], stored: readonly StoredLayer[], source: WeightsSource): SlotLayout {
  const parts = pair(layers, stored, false).map(([layer, s]) => {
    const perGate = s.weights.length !== layer.weights.length && layer.nonTrainableWeights.length === 0;
    const m = !layer.trainable ? 0 : perGate ? s.weights.length : layer.trainableWeights.length;
    return { layer, names: s.weightNames.slice(0, m) };
  });
  const slots = parts.flatMap((p, layer) => p.names.map((name, i) => ({ name, layer, i })));
  if (isKeras1(source.kerasVersion)) slots.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    size: slots.length,
    convert(block) {
      const arrays = parts.map((p) => new Array<NdArray>(p.names.length));
      slots.forEach((s, k) => { arrays[s.layer]![s.i] = block[k]!; });
      return parts.flatMap((p, j) => (p.names.length === 0 ? [] : p.layer instanceof Container ? arrays[j]! : preprocessWeights(describe(p.layer), arrays[j]!, source)));
    },
  };
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Checks a file's declared shapes against the layers that will take them, before any data is
 * read (a forged header can declare terabytes). Layout conversions (Keras 1, Theano) move values
 * but keep their number, so a group holds exactly as many values as its layer's weights. With
 * `optimizer`, each optimizer array is at most as large as the largest weight.
 */
export function checkDeclaredWeights(layers: readonly Layer[], file: DeclaredKerasH5, byName: boolean, optimizer: boolean): void {
  for (const [layer, stored] of pair(layers, file.layers, byName)) {
    const expected = layer.layerWeights.map((w) => w.variable.shape);
    const want = expected.reduce((a, s) => a + count(s), 0);
    const shapes = stored.weights.map((w) => w.shape);
    if (shapes.reduce((a, s) => a + count(s), 0) === want) continue;
    const bad = Math.max(0, shapes.findIndex((s, i) => fmt(s) !== fmt(expected[i] ?? [])));
    const w = layer.layerWeights[bad];
    throw new ShapeError(`${file.path}: layer ${layer.name}: weight ${w?.name ?? `#${bad}`} has shape ${w ? fmt(w.variable.shape) : '(none)'}, the file's '${stored.weightNames[bad]}' has shape ${fmt(shapes[bad]!)} (the ${layer.className}'s weights hold ${want} values; group '${stored.name}' declares ${shapes.map(fmt).join(', ')})`);
  }
  if (!optimizer || !file.optimizerWeights) return;
  const largest = Math.max(1, ...layers.flatMap((l) => l.layerWeights.map((w) => count(w.variable.shape))));
  const ow = file.optimizerWeights;
  const bad = ow.weights.findIndex((w) => count(w.shape) > largest);
  if (bad >= 0) {
    throw new ShapeError(`${file.path}: optimizer_weights dataset '${ow.weightNames[bad]}' declares shape ${fmt(ow.weights[bad]!.shape)}, larger than any weight of the model (at most ${largest} values)`);
  }
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
