import type { Model } from '../models/model.js';
import { callable } from '../utils/callable.js';
import { ValueError } from '../utils/errors.js';
import { guardKerasNames, installKerasNames, KERAS_METHOD_NAMES, KERAS_OVERRIDES, routeKerasOverrides, type KerasSpelled } from '../utils/keras-names.js';

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
 * Keras's Callback: override any hook (each may be async), under its camelCase name or its Keras
 * spelling (`on_epoch_end`). `model` and `params` are set before training starts; set
 * `model.stopTraining = true` (`stop_training`) to stop after the current batch.
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
interface CallbackImpl extends KerasSpelled<CallbackImpl, typeof KERAS_METHOD_NAMES.Callback, (typeof KERAS_OVERRIDES.Callback)[number]> {
  on_train_begin(logs: Logs): MaybePromise;
  on_train_end(logs: Logs): MaybePromise;
  on_epoch_begin(epoch: number, logs: Logs): MaybePromise;
  on_epoch_end(epoch: number, logs: Logs): MaybePromise;
  on_batch_begin(batch: number, logs: Logs): MaybePromise;
  on_batch_end(batch: number, logs: Logs): MaybePromise;
}
installKerasNames(CallbackImpl.prototype, KERAS_METHOD_NAMES.Callback);
guardKerasNames(CallbackImpl);

export const Callback = callable(CallbackImpl);
export type Callback = CallbackImpl;
export { CallbackImpl };

const HOOKS: ReadonlySet<string> = new Set(KERAS_OVERRIDES.Callback.flatMap((k) => [k, KERAS_METHOD_NAMES.Callback[k]]));

/**
 * Makes `cb`'s Keras-spelled hooks the ones called, and refuses a method that looks like a hook
 * but is none (`on_test_begin`, `onEpochEnds`): nothing would ever call it.
 */
function prepareCallback(cb: Callback): void {
  const owner = cb.constructor.name.replace(/Impl$/, '');
  routeKerasOverrides(cb, CallbackImpl.prototype, owner, KERAS_METHOD_NAMES.Callback, KERAS_OVERRIDES.Callback);
  for (let p: object | null = cb; p !== null && p !== CallbackImpl.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const key of Object.getOwnPropertyNames(p)) {
      if (/^on(_|[A-Z])/.test(key) && !HOOKS.has(key) && typeof (cb as unknown as Record<string, unknown>)[key] === 'function') {
        throw new ValueError(`${owner}: defines ${key}, which is not a callback hook, so nothing would call it; the hooks are ${KERAS_OVERRIDES.Callback.map((k) => `${KERAS_METHOD_NAMES.Callback[k]} (${k})`).join(', ')}`);
      }
    }
  }
}

/** Runs hooks in order, awaiting each. */
export class CallbackList {
  constructor(readonly callbacks: Callback[]) {
    for (const cb of callbacks) prepareCallback(cb);
  }
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
