/**
 * What one training step costs the host, eager against compiled (replayed) steps: dispatches,
 * submits and bind groups per step, host milliseconds inside the step (fit's step call) and
 * wall milliseconds per step, for the bench:train models on webgpu; and the quick-start model
 * (Dense(1) sigmoid on 1000×784, batch 32, 10 epochs in-process) on webgpu and cpu.
 *   node dist/bench/step-costs.js [--cases mlp,cnn,lstm,quick] [--repeats R]
 * Medians over the repeats, after a warm-up epoch (which also traces the compiled step).
 */
import { parseArgs } from 'node:util';
import {
  Dense, deviceStats, dispose, randint, randomUniform, Sequential, setBackend, setSeed, sync, tensor, trainStepCounters,
} from '@kerasgpu/layers';
import { buildCase } from './models-ours.js';
import { CASES, syntheticData, type CaseName } from './train-cases.js';

const { values: flags } = parseArgs({ options: { cases: { type: 'string', default: 'mlp,cnn,lstm,quick' }, repeats: { type: 'string', default: '3' } } });
const repeats = Number(flags.repeats);
const wanted = flags.cases!.split(',');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface PerStep { dispatches: number; submits: number; bindGroups: number; hostMs: number; wallMs: number }

/** Runs `epoch` once to warm up, then `repeats` times, measuring per step; medians. */
async function perStep(steps: number, epoch: () => Promise<unknown>): Promise<PerStep> {
  await epoch();
  await sync();
  const runs: PerStep[] = [];
  for (let r = 0; r < repeats; r++) {
    const [s0, h0, t0] = [deviceStats(), trainStepCounters.hostMs, performance.now()];
    await epoch();
    await sync();
    const [s1, h1, t1] = [deviceStats(), trainStepCounters.hostMs, performance.now()];
    const d = (k: 'dispatches' | 'submits' | 'bindGroups') => ((s1?.[k] ?? 0) - (s0?.[k] ?? 0)) / steps;
    runs.push({ dispatches: d('dispatches'), submits: d('submits'), bindGroups: d('bindGroups'), hostMs: (h1 - h0) / steps, wallMs: (t1 - t0) / steps });
  }
  const keys = Object.keys(runs[0]!) as (keyof PerStep)[];
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as PerStep;
}

const BATCHES: Record<CaseName, number> = { mlp: 8, cnn: 3, lstm: 6 };

async function benchCase(name: CaseName, jit: boolean): Promise<PerStep> {
  const c = CASES[name];
  const batches = BATCHES[name];
  const data = syntheticData(c, batches);
  const model = buildCase(c, jit);
  const x = tensor(data.x, data.xShape);
  const y = tensor(data.y, data.yShape);
  try {
    return await perStep(batches, () => model.fit(x, y, { batch_size: c.batch, epochs: 1, shuffle: false, verbose: 0 }));
  } finally {
    dispose([x, y]);
    model.dispose();
  }
}

/** The quick-start model: 10 epochs of 32 steps per repeat. */
async function quick(jit: boolean): Promise<PerStep> {
  setSeed(1);
  const model = Sequential([Dense(1, { input_dim: 784, activation: 'sigmoid' })]);
  model.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['accuracy'], jit });
  const x = randomUniform([1000, 784]);
  const y = randint(0, 2, [1000, 1]);
  try {
    return await perStep(320, () => model.fit(x, y, { epochs: 10, batch_size: 32, verbose: 0 }));
  } finally {
    dispose([x, y]);
    model.dispose();
  }
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const rows: string[] = [];
const row = (label: string, p: PerStep) => {
  rows.push(`| ${label} | ${fmt(p.dispatches)} | ${fmt(p.submits)} | ${fmt(p.bindGroups)} | ${fmt(p.hostMs)} | ${fmt(p.wallMs)} |`);
  console.log(rows.at(-1));
};
console.log('| model, backend, steps | dispatches/step | submits/step | bind groups/step | host ms/step | wall ms/step |\n|---|---:|---:|---:|---:|---:|');
await setBackend('webgpu');
for (const name of ['mlp', 'cnn', 'lstm'] as CaseName[]) {
  if (!wanted.includes(name)) continue;
  row(`${name}, webgpu, eager`, await benchCase(name, false));
  row(`${name}, webgpu, compiled`, await benchCase(name, true));
}
if (wanted.includes('quick')) {
  const q = async (label: string, jit: boolean) => {
    const p = await quick(jit);
    row(`quick-start, ${label}`, p);
    console.log(`  (10 epochs: ${(p.wallMs * 320 / 1000).toFixed(2)} s)`);
  };
  await q('webgpu, eager', false);
  await q('webgpu, compiled', true);
  await setBackend('cpu');
  await q('cpu', true);
}
process.exit(0);
