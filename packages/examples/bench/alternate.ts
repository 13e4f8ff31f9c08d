/**
 * bench:train's measurement: the libraries of one case are timed alternately (ours, tfjs, ours,
 * ...), as bench:kernels does, so that load from other work on a shared machine falls on both
 * alike; the ratio is the median of the per-round ratios.
 */
import type { CaseSpec, Measurement, MeasureOptions, Trainer } from './train-cases.js';

/** A trainer as the orchestrator drives it: `time(n)` trains n batches and says how many seconds they took. */
export interface TimedTrainer {
  time(batches: number): Promise<number>;
  dispose(): void | Promise<void>;
}

/** One library's side of a case: how to make its trainer (in this process or in a worker). */
export interface Contender { library: Measurement['library']; make: () => Promise<TimedTrainer> }

/** Times a trainer's epochs where it runs (a worker times itself, so messages are not counted). */
export function timed(trainer: Trainer): TimedTrainer {
  return {
    async time(batches) {
      const t = performance.now();
      await trainer.fit(batches);
      return (performance.now() - t) / 1000;
    },
    dispose: () => trainer.dispose(),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

interface Side { library: Measurement['library']; trainer: TimedTrainer | null; warmupSeconds: number; batches: number; repeatSeconds: number[]; result: Measurement | null }

/**
 * For each contender: a warm-up epoch of one batch (compiles pipelines, allocates buffers), then,
 * alternately, a one-batch epoch that sets the pace and `repeats` timed epochs of as many batches
 * as fit `secondsPerRepeat` at that pace (at least 1, at most the case's maxBatches). samples/s =
 * the median repeat's samples over its seconds. To keep slow cases short: on a cpu backend a
 * warm-up batch slower than `maxBatchSeconds` is the measurement; a pace batch slower than that
 * is the one timed repeat. A side that fails gets an error row; the others go on.
 * `ratio`: the first contender's samples/s over the second's, median of the rounds in which both ran.
 */
export async function measureAlternately(c: CaseSpec, backend: Measurement['backend'], contenders: Contender[], o: MeasureOptions): Promise<{ measurements: Measurement[]; ratio: number | null }> {
  const sides: Side[] = contenders.map((k) => ({ library: k.library, trainer: null, warmupSeconds: 0, batches: 0, repeatSeconds: [], result: null }));
  const row = (s: Side, samplesPerSecond: number | null, repeats: number, extra: Partial<Measurement> = {}): Measurement =>
    ({ case: c.name, library: s.library, backend, samplesPerSecond, repeats, batchesPerRepeat: s.batches, warmupSeconds: s.warmupSeconds, repeatSeconds: s.repeatSeconds, ...extra });
  const active = () => sides.filter((s) => s.trainer && !s.result);
  /** Runs one step for a side; a throw ends that side with an error row. */
  const attempt = async (s: Side, step: (t: TimedTrainer) => Promise<void>) => {
    try { await step(s.trainer!); } catch (e) { s.result = row(s, null, 0, { batchesPerRepeat: 0, error: firstLine(e) }); }
  };
  try {
    for (const [i, s] of sides.entries()) {
      try { s.trainer = await contenders[i]!.make(); } catch (e) { s.result = row(s, null, 0, { error: firstLine(e) }); continue; }
      await attempt(s, async (t) => {
        s.warmupSeconds = await t.time(1);
        if (s.warmupSeconds > o.maxBatchSeconds && backend === 'cpu') { s.batches = 1; s.result = row(s, c.batch / s.warmupSeconds, 0); }
      });
    }
    for (const s of active()) {
      await attempt(s, async (t) => {
        const pace = await t.time(1);
        s.batches = pace > o.maxBatchSeconds ? 1 : Math.max(1, Math.min(c.maxBatches, Math.floor(o.secondsPerRepeat / pace)));
        if (pace > o.maxBatchSeconds) { s.repeatSeconds = [pace]; s.result = row(s, c.batch / pace, 1); }
      });
    }
    for (let r = 0; r < o.repeats; r++) {
      for (const s of active()) await attempt(s, async (t) => { s.repeatSeconds.push(await t.time(s.batches)); });
    }
    for (const s of active()) s.result = row(s, (s.batches * c.batch) / median(s.repeatSeconds), o.repeats);
  } finally {
    for (const s of sides) await s.trainer?.dispose();
  }
  const [a, b] = sides;
  const rounds = a?.result?.repeats === o.repeats && b?.result?.repeats === o.repeats && o.repeats > 0
    ? a.repeatSeconds.map((ta, r) => (a.batches / ta) / (b.batches / b.repeatSeconds[r]!)) : [];
  return { measurements: sides.map((s) => s.result!), ratio: rounds.length ? median(rounds) : null };
}
