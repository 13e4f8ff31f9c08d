import { callable } from '../utils/callable.js';
import { ValueError } from '../utils/errors.js';
import { parseOptions } from '../utils/options.js';
import { write } from '../utils/output.js';
import { CallbackImpl, type Logs } from './callback.js';
import { improvement, modeOption, type Mode } from './monitor.js';
import { int, num, str } from '../utils/option-readers.js';

/** Sets the optimizer's learning rate from `schedule(epoch)` at the start of each epoch. */
class LearningRateSchedulerImpl extends CallbackImpl {
  constructor(readonly schedule: (epoch: number) => number) { super(); }
  override onEpochBegin(epoch: number): void {
    const lr = this.schedule(epoch);
    if (typeof lr !== 'number' || !Number.isFinite(lr)) throw new ValueError(`LearningRateScheduler: schedule(${epoch}) must return a finite number, got ${String(lr)}`);
    this.model!.optimizer!.lr = lr;
  }
}
export const LearningRateScheduler = callable(LearningRateSchedulerImpl);
export type LearningRateScheduler = LearningRateSchedulerImpl;

export interface ReduceLROnPlateauOptions { monitor?: string; factor?: number; patience?: number; verbose?: number; mode?: Mode; epsilon?: number; cooldown?: number; minLr?: number; [keras: string]: unknown }

/** Multiplies the learning rate by `factor` when `monitor` stalls for `patience` epochs. */
class ReduceLROnPlateauImpl extends CallbackImpl {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: number;
  private readonly cmp: ReturnType<typeof improvement>;
  private best = 0;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    super();
    const o = parseOptions('ReduceLROnPlateau', options, ['monitor', 'factor', 'patience', 'verbose', 'mode', 'epsilon', 'cooldown', 'minLr']);
    const owner = 'ReduceLROnPlateau';
    this.monitor = str(owner, o, 'monitor', 'val_loss');
    this.factor = num(owner, o, 'factor', { min: 0, default: 0.1 });
    if (this.factor >= 1) throw new ValueError('ReduceLROnPlateau does not support a factor >= 1.0');
    this.patience = int(owner, o, 'patience', { min: 0, default: 10 });
    this.cooldown = int(owner, o, 'cooldown', { min: 0, default: 0 });
    this.minLr = num(owner, o, 'minLr', { min: 0, default: 0 });
    this.verbose = int(owner, o, 'verbose', { min: 0, default: 0 });
    this.cmp = improvement(this.monitor, modeOption(owner, o), num(owner, o, 'epsilon', { min: 0, default: 1e-4 }));
  }
  override onTrainBegin(): void {
    this.best = this.cmp.worst;
    this.wait = 0;
    this.cooldownCounter = 0;
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    const opt = this.model!.optimizer!;
    logs.lr = opt.lr;
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`ReduceLROnPlateau requires ${this.monitor} available!`);
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.cmp.better(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      if (this.wait >= this.patience) {
        if (opt.lr > this.minLr + 1e-4 * this.minLr) {
          opt.lr = Math.max(opt.lr * this.factor, this.minLr);
          if (this.verbose > 0) write(`Epoch ${epoch + 1}: reducing learning rate to ${opt.lr}.\n`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
      this.wait++;
    }
  }
}
export const ReduceLROnPlateau = callable(ReduceLROnPlateauImpl);
export type ReduceLROnPlateau = ReduceLROnPlateauImpl;
