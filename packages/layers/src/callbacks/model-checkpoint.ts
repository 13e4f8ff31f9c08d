import { getSaveHandler } from '../models/save-handler.js';
import { callable } from '../utils/callable.js';
import { parseOptions } from '../utils/options.js';
import { write } from '../utils/output.js';
import { CallbackImpl, type Logs } from './callback.js';
import { improvement, modeOption, type Mode } from './monitor.js';
import { bool, int, str } from '../utils/option-readers.js';

const OWNER = 'ModelCheckpoint';

/** Python's str.format for checkpoint names: {epoch:02d}, {val_loss:.2f}, {loss}. */
export function formatPath(template: string, values: Record<string, number>): string {
  return template.replace(/\{(\w+)(?::(0?)(\d*)(?:\.(\d+))?([df]?))?\}/g, (m, key: string, zero: string, width: string, prec: string | undefined, type: string) => {
    const v = values[key];
    if (v === undefined) return m;
    let s = type === 'd' ? String(Math.trunc(v)) : prec !== undefined ? v.toFixed(Number(prec)) : String(v);
    if (width) s = s.padStart(Number(width), zero ? '0' : ' ');
    return s;
  });
}

export interface ModelCheckpointOptions { monitor?: string; verbose?: number; saveBestOnly?: boolean; saveWeightsOnly?: boolean; mode?: Mode; period?: number; [keras: string]: unknown }

/** Saves the model (or its weights) after epochs, optionally only when `monitor` improves. */
class ModelCheckpointImpl extends CallbackImpl {
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly verbose: number;
  readonly period: number;
  private readonly cmp: ReturnType<typeof improvement>;
  private best: number;
  private sinceLast = 0;

  constructor(readonly filepath: string, options: ModelCheckpointOptions = {}) {
    super();
    const o = parseOptions(OWNER, options, ['monitor', 'verbose', 'saveBestOnly', 'saveWeightsOnly', 'mode', 'period']);
    this.monitor = str(OWNER, o, 'monitor', 'val_loss');
    this.verbose = int(OWNER, o, 'verbose', { min: 0, default: 0 });
    this.saveBestOnly = bool(OWNER, o, 'saveBestOnly', false);
    this.saveWeightsOnly = bool(OWNER, o, 'saveWeightsOnly', false);
    this.period = int(OWNER, o, 'period', { min: 1, default: 1 });
    this.cmp = improvement(this.monitor, modeOption(OWNER, o), 0);
    this.best = this.cmp.worst;
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (++this.sinceLast < this.period) return;
    this.sinceLast = 0;
    // Keras 2 numbers epochs from 1 in file names.
    const path = formatPath(this.filepath, { epoch: epoch + 1, ...logs });
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        console.warn(`Can save best model only with ${this.monitor} available, skipping.`);
        return;
      }
      if (!this.cmp.better(current, this.best)) {
        if (this.verbose > 0) write(`Epoch ${epoch + 1}: ${this.monitor} did not improve\n`);
        return;
      }
      if (this.verbose > 0) write(`Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best} to ${current}, saving model to ${path}\n`);
      this.best = current;
    } else if (this.verbose > 0) {
      write(`Epoch ${epoch + 1}: saving model to ${path}\n`);
    }
    const h = getSaveHandler();
    await (this.saveWeightsOnly ? h.saveWeights(this.model!, path, { overwrite: true }) : h.save(this.model!, path, { overwrite: true }));
  }
}
export const ModelCheckpoint = callable(ModelCheckpointImpl);
export type ModelCheckpoint = ModelCheckpointImpl;
