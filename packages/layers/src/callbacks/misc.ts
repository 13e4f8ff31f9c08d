import { platform } from '@kerasgpu/core/platform';
import { callable } from '../utils/callable.js';
import { parseOptions } from '../utils/options.js';
import { write } from '../utils/output.js';
import { CallbackImpl, type Logs, type MaybePromise } from './callback.js';
import { bool, str } from '../utils/option-readers.js';

/** Stops training at the first NaN or infinite batch loss (reads the loss after each batch). */
class TerminateOnNaNImpl extends CallbackImpl {
  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      write(`Batch ${batch}: Invalid loss, terminating training\n`);
      this.model!.stopTraining = true;
    }
  }
}
export const TerminateOnNaN = callable(TerminateOnNaNImpl);
export type TerminateOnNaN = TerminateOnNaNImpl;

/** Writes each epoch's logs as a CSV row (header from the first epoch's keys). */
class CSVLoggerImpl extends CallbackImpl {
  readonly separator: string;
  readonly append: boolean;
  private keys: string[] | null = null;
  constructor(readonly filename: string, options: { separator?: string; append?: boolean; [keras: string]: unknown } = {}) {
    super();
    const o = parseOptions('CSVLogger', options, ['separator', 'append']);
    this.separator = str('CSVLogger', o, 'separator', ',');
    this.append = bool('CSVLogger', o, 'append', false);
  }
  override onTrainBegin(): void {
    this.keys = null;
    if (!this.append) platform.writeTextFile(this.filename, '');
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      if (!this.append) platform.appendTextFile(this.filename, ['epoch', ...this.keys].join(this.separator) + '\n');
    }
    platform.appendTextFile(this.filename, [epoch, ...this.keys.map((k) => logs[k] ?? 'NA')].join(this.separator) + '\n');
  }
}
export const CSVLogger = callable(CSVLoggerImpl);
export type CSVLogger = CSVLoggerImpl;

export interface LambdaCallbackOptions {
  onEpochBegin?: (epoch: number, logs: Logs) => MaybePromise;
  onEpochEnd?: (epoch: number, logs: Logs) => MaybePromise;
  onBatchBegin?: (batch: number, logs: Logs) => MaybePromise;
  onBatchEnd?: (batch: number, logs: Logs) => MaybePromise;
  onTrainBegin?: (logs: Logs) => MaybePromise;
  onTrainEnd?: (logs: Logs) => MaybePromise;
  [keras: string]: unknown;
}

/** A callback from plain functions (Keras's on_epoch_end=... spellings work too). */
class LambdaCallbackImpl extends CallbackImpl {
  private readonly fns: LambdaCallbackOptions;
  constructor(options: LambdaCallbackOptions = {}) {
    super();
    this.fns = parseOptions('LambdaCallback', options, ['onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onTrainBegin', 'onTrainEnd']) as LambdaCallbackOptions;
  }
  override get wantsBatchLogs(): boolean { return this.fns.onBatchEnd !== undefined; }
  override onEpochBegin(e: number, l: Logs) { return this.fns.onEpochBegin?.(e, l); }
  override onEpochEnd(e: number, l: Logs) { return this.fns.onEpochEnd?.(e, l); }
  override onBatchBegin(b: number, l: Logs) { return this.fns.onBatchBegin?.(b, l); }
  override onBatchEnd(b: number, l: Logs) { return this.fns.onBatchEnd?.(b, l); }
  override onTrainBegin(l: Logs) { return this.fns.onTrainBegin?.(l); }
  override onTrainEnd(l: Logs) { return this.fns.onTrainEnd?.(l); }
}
export const LambdaCallback = callable(LambdaCallbackImpl);
export type LambdaCallback = LambdaCallbackImpl;
