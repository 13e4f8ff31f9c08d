import { callable } from '../utils/callable.js';
import { CallbackImpl, type Logs } from './callback.js';

type Inspect = (value: unknown, options: object) => string;

/** Records each epoch's logs under Keras's keys: history.loss, history.acc, history.val_loss, ... */
class HistoryImpl extends CallbackImpl {
  epoch: number[] = [];
  history: Record<string, number[]> = {};
  override onTrainBegin(): void {
    this.epoch = [];
    this.history = {};
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
  /**
   * `console.log(history)` in Node shows the record, not the whole model it holds. The symbol is
   * the registered one Node's util.inspect looks up, so nothing here needs Node.
   */
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: Inspect): string {
    return `History ${inspect({ epoch: this.epoch, history: this.history }, options)}`;
  }
}
export const History = callable(HistoryImpl);
export type History = HistoryImpl;
