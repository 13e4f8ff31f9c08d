/**
 * End-to-end training benchmark: the same architectures on the same synthetic MNIST-shaped data,
 * kerasgpu (webgpu and cpu backends) against TensorFlow.js 4.22 (tfjs-layers on
 * tfjs-backend-webgpu on the same Dawn adapter, and tfjs's cpu backend). Each library runs in a
 * worker process of its own, one after the other; this process only orchestrates and reports.
 *   npm run bench:train [-- --quick] [--cases mlp,cnn,lstm] [--backends webgpu,cpu]
 *                       [--seconds S] [--repeats R] [--max-batch-seconds S] [--json FILE]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CASES, type CaseName, type Measurement, type WorkerArgs, type WorkerReport } from './train-cases.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    cases: { type: 'string', default: 'mlp,cnn,lstm' },
    backends: { type: 'string', default: 'webgpu,cpu' },
    seconds: { type: 'string' },
    repeats: { type: 'string' },
    'max-batch-seconds': { type: 'string' },
    json: { type: 'string' },
  },
});
const cases = flags.cases!.split(',') as CaseName[];
const backends = flags.backends!.split(',') as ('webgpu' | 'cpu')[];
for (const c of cases) if (!(c in CASES)) throw new Error(`bench:train: unknown case '${c}' (mlp, cnn, lstm)`);
for (const b of backends) if (b !== 'webgpu' && b !== 'cpu') throw new Error(`bench:train: unknown backend '${b}' (webgpu, cpu)`);
const args: WorkerArgs = {
  cases, backends,
  secondsPerRepeat: Number(flags.seconds ?? (flags.quick ? 1 : 4)),
  repeats: Number(flags.repeats ?? (flags.quick ? 2 : 3)),
  maxBatchSeconds: Number(flags['max-batch-seconds'] ?? (flags.quick ? 5 : 20)),
};

/**
 * Runs a worker (a sibling file, .js in dist/ or .mjs when bundled) and reads its report; if it
 * dies (e.g. out of memory), the measurements it finished are kept and the rest are missing.
 */
function runWorker(name: 'train-ours' | 'train-tfjs'): WorkerReport {
  const self = fileURLToPath(import.meta.url);
  const file = join(dirname(self), `${name}${extname(self)}`);
  const run = spawnSync(process.execPath, [file, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  const lines = run.stdout.toString().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Partial<WorkerReport> & { measurement?: Measurement });
  const report = lines.find((l) => l.results) as WorkerReport | undefined;
  if (report) return report;
  console.log(`${name} stopped early (${run.signal ?? `exit ${run.status}`}); keeping its finished measurements`);
  return { library: name, version: '?', adapter: '?', results: lines.flatMap((l) => (l.measurement ? [l.measurement] : [])) };
}

console.log(`${args.repeats} timed repeats of about ${args.secondsPerRepeat} s after a warm-up epoch; node ${process.version}`);
const ours = runWorker('train-ours');
const theirs = runWorker('train-tfjs');
const adapter = theirs.adapter === '?' ? ours.adapter : theirs.adapter;
const results = [...ours.results, ...theirs.results];

const fmt = (m: Measurement | undefined) =>
  m?.samplesPerSecond == null ? 'n/a' : `${m.repeats === 0 ? '≈' : ''}${m.samplesPerSecond >= 100 ? m.samplesPerSecond.toFixed(0) : m.samplesPerSecond.toFixed(1)}`;
const ratio = (a: Measurement | undefined, b: Measurement | undefined) =>
  a?.samplesPerSecond && b?.samplesPerSecond ? `${(a.samplesPerSecond / b.samplesPerSecond).toFixed(2)}×` : 'n/a';
const get = (c: CaseName, library: string, backend: string) => results.find((r) => r.case === c && r.library === library && r.backend === backend);
const head = backends.flatMap((b) => [`kerasgpu ${b}`, `tfjs ${b}`, 'ratio']);
const table = [
  `| case | ${head.join(' | ')} |`,
  `|---|${head.map(() => '---:').join('|')}|`,
  ...cases.map((c) => `| ${CASES[c].title} | ${backends.flatMap((b) => {
    const [o, t] = [get(c, 'kerasgpu', b), get(c, 'tfjs', b)];
    return [fmt(o), fmt(t), ratio(o, t)];
  }).join(' | ')} |`),
];
console.log(`\nadapter: ${adapter}\nsamples/s, higher is better; ratio = kerasgpu / tfjs ${theirs.version}; ≈: one batch, no timed repeats\n\n${table.join('\n')}`);
for (const r of results.filter((r) => r.error)) console.log(`${r.library} ${r.backend} ${r.case} failed: ${r.error}`);

const file = flags.json ?? join(process.env.INIT_CWD ?? process.cwd(), 'bench-results', `train-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify({ adapter, node: process.version, tfjs: theirs.version, date: new Date().toISOString(), options: args, results }, null, 2));
console.log(`\nwrote ${file}`);
