import { dispose, permutation, Tensor } from '@kerasgpu/core';
import { BaseLogger } from '../callbacks/base-logger.js';
import { CallbackList, type Callback, type Logs } from '../callbacks/callback.js';
import { History } from '../callbacks/history.js';
import { ProgbarLogger } from '../callbacks/progbar.js';
import type { Model } from '../models/model.js';
import { ValueError } from '../utils/errors.js';
import { parseOptions } from '../utils/options.js';
import { write } from '../utils/output.js';
import { batches, checkLengths, sliceRows, standardize, takeRows, type DataInput, type Rows } from './data.js';
import { evaluateArrays } from './evaluate.js';
import { stepsOf, type CompiledSteps } from './compiled-step.js';
import { runArgs } from './arguments.js';
import type { Compiled } from './compile.js';
import { checkSparseLabels, checkTargetShapes } from './targets.js';
import { sampleWeights } from './weights.js';

export interface FitOptions {
  batchSize?: number;
  epochs?: number;
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[];
  validationSplit?: number;
  validationData?: [DataInput, DataInput] | [DataInput, DataInput, DataInput];
  shuffle?: boolean | 'batch';
  classWeight?: Record<number, number>;
  sampleWeight?: DataInput;
  initialEpoch?: number;
  /** Refuse NaN / ±Infinity in x and y (default true: one pass over host memory). */
  checkFinite?: boolean;
  [keras: string]: unknown;
}

export const FIT_KEYS = ['batchSize', 'epochs', 'verbose', 'callbacks', 'validationSplit', 'validationData', 'shuffle', 'classWeight', 'sampleWeight', 'initialEpoch', 'checkFinite'];

/** Prepared training arrays: inputs, targets (lazy arrays stay lazy) and weights, plus the tensors to dispose after. */
export interface Prepared { xs: Rows[]; ys: Rows[]; ws: (Tensor | null)[]; n: number; owned: Tensor[] }

export function prepare(
  owner: string, model: Model, x: DataInput, y: DataInput, sampleWeight: DataInput | undefined, classWeight: Record<number, number> | undefined, checkFinite = true,
): Prepared {
  const c = model.requireCompiled(owner);
  const owned: Tensor[] = [];
  try {
    const outShapes = model.outputs.map((t) => t.shape);
    const xs = standardize('input', x, model.inputNames, model.inputs.map((t) => t.shape), owned, { owner, checkFinite });
    const checkValues = checkSparseLabels(owner, c, model.outputNames, outShapes);
    const ys = standardize('target', y, model.outputNames, outShapes, owned, { owner, checkShapes: false, checkFinite, checkValues });
    checkTargetShapes(owner, c, model.outputNames, outShapes, ys);
    const ws = sampleWeights(owner, ys, model.outputNames, c.sampleWeightModes, sampleWeight, classWeight, owned);
    const n = checkLengths({ x: xs, y: ys, ...(ws.some((w) => w) ? { sample_weight: ws.filter((w): w is Tensor => w !== null) } : {}) });
    return { xs, ys, ws, n, owned };
  } catch (e) {
    dispose(owned);
    throw e;
  }
}

/** Batch order for one epoch: shuffled, in order, or shuffled by whole batches ('batch', for HDF5 data). */
function epochOrder(n: number, batchSize: number, shuffle: boolean | 'batch'): number[][] {
  if (shuffle === 'batch') {
    const bs = batches(Array.from({ length: n }, (_, i) => i), batchSize);
    return permutation(bs.length).map((i) => bs[i]!);
  }
  return batches(shuffle ? permutation(n) : Array.from({ length: n }, (_, i) => i), batchSize);
}

/** Rows idx of every array, on the device. */
const subset = (p: Prepared, idx: number[]): Prepared & { xs: Tensor[]; ys: Tensor[] } => {
  const [xs, ys, ws] = [takeRows(p.xs, idx), takeRows(p.ys, idx), p.ws.map((w) => (w ? takeRows([w], idx)[0]! : null))];
  return { xs, ys, ws, n: idx.length, owned: [...xs, ...ys, ...ws.filter((w): w is Tensor => w !== null)] };
};

/** A step on rows idx gathered beforehand (lazy or host-batched arrays read only those rows). */
function runOnSubset(steps: CompiledSteps, train: Prepared, idx: number[]): Tensor {
  const part = subset(train, idx);
  try {
    return steps.run(part.xs, part.ys, part.ws, true);
  } finally {
    dispose(part.owned);
  }
}

/** Samples [start, end): tensors gathered, lazy and host-batched arrays as views (nothing read yet). */
const sampleRange = (p: Prepared, start: number, end: number): Prepared => {
  const [xs, ys] = [p.xs.map((r) => sliceRows(r, start, end)), p.ys.map((r) => sliceRows(r, start, end))];
  const ws = p.ws.map((w) => (w ? sliceRows(w, start, end) as Tensor : null));
  const owned = [...xs, ...ys, ...ws].filter((t): t is Tensor => t instanceof Tensor);
  return { xs, ys, ws, n: end - start, owned };
};

export async function fit(model: Model, x: DataInput, y: DataInput, options: FitOptions = {}) {
  const o = parseOptions('fit', options, FIT_KEYS);
  const a = runArgs('fit', o);
  const c = model.requireCompiled('fit');
  const batchSize = a.batchSize ?? 32;
  const epochs = a.epochs ?? 10;
  const verbose = a.verbose ?? 1;
  const shuffle = a.shuffle ?? true;
  const split = a.validationSplit ?? 0;
  const check = a.checkFinite ?? true;

  return model.exclusiveRun('fit', async () => {
    const toFree: Tensor[] = [];
    try {
      const all = prepare('fit', model, x, y, o.sampleWeight as DataInput | undefined, a.classWeight, check);
      toFree.push(...all.owned);
      let train = all;
      let val: Prepared | null = null;
      const vd = o.validationData as FitOptions['validationData'];
      if (vd) {
        if (!Array.isArray(vd) || vd.length < 2) throw new ValueError('fit: validationData must be [x, y] or [x, y, sampleWeight]');
        val = prepare('fit', model, vd[0], vd[1], vd[2], undefined, check);
        toFree.push(...val.owned);
      } else if (split > 0) {
        // Keras takes the last fraction, before any shuffling.
        const cut = Math.floor(all.n * (1 - split));
        if (cut === 0 || cut === all.n) throw new ValueError(`fit: validationSplit ${split} of ${all.n} samples leaves ${cut === 0 ? 'no training' : 'no validation'} samples`);
        train = sampleRange(all, 0, cut);
        toFree.push(...train.owned);
        val = sampleRange(all, cut, all.n);
        toFree.push(...val.owned);
      }
      // Keras 1 names the split when it validates.
      if (verbose >= 1 && val) write(`Train on ${train.n} samples, validate on ${val.n} samples\n`);
      return await trainEpochs(model, c, train, val, { batchSize, epochs, verbose, shuffle, initialEpoch: a.initialEpoch ?? 0, callbacks: a.callbacks ?? [] });
    } finally {
      dispose(toFree);
    }
  });
}

interface EpochArgs { batchSize: number; epochs: number; verbose: number; shuffle: boolean | 'batch'; initialEpoch: number; callbacks: Callback[] }

async function trainEpochs(model: Model, c: Compiled, train: Prepared, val: Prepared | null, a: EpochArgs): Promise<History> {
  const history = new History();
  const baseLogger = new BaseLogger();
  const list = new CallbackList([baseLogger, ...a.callbacks, history, ...(a.verbose ? [new ProgbarLogger()] : [])]);
  const outNames = c.metricsNames;
  const params = {
    epochs: a.epochs, samples: train.n, steps: null, batchSize: a.batchSize, verbose: a.verbose, doValidation: val !== null,
    metrics: [...outNames, ...(val ? outNames.map((n) => `val_${n}`) : [])],
  };
  for (const cb of list.callbacks) { cb.setModel(model); cb.setParams(params); }
  model.history = history;
  model.stopTraining = false;

  const steps = stepsOf(model, c, 'train');
  baseLogger.sumsOf(outNames, steps.sums);
  try {
    await runEpochs(model, c, train, val, a, list, baseLogger, steps);
  } finally {
    baseLogger.reset(); // the run's running sums are released, also by an error
  }
  return history;
}

/** The epoch and batch loop of one fit: callbacks around each step, validation after each epoch. */
async function runEpochs(model: Model, c: Compiled, train: Prepared, val: Prepared | null, a: EpochArgs, list: CallbackList, baseLogger: BaseLogger, steps: CompiledSteps): Promise<void> {
  const outNames = c.metricsNames;
  const wantBatchLogs = list.wantsBatchLogs;
  // Arrays on the device: each step gathers its rows itself (in a compiled step's program).
  const inMemory = [...train.xs, ...train.ys].every((r) => r instanceof Tensor) ? { xs: train.xs as Tensor[], ys: train.ys as Tensor[], ws: train.ws } : null;
  await list.call('onTrainBegin', {});
  for (let epoch = a.initialEpoch; epoch < a.epochs; epoch++) {
    const epochLogs: Logs = {};
    await list.call('onEpochBegin', epoch, epochLogs);
    const order = epochOrder(train.n, a.batchSize, a.shuffle);
    for (let b = 0; b < order.length; b++) {
      const idx = order[b]!;
      const batchLogs: Logs = { batch: b, size: idx.length };
      await list.call('onBatchBegin', b, batchLogs);
      // Timers, servers and progress UIs in this process run between steps; a save asked for meanwhile runs here too.
      await model.stepBoundary();
      const outs = inMemory ? steps.runRows(inMemory, idx, true) : runOnSubset(steps, train, idx);
      baseLogger.addBatch(idx.length);
      try {
        if (wantBatchLogs) {
          const values = await outs.data();
          outNames.forEach((n, i) => { batchLogs[n] = values[i]!; });
        }
      } finally {
        outs.dispose();
      }
      await list.call('onBatchEnd', b, batchLogs);
      if (model.stopTraining) break;
    }
    if (val) {
      const v = await evaluateArrays(model, c, val, a.batchSize);
      outNames.forEach((n, i) => { epochLogs[`val_${n}`] = v[i]!; });
    }
    await list.call('onEpochEnd', epoch, epochLogs);
    if (model.stopTraining) break;
  }
  await list.call('onTrainEnd', {});
}
