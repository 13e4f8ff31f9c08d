import { concat, dispose, type Tensor } from '@kerasgpu/core';
import { BaseLogger } from '../callbacks/base-logger.js';
import { CallbackList, type Callback, type Logs } from '../callbacks/callback.js';
import { History } from '../callbacks/history.js';
import { ProgbarLogger } from '../callbacks/progbar.js';
import type { Model } from '../models/model.js';
import { ValueError } from '../utils/errors.js';
import { parseOptions } from '../utils/options.js';
import { loadAll, type DataInput } from './data.js';
import { runArgs } from './arguments.js';
import type { Compiled } from './compile.js';
import { prepare } from './fit.js';
import { stepsOf } from './compiled-step.js';

/** One batch from a generator: [x, y] or [x, y, sampleWeight]. */
export type Batch = [DataInput, DataInput] | [DataInput, DataInput, DataInput];

export interface FitGeneratorOptions {
  /** Keras 1: samples per epoch; Keras 2: stepsPerEpoch (batches). One is required. */
  samplesPerEpoch?: number;
  stepsPerEpoch?: number;
  epochs?: number;
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[];
  validationData?: AsyncIterable<Batch> | Iterable<Batch>;
  nbValSamples?: number;
  validationSteps?: number;
  classWeight?: Record<number, number>;
  initialEpoch?: number;
  [keras: string]: unknown;
}
export interface EvaluateGeneratorOptions { valSamples?: number; steps?: number; [keras: string]: unknown }
export type PredictGeneratorOptions = EvaluateGeneratorOptions;
const GENERATOR_RUN_KEYS = ['valSamples', 'steps', 'maxQSize', 'nbWorker', 'pickleSafe', 'maxQueueSize', 'workers', 'useMultiprocessing'];

type AnyIterator = AsyncIterator<Batch> | Iterator<Batch>;
const iteratorOf = (g: AsyncIterable<Batch> | Iterable<Batch>): AnyIterator =>
  Symbol.asyncIterator in g ? (g as AsyncIterable<Batch>)[Symbol.asyncIterator]() : (g as Iterable<Batch>)[Symbol.iterator]();

async function next(it: AnyIterator, what: string): Promise<Batch> {
  const r = await it.next();
  if (r.done) throw new ValueError(`${what}: the generator ended before the requested number of samples or steps`);
  if (!Array.isArray(r.value) || (r.value.length !== 2 && r.value.length !== 3)) {
    throw new ValueError(`${what}: the generator must yield [x, y] or [x, y, sampleWeight]`);
  }
  return r.value;
}

/** Whether `seen` samples / `steps` batches complete the epoch: samples (Keras 1) or steps (Keras 2). */
type Limit = { samples?: number; steps?: number };
const done = (limit: Limit, seen: number, steps: number) =>
  limit.samples !== undefined ? seen >= limit.samples : steps >= limit.steps!;

async function runGenerator(model: Model, it: AnyIterator, limit: { samples?: number; steps?: number }, what: string): Promise<number[]> {
  const c = model.requireCompiled(what);
  const sums = c.metricsNames.map(() => 0);
  let seen = 0;
  for (let steps = 0; !done(limit, seen, steps); steps++) {
    const [x, y, w] = await next(it, what);
    const p = prepare(what, model, x, y, w, undefined);
    const outs: Tensor[] = [];
    try {
      outs.push(stepsOf(model, c, 'test').run(loadAll(p.xs, p.owned), loadAll(p.ys, p.owned), p.ws));
      (await outs[0]!.data()).forEach((v, i) => { sums[i]! += v * p.n; });
    } finally {
      dispose([...outs, ...p.owned]);
    }
    seen += p.n;
  }
  return sums.map((s) => s / Math.max(seen, 1));
}

function limitOf(what: string, samples: number | undefined, steps: number | undefined): { samples?: number; steps?: number } {
  if (samples !== undefined) return { samples };
  if (steps !== undefined) return { steps };
  throw new ValueError(`${what}: give the epoch length as samplesPerEpoch (Keras 1) or stepsPerEpoch (Keras 2)`);
}

export async function fitGenerator(model: Model, generator: AsyncIterable<Batch> | Iterable<Batch>, options: FitGeneratorOptions): Promise<History> {
  const o = parseOptions('fitGenerator', options, ['samplesPerEpoch', 'stepsPerEpoch', 'epochs', 'verbose', 'callbacks', 'validationData', 'nbValSamples', 'validationSteps', 'classWeight', 'initialEpoch', 'maxQSize', 'nbWorker', 'pickleSafe', 'maxQueueSize', 'workers', 'useMultiprocessing']);
  const a = runArgs('fitGenerator', o);
  const c = model.requireCompiled('fitGenerator');
  const limit = limitOf('fitGenerator', a.samplesPerEpoch, a.stepsPerEpoch);
  const epochs = a.epochs ?? 1;
  const verbose = a.verbose ?? 1;
  const valGen = o.validationData as AsyncIterable<Batch> | Iterable<Batch> | undefined;
  const valLimit = valGen ? limitOf('fitGenerator validation', a.nbValSamples, a.validationSteps) : {};
  return model.exclusiveRun('fitGenerator', () => trainGenerator(model, c, generator, valGen, { epochs, verbose, limit, valLimit, initialEpoch: a.initialEpoch ?? 0, callbacks: a.callbacks ?? [], classWeight: a.classWeight }));
}

interface GeneratorArgs {
  epochs: number; verbose: number; limit: Limit; valLimit: Limit; initialEpoch: number; callbacks: Callback[]; classWeight: Record<number, number> | undefined;
}

async function trainGenerator(
  model: Model, c: Compiled, generator: AsyncIterable<Batch> | Iterable<Batch>, valGen: AsyncIterable<Batch> | Iterable<Batch> | undefined, a: GeneratorArgs,
): Promise<History> {
  const { epochs, verbose, limit, valLimit } = a;
  const history = new History();
  const baseLogger = new BaseLogger();
  const list = new CallbackList([baseLogger, ...a.callbacks, history, ...(verbose ? [new ProgbarLogger()] : [])]);
  const names = c.metricsNames;
  const params = { epochs, samples: limit.samples ?? null, steps: limit.steps ?? null, batchSize: 0, verbose, doValidation: !!valGen, metrics: [...names, ...(valGen ? names.map((n) => `val_${n}`) : [])] };
  for (const cb of list.callbacks) { cb.setModel(model); cb.setParams(params); }
  model.history = history;
  model.stopTraining = false;
  const steps = stepsOf(model, c, 'train');
  baseLogger.sumsOf(names, steps.sums);
  const it = iteratorOf(generator);
  const valIt = valGen ? iteratorOf(valGen) : null;
  try {
    await list.call('onTrainBegin', {});
    for (let epoch = a.initialEpoch; epoch < epochs; epoch++) {
      const epochLogs: Logs = {};
      await list.call('onEpochBegin', epoch, epochLogs);
      let seen = 0;
      for (let step = 0; !done(limit, seen, step); step++) {
        const [x, y, w] = await next(it, 'fitGenerator');
        const p = prepare('fitGenerator', model, x, y, w, a.classWeight);
        const logs: Logs = { batch: step, size: p.n };
        const outs: Tensor[] = [];
        try {
          await list.call('onBatchBegin', step, logs);
          await model.stepBoundary();
          outs.push(steps.run(loadAll(p.xs, p.owned), loadAll(p.ys, p.owned), p.ws, true));
          baseLogger.addBatch(p.n);
          if (list.wantsBatchLogs) (await outs[0]!.data()).forEach((v, i) => { logs[names[i]!] = v; });
        } finally {
          dispose([...outs, ...p.owned]);
        }
        seen += p.n;
        await list.call('onBatchEnd', step, logs);
        if (model.stopTraining) break;
      }
      if (valIt) (await runGenerator(model, valIt, valLimit, 'fitGenerator validation')).forEach((v, i) => { epochLogs[`val_${names[i]}`] = v; });
      await list.call('onEpochEnd', epoch, epochLogs);
      if (model.stopTraining) break;
    }
    await list.call('onTrainEnd', {});
  } finally {
    baseLogger.reset(); // the run's running sums are released, also by an error
  }
  return history;
}

export async function evaluateGenerator(model: Model, generator: AsyncIterable<Batch> | Iterable<Batch>, options: EvaluateGeneratorOptions): Promise<number | number[]> {
  const o = parseOptions('evaluateGenerator', options, GENERATOR_RUN_KEYS);
  const a = runArgs('evaluateGenerator', o);
  const v = await runGenerator(model, iteratorOf(generator), limitOf('evaluateGenerator', a.valSamples, a.steps), 'evaluateGenerator');
  return v.length === 1 ? v[0]! : v;
}

/**
 * Keras's predict_generator: the outputs for batches of inputs from a generator (each yield is x,
 * as `predict` takes it), until `valSamples` samples (Keras 1) or `steps` batches (Keras 2).
 */
export async function predictGenerator(model: Model, generator: AsyncIterable<DataInput> | Iterable<DataInput>, options: PredictGeneratorOptions): Promise<Tensor | Tensor[]> {
  const a = runArgs('predictGenerator', parseOptions('predictGenerator', options, GENERATOR_RUN_KEYS));
  const limit = limitOf('predictGenerator', a.valSamples, a.steps);
  const it = Symbol.asyncIterator in generator ? generator[Symbol.asyncIterator]() : generator[Symbol.iterator]();
  const parts: Tensor[][] = [];
  try {
    let seen = 0;
    for (let steps = 0; !done(limit, seen, steps); steps++) {
      const r = await it.next();
      if (r.done) throw new ValueError('predictGenerator: the generator ended before the requested number of samples or steps');
      const out = model.predictOnBatch(r.value);
      parts.push(Array.isArray(out) ? out : [out]);
      seen += parts[parts.length - 1]![0]!.shape[0]!;
    }
    const outs = model.outputs.map((_, k) => concat(parts.map((p) => p[k]!), 0));
    return outs.length === 1 ? outs[0]! : outs;
  } finally {
    dispose(parts.flat());
  }
}
