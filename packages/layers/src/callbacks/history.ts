import { callable } from '../utils/callable.js';
import { CallbackImpl, type Logs } from './callback.js';

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
}
export const History = callable(HistoryImpl);
export type History = HistoryImpl;
