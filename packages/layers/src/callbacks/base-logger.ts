import type { RunningSums } from '../training/running-sums.js';
import { callable } from '../utils/callable.js';
import { CallbackImpl, type Logs } from './callback.js';

/**
 * Averages the batch values over the epoch, weighted by batch size (Keras's BaseLogger, without
 * a readback per batch). The training step itself adds each batch's values into running sums on
 * the device (a compiled step, in its program); they are read once, at epoch end.
 */
class BaseLoggerImpl extends CallbackImpl {
  private sums: RunningSums | null = null;
  private seen = 0;
  private names: string[] = [];

  /** Called by the training loop before it starts: the sums its steps add to, with their values' names. */
  sumsOf(names: string[], sums: RunningSums): void {
    this.names = names;
    this.sums = sums;
  }

  override onEpochBegin(): void {
    this.sums?.reset();
    this.seen = 0;
  }

  /** Releases the run's sums; the training loop calls it when a run ends, also by an error. */
  reset(): void {
    this.sums?.release();
    this.sums = null;
    this.seen = 0;
  }

  /** Called by the training loop after each step, which added `size` × its values to the sums. */
  addBatch(size: number): void {
    this.seen += size;
  }

  override async onEpochEnd(_epoch: number, logs: Logs): Promise<void> {
    if (!this.sums || this.seen === 0) return;
    const data = await this.sums.read();
    this.names.forEach((n, i) => { logs[n] = data[i]! / this.seen; });
  }
}
export const BaseLogger = callable(BaseLoggerImpl);
export type BaseLogger = BaseLoggerImpl;
