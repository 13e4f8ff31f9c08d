import type { Model } from '../models/model.js';
import { callable } from '../utils/callable.js';

export type Logs = Record<string, number>;
export type MaybePromise = void | Promise<void>;

/** Training parameters handed to callbacks (Keras's `self.params`). */
export interface FitParams {
  epochs: number;
  samples: number | null;
  steps: number | null;
  batchSize: number;
  verbose: number;
  doValidation: boolean;
  metrics: string[];
}

/**
 * Keras's Callback: override any hook (each may be async). `model` and `params` are set before
 * training starts; set `model.stopTraining = true` to stop after the current batch.
 */
class CallbackImpl {
  model: Model | null = null;
  params: FitParams | null = null;
  setModel(model: Model): void { this.model = model; }
  setParams(params: FitParams): void { this.params = params; }
  onTrainBegin(_logs: Logs): MaybePromise {}
  onTrainEnd(_logs: Logs): MaybePromise {}
  onEpochBegin(_epoch: number, _logs: Logs): MaybePromise {}
  onEpochEnd(_epoch: number, _logs: Logs): MaybePromise {}
  onBatchBegin(_batch: number, _logs: Logs): MaybePromise {}
  onBatchEnd(_batch: number, _logs: Logs): MaybePromise {}
  /** Whether this callback reads per-batch values (forcing a readback after every batch). */
  get wantsBatchLogs(): boolean {
    return this.onBatchEnd !== CallbackImpl.prototype.onBatchEnd;
  }
}
export const Callback = callable(CallbackImpl);
export type Callback = CallbackImpl;
export { CallbackImpl };

/** Runs hooks in order, awaiting each. */
export class CallbackList {
  constructor(readonly callbacks: Callback[]) {}
  async call<K extends 'onTrainBegin' | 'onTrainEnd'>(hook: K, logs: Logs): Promise<void>;
  async call<K extends 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd'>(hook: K, index: number, logs: Logs): Promise<void>;
  async call(hook: string, a: unknown, b?: unknown): Promise<void> {
    for (const cb of this.callbacks) {
      const fn = (cb as unknown as Record<string, (x: unknown, y?: unknown) => MaybePromise>)[hook]!;
      await fn.call(cb, a, b);
    }
  }
  get wantsBatchLogs(): boolean { return this.callbacks.some((c) => c.wantsBatchLogs); }
}
