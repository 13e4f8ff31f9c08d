import { callable } from '../utils/callable.js';
import { parseOptions } from '../utils/options.js';
import { write } from '../utils/output.js';
import { CallbackImpl, type Logs } from './callback.js';
import { improvement, modeOption, type Mode } from './monitor.js';
import { int, num, str } from '../utils/option-readers.js';

const OWNER = 'EarlyStopping';

export interface EarlyStoppingOptions { monitor?: string; minDelta?: number; patience?: number; verbose?: number; mode?: Mode; [keras: string]: unknown }

/** Stops training when `monitor` has not improved for `patience` epochs. */
class EarlyStoppingImpl extends CallbackImpl {
  readonly monitor: string;
  readonly patience: number;
  readonly verbose: number;
  private readonly cmp: ReturnType<typeof improvement>;
  private best = 0;
  private wait = 0;
  stoppedEpoch = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    super();
    const o = parseOptions(OWNER, options, ['monitor', 'minDelta', 'patience', 'verbose', 'mode']);
    this.monitor = str(OWNER, o, 'monitor', 'val_loss');
    this.patience = int(OWNER, o, 'patience', { min: 0, default: 0 });
    this.verbose = int(OWNER, o, 'verbose', { min: 0, default: 0 });
    this.cmp = improvement(this.monitor, modeOption(OWNER, o), num(OWNER, o, 'minDelta', { default: 0 }));
  }
  override onTrainBegin(): void {
    this.wait = 0;
    this.best = this.cmp.worst;
    this.stoppedEpoch = 0;
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`EarlyStopping requires ${this.monitor} available!`);
      return;
    }
    if (this.cmp.better(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    } else {
      this.wait++;
    }
  }
  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) write(`Epoch ${String(this.stoppedEpoch).padStart(5, '0')}: early stopping\n`);
  }
}
export const EarlyStopping = callable(EarlyStoppingImpl);
export type EarlyStopping = EarlyStoppingImpl;
