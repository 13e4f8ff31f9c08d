/**
 * What one training step costs the host, eager against compiled (replayed) steps: dispatches,
 * submits and bind groups per step, host milliseconds inside the step (fit's step call) and
 * wall milliseconds per step, for the bench:train models on webgpu; and the quick-start model
 * (Dense(1) sigmoid on 1000×784, batch 32, 10 epochs in-process) on webgpu and cpu.
 *   node dist/bench/step-costs.js [--cases mlp,cnn,lstm,quick] [--repeats R] [--profile]
 * Medians over the repeats, timed alternately after a warm-up epoch (which also traces the
 * compiled step). --profile: then each compiled step's dispatches timed one by one (where its
 * time goes), summed per kernel and grid.
 */
import { parseArgs } from 'node:util';
import {
  compiledSteps, type CompiledStepInfo, Dense, deviceStats, dispose, randint, randomUniform, Sequential, setBackend, setSeed, sync, tensor, trainStepCounters,
} from '@kerasgpu/layers';
import { buildCase } from './models-ours.js';
import { CASES, syntheticData, type CaseName } from './train-cases.js';

const { values: flags } = parseArgs({ options: { cases: { type: 'string', default: 'mlp,cnn,lstm,quick' }, repeats: { type: 'string', default: '3' }, profile: { type: 'boolean', default: false } } });
const repeats = Number(flags.repeats);
const wanted = flags.cases!.split(',');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface PerStep { dispatches: number; submits: number; bindGroups: number; hostMs: number; wallMs: number }

/** One way of training: an epoch of `steps` steps. */
interface Variant { label: string; steps: number; epoch: () => Promise<unknown>; done: () => Promise<void> | void }

/**
 * Warms every variant up (one epoch: compiles pipelines, traces the compiled step), then times
 * them alternately, `repeats` rounds, so that load from other work on the machine falls on all
 * alike; medians per variant.
 */
async function measureAlternately(variants: Variant[]): Promise<PerStep[]> {
  const activate = (v: Variant) => setBackend(v.label.includes('cpu') ? 'cpu' : 'webgpu');
  for (const v of variants) {
    await activate(v);
    await v.epoch();
    await sync();
  }
  const runs: PerStep[][] = variants.map(() => []);
  for (let r = 0; r < repeats; r++) {
    for (const [i, v] of variants.entries()) {
      await activate(v);
      const [s0, h0, t0] = [deviceStats(), trainStepCounters.hostMs, performance.now()];
      await v.epoch();
      await sync();
      const [s1, h1, t1] = [deviceStats(), trainStepCounters.hostMs, performance.now()];
      const d = (k: 'dispatches' | 'submits' | 'bindGroups') => ((s1?.[k] ?? 0) - (s0?.[k] ?? 0)) / v.steps;
      runs[i]!.push({ dispatches: d('dispatches'), submits: d('submits'), bindGroups: d('bindGroups'), hostMs: (h1 - h0) / v.steps, wallMs: (t1 - t0) / v.steps });
    }
  }
  for (const v of variants) {
    await activate(v);
    await v.done();
  }
  return runs.map((rs) => {
    const keys = Object.keys(rs[0]!) as (keyof PerStep)[];
    return Object.fromEntries(keys.map((k) => [k, median(rs.map((r) => r[k]))])) as unknown as PerStep;
  });
}

/** What fusion made of each compiled step (KERASGPU_FUSE=0: nothing) and its profile, printed under its rows. */
const fusion: string[] = [];

const BATCHES: Record<CaseName, number> = { mlp: 8, cnn: 3, lstm: 6 };

/** A bench:train model on webgpu, eager or compiled. */
function benchCase(name: CaseName, jit: boolean): Variant {
  const c = CASES[name];
  const batches = BATCHES[name];
  const data = syntheticData(c, batches);
  const model = buildCase(c, jit);
  const x = tensor(data.x, data.xShape);
  const y = tensor(data.y, data.yShape);
  return {
    label: `${name}, webgpu, ${jit ? 'compiled' : 'eager'}`, steps: batches,
    epoch: () => model.fit(x, y, { batch_size: c.batch, epochs: 1, shuffle: false, verbose: 0 }),
    done: async () => {
      await describeSteps(name, model);
      dispose([x, y]);
      model.dispose();
    },
  };
}

/** What each replayable step of `model` is (fusion), and with --profile where a training step's time goes. */
async function describeSteps(name: string, model: Parameters<typeof compiledSteps>[0]): Promise<void> {
  for (const s of compiledSteps(model)) {
    if (!s.counts) continue;
    fusion.push(`  (${name} ${s.kind} step ${s.signature}: ${s.counts.unfusedDispatches} dispatches traced, ${s.counts.replayedDispatches} replayed; fused: ${s.fused!.join(', ') || 'none'})`);
    if (flags.profile && s.kind === 'train') fusion.push(...await profileLines(s));
  }
}

/** A compiled step's dispatches timed one by one, summed per kernel and grid: the 12 costliest. */
async function profileLines(s: CompiledStepInfo): Promise<string[]> {
  const times = await s.profile!();
  const total = times.reduce((t, d) => t + d.ms, 0);
  const byKernel = new Map<string, { n: number; ms: number; op: string }>();
  for (const d of times) {
    const key = `[${d.grid.join('×')}] ${d.kernel}`;
    const k = byKernel.get(key) ?? { n: 0, ms: 0, op: d.op };
    byKernel.set(key, { n: k.n + 1, ms: k.ms + d.ms, op: k.op });
  }
  const top = [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  return [`    profile: ${times.length} dispatches, ${fmt(total)} ms beyond a submit's overhead each; costliest kernels:`,
    ...top.map(([kernel, k]) => `    ${fmt(k.ms).padStart(6)} ms ${(100 * k.ms / total).toFixed(0).padStart(3)}%  ${String(k.n).padStart(3)}× ${k.op}: ${kernel.slice(0, 110)}`)];
}

/** The quick-start model: 10 epochs of 32 steps per repeat, on the active backend. */
function quick(label: string, jit: boolean): Variant {
  setSeed(1);
  const model = Sequential([Dense(1, { input_dim: 784, activation: 'sigmoid' })]);
  model.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['accuracy'], jit });
  const x = randomUniform([1000, 784]);
  const y = randint(0, 2, [1000, 1]);
  return {
    label: `quick-start, ${label}`, steps: 320,
    epoch: () => model.fit(x, y, { epochs: 10, batch_size: 32, verbose: 0 }),
    done: async () => {
      await describeSteps('quick-start', model);
      dispose([x, y]);
      model.dispose();
    },
  };
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
  const variants = [benchCase(name, false), benchCase(name, true)];
  (await measureAlternately(variants)).forEach((p, i) => row(variants[i]!.label, p));
  for (const line of fusion.splice(0)) console.log(line);
}
if (wanted.includes('quick')) {
  const variants = [quick('webgpu, eager', false), quick('webgpu, compiled', true)];
  await setBackend('cpu');
  variants.push(quick('cpu', true));
  await setBackend('webgpu');
  (await measureAlternately(variants)).forEach((p, i) => {
    row(variants[i]!.label, p);
    console.log(`  (10 epochs: ${(p.wallMs * 320 / 1000).toFixed(2)} s)`);
  });
  for (const line of fusion.splice(0)) console.log(line);
}
process.exit(0);
