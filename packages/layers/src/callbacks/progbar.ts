import { callable } from '../utils/callable.js';
import { write, writesToTerminal } from '../utils/output.js';
import { CallbackImpl, type Logs } from './callback.js';

/** Keras 1 number formatting in logs: 4 decimals, scientific below 1e-3. */
export const fmtValue = (v: number): string => (Math.abs(v) > 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4));
const fmtLogs = (logs: Logs, keys: string[]) => keys.filter((k) => k in logs).map((k) => ` - ${k}: ${fmtValue(logs[k]!)}`).join('');

/**
 * verbose 1: Keras's progress bar `  32/1000 [>....] - ETA: 3s - loss: ...`, redrawn in place on a
 * TTY, one plain line per epoch otherwise. verbose 2: one line per epoch, `0s - loss: 0.7387 - acc: 0.4700`.
 */
class ProgbarLoggerImpl extends CallbackImpl {
  private start = 0;
  private seen = 0;
  private sums: Record<string, number> = {};
  private keys: string[] = [];

  /**
   * Per-batch values (a GPU readback each) are only needed to redraw the bar in place: verbose 1
   * on a terminal. Elsewhere the epoch's line comes from the epoch logs.
   */
  override get wantsBatchLogs(): boolean { return this.params?.verbose === 1 && writesToTerminal(); }

  override onEpochBegin(epoch: number): void {
    const p = this.params!;
    write(`Epoch ${epoch + 1}/${p.epochs}\n`);
    this.start = Date.now();
    this.seen = 0;
    this.sums = {};
    this.keys = p.metrics.filter((m) => !m.startsWith('val_'));
  }

  override onBatchEnd(_batch: number, logs: Logs): void {
    if (!this.wantsBatchLogs) return;
    const size = logs.size ?? 0;
    this.seen += size;
    for (const k of this.keys) if (k in logs) this.sums[k] = (this.sums[k] ?? 0) + logs[k]! * size;
    write(`\r${this.bar(false, this.averages())}`);
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const p = this.params!;
    const secs = `${Math.round((Date.now() - this.start) / 1000)}s`;
    const keys = p.metrics.filter((k) => k in logs);
    if (p.verbose === 2) write(`${secs}${fmtLogs(logs, keys)}\n`);
    else if (p.verbose === 1) write(`${writesToTerminal() ? '\r' : ''}${this.bar(true, logs, keys)}\n`);
  }

  private averages(): Logs {
    return Object.fromEntries(Object.entries(this.sums).map(([k, v]) => [k, v / Math.max(this.seen, 1)]));
  }

  private bar(done: boolean, logs: Logs, keys = this.keys): string {
    const total = this.params!.samples ?? this.params!.steps ?? this.seen;
    return barLine(done ? total : this.seen, total, this.start, done) + fmtLogs(logs, keys);
  }
}

/** Keras's bar `  32/1000 [>.....] - ETA: 3s`, or `1000/1000 [======] - 2s` when done. */
function barLine(seen: number, total: number, start: number, done: boolean): string {
  const width = 30;
  const filled = Math.floor((width * seen) / Math.max(total, 1));
  const bar = done ? '='.repeat(width) : `${'='.repeat(Math.max(filled - 1, 0))}${filled > 0 ? '>' : ''}${'.'.repeat(width - Math.max(filled, 0))}`;
  const elapsed = (Date.now() - start) / 1000;
  const timing = done ? `${Math.round(elapsed)}s` : `ETA: ${Math.round((elapsed / Math.max(seen, 1)) * (total - seen))}s`;
  const n = String(total);
  return `${String(seen).padStart(n.length)}/${n} [${bar}] - ${timing}`;
}

/**
 * Keras's Progbar(target) for evaluate: `update(current)` after each batch redraws the bar in place
 * on a terminal; the final line (current = target) is written everywhere.
 */
export class Progbar {
  private readonly start = Date.now();
  constructor(readonly target: number) {}
  update(current: number): void {
    const done = current >= this.target;
    if (done) write(`${writesToTerminal() ? '\r' : ''}${barLine(this.target, this.target, this.start, true)}\n`);
    else if (writesToTerminal()) write(`\r${barLine(current, this.target, this.start, false)}`);
  }
}
export const ProgbarLogger = callable(ProgbarLoggerImpl);
export type ProgbarLogger = ProgbarLoggerImpl;
