import { add, keep, mul, tidy, type Tensor } from '@kerasgpu/core';
import { callable } from '../utils/callable.js';
import { CallbackImpl, type Logs } from './callback.js';

/**
 * Averages the batch values over the epoch, weighted by batch size. The sums stay on the device
 * and are read once, at epoch end (Keras's BaseLogger, without a readback per batch).
 */
class BaseLoggerImpl extends CallbackImpl {
  private sums: Tensor | null = null;
  private seen = 0;
  private names: string[] = [];

  override onEpochBegin(): void {
    this.reset();
  }

  /** Frees the running sums; the training loop calls it when a run ends, also by an error. */
  reset(): void {
    this.sums?.dispose();
    this.sums = null;
    this.seen = 0;
  }

  /** Called by the training loop with the step's values as one vector, in `names` order. */
  addBatch(names: string[], values: Tensor, size: number): void {
    this.names = names;
    const prev = this.sums;
    this.sums = keep(tidy(() => {
      const v = mul(values, size);
      return prev ? add(prev, v) : v;
    }));
    prev?.dispose();
    this.seen += size;
  }

  override async onEpochEnd(_epoch: number, logs: Logs): Promise<void> {
    if (!this.sums) return;
    const data = await this.sums.data();
    this.names.forEach((n, i) => { logs[n] = data[i]! / this.seen; });
    this.sums.dispose();
    this.sums = null;
  }
}
export const BaseLogger = callable(BaseLoggerImpl);
export type BaseLogger = BaseLoggerImpl;
