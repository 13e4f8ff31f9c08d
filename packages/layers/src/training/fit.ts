import { dispose, permutation, type Tensor } from '@kerasgpu/core';
import { BaseLogger } from '../callbacks/base-logger.js';
import { CallbackList, type Callback, type Logs } from '../callbacks/callback.js';
import { History } from '../callbacks/history.js';
import { ProgbarLogger } from '../callbacks/progbar.js';
import type { Model } from '../models/model.js';
import { ValueError } from '../utils/errors.js';
import { parseOptions } from '../utils/options.js';
import { batches, checkLengths, standardize, takeRows, type DataInput, type Rows } from './data.js';
import { evaluateArrays } from './evaluate.js';
import { trainStep } from './step.js';
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
  [keras: string]: unknown;
}

export const FIT_KEYS = ['batchSize', 'epochs', 'verbose', 'callbacks', 'validationSplit', 'validationData', 'shuffle', 'classWeight', 'sampleWeight', 'initialEpoch'];

/** Prepared training arrays: inputs, targets (lazy arrays stay lazy) and weights, plus the tensors to dispose after. */
export interface Prepared { xs: Rows[]; ys: Rows[]; ws: (Tensor | null)[]; n: number; owned: Tensor[] }

export function prepare(model: Model, x: DataInput, y: DataInput, sampleWeight: DataInput | undefined, classWeight: Record<number, number> | undefined): Prepared {
  const c = model.requireCompiled('fit');
  const owned: Tensor[] = [];
  try {
    const xs = standardize('input', x, model.inputNames, model.inputs.map((t) => t.shape), owned);
    const ys = standardize('target', y, model.outputNames, model.outputs.map((t) => t.shape), owned, false);
    const ws = sampleWeights(ys, model.outputNames, c.sampleWeightModes, sampleWeight, classWeight, owned);
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

export async function fit(model: Model, x: DataInput, y: DataInput, options: FitOptions = {}) {
  const o = parseOptions('fit', options, FIT_KEYS);
  const c = model.requireCompiled('fit');
  const batchSize = (o.batchSize as number | undefined) ?? 32;
  const epochs = (o.epochs as number | undefined) ?? 10;
  const verbose = (o.verbose as number | undefined) ?? 1;
  const shuffle = (o.shuffle as boolean | 'batch' | undefined) ?? true;
  const split = (o.validationSplit as number | undefined) ?? 0;
  if (!(split >= 0 && split < 1)) throw new ValueError(`fit: validationSplit must be in [0, 1), got ${split}`);
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new ValueError(`fit: batchSize must be a positive integer, got ${batchSize}`);

  const all = prepare(model, x, y, o.sampleWeight as DataInput | undefined, o.classWeight as Record<number, number> | undefined);
  const toFree: Tensor[] = [...all.owned];
  let train = all;
  let val: Prepared | null = null;
  const vd = o.validationData as FitOptions['validationData'];
  if (vd) {
    if (!Array.isArray(vd) || vd.length < 2) throw new ValueError('fit: validationData must be [x, y] or [x, y, sampleWeight]');
    val = prepare(model, vd[0], vd[1], vd[2], undefined);
    toFree.push(...val.owned);
  } else if (split > 0) {
    // Keras takes the last fraction, before any shuffling.
    const cut = Math.floor(all.n * (1 - split));
    train = subset(all, Array.from({ length: cut }, (_, i) => i));
    val = subset(all, Array.from({ length: all.n - cut }, (_, i) => cut + i));
    toFree.push(...train.owned, ...val.owned);
  }

  const history = new History();
  const baseLogger = new BaseLogger();
  const user = (o.callbacks as Callback[] | undefined) ?? [];
  const list = new CallbackList([baseLogger, ...user, history, ...(verbose ? [new ProgbarLogger()] : [])]);
  const outNames = c.metricsNames;
  const params = {
    epochs, samples: train.n, steps: null, batchSize, verbose, doValidation: val !== null,
    metrics: [...outNames, ...(val ? outNames.map((n) => `val_${n}`) : [])],
  };
  for (const cb of list.callbacks) { cb.setModel(model); cb.setParams(params); }
  model.history = history;
  model.stopTraining = false;
  const wantBatchLogs = list.wantsBatchLogs;

  try {
    await list.call('onTrainBegin', {});
    for (let epoch = (o.initialEpoch as number | undefined) ?? 0; epoch < epochs; epoch++) {
      const epochLogs: Logs = {};
      await list.call('onEpochBegin', epoch, epochLogs);
      const order = epochOrder(train.n, batchSize, shuffle);
      for (let b = 0; b < order.length; b++) {
        const idx = order[b]!;
        const batchLogs: Logs = { batch: b, size: idx.length };
        await list.call('onBatchBegin', b, batchLogs);
        const part = subset(train, idx);
        const outs = trainStep(model, c, part.xs, part.ys, part.ws);
        dispose(part.owned);
        baseLogger.addBatch(outNames, outs, idx.length);
        if (wantBatchLogs) {
          const values = await Promise.all(outs.map((t) => t.data()));
          outNames.forEach((n, i) => { batchLogs[n] = values[i]![0]!; });
        }
        dispose(outs);
        await list.call('onBatchEnd', b, batchLogs);
        if (model.stopTraining) break;
      }
      if (val) {
        const v = await evaluateArrays(model, c, val, batchSize);
        outNames.forEach((n, i) => { epochLogs[`val_${n}`] = v[i]!; });
      }
      await list.call('onEpochEnd', epoch, epochLogs);
      if (model.stopTraining) break;
    }
    await list.call('onTrainEnd', {});
  } finally {
    dispose(toFree);
  }
  return history;
}
