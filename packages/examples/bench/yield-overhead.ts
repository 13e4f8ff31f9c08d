/**
 * What fit's yield to the event loop between batches costs (issue 16 allows 2%) on the MLP
 * benchmark (bench:train's mlp case: 784-512-512-10, RMSprop, batch 128). One model fits one
 * epoch of `--batches` batches with the yield on, then off, alternately (`--repeats` rounds), so
 * load from other work falls on both alike. "Off" replaces the model's step boundary (fit awaits
 * it before each step: a setImmediate, then any save in progress) with an already-resolved
 * promise, on this instance only. Overhead = median over rounds of (on / off − 1), in wall time and
 * in the process's CPU time (user + system, lavapipe's threads included), which other processes'
 * load on a shared machine disturbs far less than wall time.
 *   node packages/examples/dist/bench/yield-overhead.js [--backend webgpu|cpu] [--repeats 7] [--batches 16]
 */
import { parseArgs } from 'node:util';
import { setBackend, setSeed } from '@kerasgpu/layers';
import { buildCase } from './models-ours.js';
import { CASES, syntheticData } from './train-cases.js';

const { values: flags } = parseArgs({
  options: { backend: { type: 'string', default: 'webgpu' }, repeats: { type: 'string', default: '7' }, batches: { type: 'string', default: '16' } },
});
await setBackend(flags.backend as 'webgpu' | 'cpu');
setSeed(1);
const c = CASES.mlp;
const data = syntheticData(c, Number(flags.batches));
const model = buildCase(c);
const x = { data: data.x, shape: data.xShape }, y = { data: data.y, shape: data.yShape };

const withYield = model.stepBoundary.bind(model);
let yieldMs = 0;
/** The real boundary, timed: how long fit waits inside the yields themselves. */
const timedYield = async () => {
  const t = performance.now();
  await withYield();
  yieldMs += performance.now() - t;
};
const noYield = () => Promise.resolve();

interface Seconds { wall: number; cpu: number }
async function epoch(on: boolean): Promise<Seconds> {
  model.stepBoundary = on ? timedYield : noYield;
  const [t, u] = [performance.now(), process.cpuUsage()];
  await model.fit(x, y, { batch_size: c.batch, epochs: 1, shuffle: false, verbose: 0 });
  const du = process.cpuUsage(u);
  return { wall: (performance.now() - t) / 1000, cpu: (du.user + du.system) / 1e6 };
}

await epoch(true); // warm-up: pipelines compiled, buffers pooled
await epoch(false);
yieldMs = 0;
const on: Seconds[] = [], off: Seconds[] = [];
for (let r = 0; r < Number(flags.repeats); r++) {
  // Alternate which goes first, so a drift in load does not favour one side.
  if (r % 2 === 0) { on.push(await epoch(true)); off.push(await epoch(false)); } else { off.push(await epoch(false)); on.push(await epoch(true)); }
}
model.dispose();

/** The yield on its own (nothing else queued): its floor cost per step, which load cannot hide. */
async function isolatedYieldUs(n = 20_000): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
  return ((performance.now() - t) * 1000) / n;
}
const isolated = [await isolatedYieldUs(), await isolatedYieldUs(), await isolatedYieldUs()];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const steps = on.length * Number(flags.batches);
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const report = (k: keyof Seconds) => ({
  with: on.map((v) => Number(v[k].toFixed(3))), without: off.map((v) => Number(v[k].toFixed(3))),
  medianWith: Number(median(on.map((v) => v[k])).toFixed(3)), medianWithout: Number(median(off.map((v) => v[k])).toFixed(3)),
  overheadMedianOfRounds: pct(median(on.map((v, i) => v[k] / off[i]![k] - 1))),
});
console.log(JSON.stringify({
  backend: flags.backend, case: c.title, batchesPerEpoch: Number(flags.batches), rounds: on.length,
  wallSeconds: report('wall'), cpuSeconds: report('cpu'),
  // Wall time inside the yields: other work of this process that ran there (device callbacks) included.
  msInsideYieldPerStep: Number((yieldMs / steps).toFixed(4)),
  stepMsWithout: Number(((1000 * median(off.map((v) => v.wall))) / Number(flags.batches)).toFixed(2)),
  isolatedYieldMicroseconds: isolated.map((v) => Number(v.toFixed(2))),
  isolatedYieldShareOfStep: pct(median(isolated) / 1000 / ((1000 * median(off.map((v) => v.wall))) / Number(flags.batches))),
}));
