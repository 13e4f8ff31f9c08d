import { describe, expect, it } from 'vitest';
import { measureAlternately, timed, type Contender } from '../bench/alternate.js';
import { CASES, syntheticData, type Trainer } from '../bench/train-cases.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A trainer whose batches take `ms` each (the first `firstMs`), recording its calls into `log` too. */
function fake(library: Contender['library'], log: string[], ms: number, firstMs = ms) {
  const calls: number[] = [];
  let disposed = false;
  const trainer: Trainer = {
    async fit(batches) {
      await sleep(calls.length === 0 ? firstMs : ms * batches);
      calls.push(batches);
      log.push(`${library} ${batches}`);
    },
    dispose() { disposed = true; },
  };
  const contender: Contender = { library, make: async () => timed(trainer) };
  return { trainer, contender, calls, disposed: () => disposed };
}

describe('bench:train measurement', () => {
  it('warm-ups, then the pace batches and timed repeats of the two libraries alternately', async () => {
    const log: string[] = [];
    const [a, b] = [fake('kerasgpu', log, 5, 30), fake('tfjs', log, 20, 60)];
    const { measurements: [ma, mb], ratio } = await measureAlternately(CASES.mlp, 'webgpu', [a.contender, b.contender], { secondsPerRepeat: 0.05, repeats: 3, maxBatchSeconds: 1 });
    const [na, nb] = [a.calls[2]!, b.calls[2]!];
    expect(na).toBeGreaterThan(nb); // the faster side fits more batches in the same budget
    expect(nb).toBeGreaterThanOrEqual(1);
    expect(log).toEqual([
      'kerasgpu 1', 'tfjs 1', // warm-ups
      'kerasgpu 1', 'tfjs 1', // pace
      ...[1, 2, 3].flatMap(() => [`kerasgpu ${na}`, `tfjs ${nb}`]),
    ]);
    expect([ma!.repeats, ma!.batchesPerRepeat, mb!.repeats, mb!.batchesPerRepeat]).toEqual([3, na, 3, nb]);
    // about 128 samples per 5 ms against per 20 ms; timers are coarse, so only the order of magnitude is checked
    expect(ma!.samplesPerSecond!).toBeGreaterThan(128 / 0.02);
    expect(mb!.samplesPerSecond!).toBeLessThan(128 / 0.01);
    expect(ratio!).toBeGreaterThan(1.5);
    expect(ratio!).toBeLessThan(8);
    expect(a.disposed() && b.disposed()).toBe(true);
  });

  it('on a cpu backend a very slow warm-up batch is the measurement; the other side still runs', async () => {
    const log: string[] = [];
    const [a, b] = [fake('kerasgpu', log, 1), fake('tfjs', log, 10, 60)];
    const { measurements: [ma, mb], ratio } = await measureAlternately(CASES.cnn, 'cpu', [a.contender, b.contender], { secondsPerRepeat: 0.01, repeats: 2, maxBatchSeconds: 0.03 });
    expect(b.calls).toEqual([1]);
    expect(mb!.repeats).toBe(0);
    expect(mb!.samplesPerSecond!).toBeLessThan(128 / 0.05);
    expect(ma!.repeats).toBe(2);
    expect(ratio).toBeNull(); // no rounds in which both ran
  });

  it('a failing library gives an error row, not a crash, and is still disposed', async () => {
    const log: string[] = [];
    const [a, b] = [fake('kerasgpu', log, 1), fake('tfjs', log, 1)];
    b.trainer.fit = async () => { throw new Error('kernel missing\nstack'); };
    const { measurements: [ma, mb] } = await measureAlternately(CASES.lstm, 'webgpu', [a.contender, b.contender], { secondsPerRepeat: 0.01, repeats: 3, maxBatchSeconds: 1 });
    expect(mb!.samplesPerSecond).toBeNull();
    expect(mb!.error).toBe('kernel missing');
    expect(ma!.samplesPerSecond).toBeGreaterThan(0);
    expect(a.disposed() && b.disposed()).toBe(true);
  });

  it('synthetic data is the same on every call and shaped per case', () => {
    const a = syntheticData(CASES.lstm, 2);
    expect(a.xShape).toEqual([64, 80]);
    expect(a.yShape).toEqual([64, 1]);
    expect(Array.from(syntheticData(CASES.lstm, 2).x)).toEqual(Array.from(a.x));
    expect(a.x.every((v) => Number.isInteger(v) && v >= 0 && v < 20000)).toBe(true);
    const c = syntheticData(CASES.cnn, 1);
    expect(c.xShape).toEqual([128, 28, 28, 1]);
    expect(Array.from({ length: 128 }, (_, i) => c.y.subarray(i * 10, i * 10 + 10).reduce((s, v) => s + v, 0))).toEqual(new Array(128).fill(1));
  });
});
