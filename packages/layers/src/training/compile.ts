import { add, cast, div, mean, mul, notEqual, tidy, zeros, type Tensor } from '@kerasgpu/core';
import { platform } from '@kerasgpu/core/platform';
import { getLoss, lossName, type LossFn, type LossId } from '../losses.js';
import { resolveMetric, type MetricFn, type ResolvedMetric } from '../metrics.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import { ValueError } from '../utils/errors.js';
import { isOptions, parseOptions } from '../utils/options.js';
import type { Shape } from '../utils/shape.js';
import { bool, invalid } from '../utils/option-readers.js';

export type PerOutput<T> = T | T[] | Record<string, T>;

export interface CompileOptions {
  optimizer: string | Optimizer;
  loss: PerOutput<LossId>;
  metrics?: PerOutput<(string | MetricFn)[]> | (string | MetricFn)[];
  lossWeights?: number[] | Record<string, number>;
  sampleWeightMode?: PerOutput<'temporal' | null>;
  /**
   * Compile fit's training step (default true): trace it once per batch signature and replay the
   * recorded device program (webgpu). false, or KERASGPU_JIT=0 in the environment, runs every
   * step eagerly, op by op.
   */
  jit?: boolean;
  [keras: string]: unknown;
}

/** What compile resolves: per output, the loss, its weight, metrics and sample-weight mode. */
export interface Compiled {
  optimizer: Optimizer;
  losses: LossFn[];
  lossWeights: number[];
  metrics: ResolvedMetric[][];
  sampleWeightModes: ('temporal' | null)[];
  /** 'loss', the per-output losses (several outputs), then every metric value, in log order. */
  metricsNames: string[];
  /** Replay compiled training steps (CompileOptions.jit). */
  jit: boolean;
  config: Record<string, unknown>;
}

/** Reads one output's entry, naming it (`loss['out']`) when it is of the wrong kind. */
type Item<T> = (v: unknown, where: string) => T;

/** One value for all outputs, a list in output order, or a dict by output name; null reads as not given. */
function perOutput<T>(what: string, v: unknown, names: readonly string[], fallback: T, item: Item<T>): T[] {
  if ((v ?? null) === null) return names.map(() => fallback);
  if (Array.isArray(v)) {
    if (v.length !== names.length) throw new ValueError(`compile: ${what} has ${v.length} entries for ${names.length} outputs (${names.join(', ')})`);
    return v.map((x, i) => item(x, `${what}[${i}]`));
  }
  if (isOptions(v) && !('class_name' in v)) {
    for (const k of Object.keys(v)) if (!names.includes(k)) throw new ValueError(`compile: ${what} names unknown output '${k}' (outputs: ${names.join(', ')})`);
    return names.map((n) => ((v[n] ?? null) === null ? fallback : item(v[n], `${what}['${n}']`)));
  }
  const one = item(v, what);
  return names.map(() => one);
}

// A function's signature cannot be checked at run time: a loss or metric function is taken on its word.
const lossItem: Item<LossId> = (v, where) => (typeof v === 'string' || typeof v === 'function' ? (v as LossId) : invalid('compile', where, 'a loss name or function', v));
const weightItem: Item<number> = (v, where) => (typeof v === 'number' && Number.isFinite(v) ? v : invalid('compile', where, 'a finite number', v));
const modeItem: Item<'temporal' | null> = (v, where) => (v === 'temporal' || v === null ? v : invalid('compile', where, "'temporal' or null", v));
const metricsItem: Item<(string | MetricFn)[]> = (v, where) => {
  if (!Array.isArray(v)) invalid('compile', where, 'a list of metric names or functions', v);
  return v.map((id, i) => (typeof id === 'string' || typeof id === 'function' ? (id as string | MetricFn) : invalid('compile', `${where}[${i}]`, 'a metric name or function', id)));
};

export function compileModel(options: CompileOptions, outputNames: readonly string[], outputShapes: readonly Shape[]): Compiled {
  const o = parseOptions('compile', options, ['optimizer', 'loss', 'metrics', 'lossWeights', 'sampleWeightMode', 'jit']);
  const jit = bool('compile', o, 'jit', true);
  if (o.optimizer === undefined) throw new ValueError('compile: `optimizer` is required');
  if ((o.loss ?? null) === null) throw new ValueError('compile: `loss` is required');
  // The optimizer's kinds (name, instance, {class_name, config}) are told apart by getOptimizer.
  const optimizer = getOptimizer(o.optimizer as string | Optimizer);
  const losses = perOutput('loss', o.loss, outputNames, 'mse', lossItem).map(getLoss);
  const lossWeights = perOutput('lossWeights', o.lossWeights, outputNames, 1, weightItem);
  const sampleWeightModes = perOutput('sampleWeightMode', o.sampleWeightMode, outputNames, null, modeItem);
  // A flat list of metrics (the empty one too) applies to every output (Keras).
  const m = o.metrics;
  const flat = Array.isArray(m) && (m.length === 0 || !m.every(Array.isArray));
  const metricLists = flat ? outputNames.map(() => metricsItem(m, 'metrics')) : perOutput('metrics', m, outputNames, [], metricsItem);
  const metrics = metricLists.map((list, i) => list.map((id) => resolveMetric(id, losses[i]!, outputShapes[i]!)));
  const multi = outputNames.length > 1;
  const metricsNames = ['loss', ...(multi ? outputNames.map((n) => `${n}_loss`) : [])];
  metrics.forEach((ms, i) => ms.forEach((mt) => {
    for (const key of metricKeys(mt, outputShapes[i]!)) metricsNames.push(multi ? `${outputNames[i]}_${key}` : key);
  }));
  const config = {
    optimizer_config: optimizer.getConfig(),
    loss: outputNames.length === 1 ? lossName(losses[0]!) : Object.fromEntries(outputNames.map((n, i) => [n, lossName(losses[i]!)])),
    metrics: metrics.flat().map((mt) => mt.name),
    sample_weight_mode: outputNames.length === 1 ? sampleWeightModes[0] : sampleWeightModes,
    loss_weights: outputNames.length === 1 ? null : lossWeights,
  };
  return { optimizer, losses, lossWeights, metrics, sampleWeightModes, metricsNames, jit: jit && platform.env('KERASGPU_JIT') !== '0', config };
}

/** Log keys of one metric: its name, or the keys of the dict it returns (probed on a zero batch). */
function metricKeys(m: ResolvedMetric, shape: Shape): string[] {
  return tidy(() => {
    const probe = zeros(shape.map((d) => d ?? 1));
    const r = m.fn(probe, probe);
    return r instanceof Object && !('shape' in r) ? Object.keys(r) : [m.name];
  });
}

/**
 * Keras's weighted objective: per-sample (or per-timestep) scores; with an output mask, times the
 * mask and over its mean (so padded steps count for nothing and the rest keep their scale); the
 * mean over the axes the weights lack; times the sample weights, averaged, then divided by the
 * fraction of non-zero weights.
 */
export function weightedLoss(fn: LossFn, yTrue: Tensor, yPred: Tensor, weights: Tensor | null, mask: Tensor | null = null): Tensor {
  let score = fn(yTrue, yPred);
  if (mask) {
    const m = cast(mask, score.dtype);
    score = div(mul(score, m), mean(m));
  }
  if (!weights) return mean(score);
  const w = cast(weights, score.dtype);
  const perWeight = score.rank > w.rank ? mean(score, Array.from({ length: score.rank - w.rank }, (_, k) => w.rank + k)) : score;
  return div(mean(mul(perWeight, w)), mean(cast(notEqual(w, 0), score.dtype)));
}

/** The total loss (weighted sum over outputs) and each output's loss; `masks` are the outputs' masks. */
export function totalLoss(c: Compiled, ys: readonly Tensor[], preds: readonly Tensor[], weights: readonly (Tensor | null)[], masks: readonly (Tensor | null)[] = []): { total: Tensor; perOutput: Tensor[] } {
  const perOutput = preds.map((p, i) => weightedLoss(c.losses[i]!, ys[i]!, p, weights[i] ?? null, masks[i] ?? null));
  const total = perOutput.map((l, i) => (c.lossWeights[i] === 1 ? l : mul(l, c.lossWeights[i]!))).reduce((a, b) => add(a, b));
  return { total, perOutput };
}

/** Metric values (batch means) in metricsNames order, after the losses. */
export function metricValues(c: Compiled, ys: readonly Tensor[], preds: readonly Tensor[]): Tensor[] {
  return c.metrics.flatMap((ms, i) => ms.flatMap((m) => {
    const r = m.fn(ys[i]!, preds[i]!);
    return r instanceof Object && !('shape' in r) ? Object.values(r as Record<string, Tensor>).map((t) => mean(t)) : [mean(r as Tensor)];
  }));
}
