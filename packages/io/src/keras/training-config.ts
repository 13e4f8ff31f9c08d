import { tensor, type Tensor, type Variable } from '@kerasgpu/core';
import type { NdArray } from '../hdf5/arrays.js';
import { Adam, getOptimizer, UnknownOptionError, ValueError, type Model, type Optimizer } from '@kerasgpu/layers';
import type { StoredLayer } from './h5-file.js';
import type { SlotLayout } from './model-weights.js';
import type { CustomObjects } from './model-config.js';
import { PER_VARIABLE_ITERATION, perVariableState } from './per-variable-slots.js';

/** Keras's `training_config`: what compile was given. */
export interface TrainingConfig {
  optimizer_config: { class_name: string; config: Record<string, unknown> };
  loss: unknown;
  metrics?: unknown[] | null;
  loss_weights?: unknown;
  sample_weight_mode?: unknown;
}

const custom = (v: unknown, customObjects: CustomObjects): unknown => (typeof v === 'string' && v in customObjects ? customObjects[v] : v);

const ANY = Symbol('any value');
/**
 * Options tf.keras 2.11+ and Keras 3 optimizers write that change nothing here at these values
 * (or at any value: a name, a compilation switch, a setting of an option that is off); other
 * values of them are dropped with a warning, as any option this library lacks.
 */
const UNUSED_OPTIONS: Readonly<Record<string, unknown>> = {
  name: ANY, jit_compile: ANY, is_legacy_optimizer: ANY, use_ema: false, ema_momentum: ANY, ema_overwrite_frequency: ANY,
};

/**
 * The optimizer a training_config names. Files are read tolerantly (API.md): an option this
 * library's optimizer lacks is dropped with a warning.
 */
function optimizerFrom(spec: TrainingConfig['optimizer_config'], customObjects: CustomObjects): Optimizer {
  const cls = customObjects[spec.class_name];
  if (typeof cls === 'function') return new (cls as new (c: object) => Optimizer)(spec.config);
  const config = Object.fromEntries(Object.entries(spec.config).filter(([k, v]) => v !== null && !(k in UNUSED_OPTIONS && (UNUSED_OPTIONS[k] === ANY || UNUSED_OPTIONS[k] === v))));
  // tf.keras 2.11+ registers its optimizers as 'Custom>Adam'.
  const className = spec.class_name.replace(/^Custom>/, '');
  for (;;) {
    try {
      return getOptimizer({ class_name: className, config });
    } catch (e) {
      if (!(e instanceof UnknownOptionError && e.key in config)) throw e;
      console.warn(`${className}: ignoring the saved option ${e.key}=${JSON.stringify(config[e.key])}, which this library does not have`);
      delete config[e.key];
    }
  }
}

/** Compiles `model` as the file's training_config says (Keras's load_model does the same). */
export function compileFromConfig(model: Model, tc: TrainingConfig, customObjects: CustomObjects): void {
  const loss = tc.loss !== null && typeof tc.loss === 'object' && !Array.isArray(tc.loss)
    ? Object.fromEntries(Object.entries(tc.loss).map(([k, v]) => [k, custom(v, customObjects)]))
    : Array.isArray(tc.loss) ? tc.loss.map((v) => custom(v, customObjects)) : custom(tc.loss, customObjects);
  model.compile({
    optimizer: optimizerFrom(tc.optimizer_config, customObjects),
    loss: loss as never,
    ...(tc.metrics?.length ? { metrics: tc.metrics.map((m) => custom(m, customObjects)) as never } : {}),
    ...(tc.loss_weights ? { lossWeights: tc.loss_weights as never } : {}),
    ...(tc.sample_weight_mode ? { sampleWeightMode: tc.sample_weight_mode as never } : {}),
  });
}

const ITERATIONS = /(^|\/)iterations?(:0)?$/;

/**
 * Keras 2.1.3 to 2.2's Adam saves a v̂ block after its ms and vs even without amsgrad: one
 * zeros(1) array per weight. It is written so those Kerases restore our state, and dropped on reading.
 */
const hasVhatPlaceholders = (opt: Optimizer): boolean => opt instanceof Adam && !opt.amsgrad;
const PLACEHOLDER = [1];

/**
 * The optimizer's state as Keras 2 lays it out in `optimizer_weights`: the iteration counter,
 * then slot 0 of every trainable weight, slot 1 of every weight, … (Adam's ms, then vs). Null
 * before the first update.
 */
export async function optimizerState(model: Model): Promise<StoredLayer | null> {
  const opt = model.optimizer;
  if (!opt) return null;
  const vars = model.trainableWeights;
  const slots = opt.getSlots(vars);
  const k = slots[0]?.length ?? 0;
  if (opt.iterations === 0 || slots.some((s) => s.length !== k)) return null;
  const cls = opt.className;
  const ordered = Array.from({ length: k }, (_, j) => slots.map((s) => s[j]!)).flat();
  const arrays = await Promise.all(ordered.map(async (v) => ({ shape: [...v.shape], data: Float32Array.from(await v.data()) })));
  if (hasVhatPlaceholders(opt)) arrays.push(...vars.map(() => ({ shape: PLACEHOLDER, data: new Float32Array(1) })));
  return {
    name: 'optimizer_weights',
    weightNames: [`${cls}/iterations:0`, ...arrays.map((_, i) => `training/${cls}/Variable${i === 0 ? '' : `_${i}`}:0`)],
    weights: [{ shape: [], data: Float32Array.of(opt.iterations) }, ...arrays],
  };
}

/**
 * Restores what optimizerState saved, or any Keras wrote: each slot's arrays are converted as the
 * weights are (`layout`). As Keras, state that does not fit this optimizer (another optimizer)
 * only warns: the model loads with a fresh optimizer.
 */
export function restoreOptimizerState(model: Model, stored: StoredLayer, path: string, layout: SlotLayout): void {
  const opt = model.optimizer!;
  const vars = model.trainableWeights;
  if (stored.weightNames.some((n) => PER_VARIABLE_ITERATION.test(n))) {
    const state = perVariableState(model, stored);
    if ('refused' in state) {
      console.warn(`${path}: the tf.keras 2.11+ optimizer state is not restored (${state.refused}); the optimizer starts fresh`);
      return;
    }
    setSlots(opt, path, state.iterations, vars, state.slots);
    return;
  }
  // Keras 1 names its arrays param_<i>: its iteration counter is the one scalar, first.
  const named = stored.weightNames.findIndex((n) => ITERATIONS.test(n));
  const at = named >= 0 ? named : stored.weights[0]?.shape.length === 0 ? 0 : -1;
  const iterations = at >= 0 ? stored.weights[at]!.data[0]! : 0;
  let rest = stored.weights.filter((_, i) => i !== at);
  const placeholders = rest.slice(-layout.size);
  if (hasVhatPlaceholders(opt) && rest.length === 3 * layout.size && placeholders.every((a) => a.shape.join() === PLACEHOLDER.join())) rest = rest.slice(0, -layout.size);
  if (layout.size > 0 && rest.length % layout.size === 0) {
    rest = Array.from({ length: rest.length / layout.size }, (_, j) => layout.convert(rest.slice(j * layout.size, (j + 1) * layout.size))).flat();
  }
  const k = vars.length === 0 ? 0 : rest.length / vars.length;
  const fits = rest.length === 0 || (Number.isInteger(k) && k > 0 && rest.every((a, i) => a.shape.join() === vars[i % vars.length]!.shape.join()));
  if (!fits) {
    console.warn(`${path}: the saved optimizer state (${stored.weights.length} arrays) does not fit ${opt.className} on this model's ${vars.length} weights; the optimizer starts fresh`);
    return;
  }
  setSlots(opt, path, iterations, vars, vars.map((_, i) => Array.from({ length: k }, (_, j) => rest[j * vars.length + i]!)));
}

/** Hands the optimizer its state (host arrays per weight, in its slot order); one it refuses only warns. */
function setSlots(opt: Optimizer, path: string, iterations: number, vars: readonly Variable[], arrays: readonly (readonly NdArray[])[]): void {
  const slots: Tensor[][] = arrays.map((s) => s.map((a) => tensor(a.data, a.shape)));
  try {
    opt.setState(iterations, vars, slots);
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    console.warn(`${path}: cannot restore the optimizer state (${e.message}); the optimizer starts fresh`);
  } finally {
    for (const t of slots.flat()) t.dispose();
  }
}
