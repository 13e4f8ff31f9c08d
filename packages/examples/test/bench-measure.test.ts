import { describe, expect, it } from 'vitest';
import { CASES, measure, syntheticData, type Trainer } from '../bench/train-cases.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A trainer whose batches take `ms` each (the first `firstMs`), recording its calls. */
function fake(ms: number, firstMs = ms) {
  const calls: number[] = [];
  let disposed = false;
  const trainer: Trainer = {
    async fit(batches) {
      await sleep(calls.length === 0 ? firstMs : ms * batches);
      calls.push(batches);
    },
    dispose() { disposed = true; },
  };
  return { trainer, calls, disposed: () => disposed };
}

describe('bench:train measurement', () => {
  it('warm-up, a pace batch, then timed repeats of as many batches as fit the budget', async () => {
    const f = fake(10, 60);
    const m = await measure(CASES.mlp, 'kerasgpu', 'webgpu', async () => f.trainer, { secondsPerRepeat: 0.05, repeats: 3, maxBatchSeconds: 1 });
    expect(f.calls[0]).toBe(1);
    expect(f.calls[1]).toBe(1);
    const batches = f.calls[2]!;
    expect(batches).toBeGreaterThanOrEqual(2);
    expect(batches).toBeLessThanOrEqual(5);
    expect(f.calls.slice(2)).toEqual([batches, batches, batches]);
    expect(m.repeats).toBe(3);
    expect(m.batchesPerRepeat).toBe(batches);
    // about 128 samples per 10 ms; timers are coarse, so only the order of magnitude is checked
    expect(m.samplesPerSecond!).toBeGreaterThan(128 / 0.04);
    expect(m.samplesPerSecond!).toBeLessThan(128 / 0.005);
    expect(f.disposed()).toBe(true);
  });

  it('on a cpu backend a very slow warm-up batch is the measurement', async () => {
    const f = fake(10, 60);
    const m = await measure(CASES.cnn, 'tfjs', 'cpu', async () => f.trainer, { secondsPerRepeat: 0.05, repeats: 3, maxBatchSeconds: 0.03 });
    expect(f.calls).toEqual([1]);
    expect(m.repeats).toBe(0);
    expect(m.samplesPerSecond!).toBeLessThan(128 / 0.05);
  });

  it('a failing library gives an error row, not a crash, and is still disposed', async () => {
    const f = fake(1);
    f.trainer.fit = async () => { throw new Error('kernel missing\nstack'); };
    const m = await measure(CASES.lstm, 'tfjs', 'webgpu', async () => f.trainer, { secondsPerRepeat: 0.05, repeats: 3, maxBatchSeconds: 1 });
    expect(m.samplesPerSecond).toBeNull();
    expect(m.error).toBe('kernel missing');
    expect(f.disposed()).toBe(true);
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
