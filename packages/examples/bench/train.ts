/**
 * End-to-end training benchmark: the same architectures on the same synthetic MNIST-shaped data,
 * kerasgpu (webgpu and cpu backends) against TensorFlow.js 4.22 (tfjs-layers on
 * tfjs-backend-webgpu on the same Dawn adapter, and tfjs's cpu backend). Each library runs in a
 * worker process of its own, both at once; this process times them alternately (alternate.ts) and
 * reports.
 *   npm run bench:train [-- --quick] [--cases mlp,cnn,lstm] [--backends webgpu,cpu]
 *                       [--seconds S] [--repeats R] [--max-batch-seconds S] [--json FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureAlternately } from './alternate.js';
import { CASES, type CaseName, type Measurement, type MeasureOptions } from './train-cases.js';
import { Worker } from './worker-ipc.js';

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
const args: MeasureOptions = {
  secondsPerRepeat: Number(flags.seconds ?? (flags.quick ? 1 : 4)),
  repeats: Number(flags.repeats ?? (flags.quick ? 2 : 3)),
  maxBatchSeconds: Number(flags['max-batch-seconds'] ?? (flags.quick ? 5 : 20)),
};

/** The workers are siblings of this file (.js in dist/, or .mjs when bundled). */
const sibling = (name: string) => { const self = fileURLToPath(import.meta.url); return join(dirname(self), `${name}${extname(self)}`); };

console.log(`${args.repeats} timed repeats of about ${args.secondsPerRepeat} s after a warm-up epoch, the libraries alternately; node ${process.version}`);
// A library whose worker does not start (e.g. tfjs finds no adapter) is reported as missing; the other still runs.
const workers = (await Promise.allSettled([Worker.start(sibling('train-ours')), Worker.start(sibling('train-tfjs'))]))
  .flatMap((w) => (w.status === 'fulfilled' ? [w.value] : (console.log(`bench:train: ${(w.reason as Error).message}`), [])));
const hello = (library: string) => workers.find((w) => w.hello.library === library)?.hello;
const adapter = [hello('tfjs')?.adapter, hello('kerasgpu')?.adapter].find((a) => a && a !== 'none') ?? 'none';
const tfjsVersion = hello('tfjs')?.version ?? '?';
const results: Measurement[] = [];
const ratios: { case: CaseName; backend: string; ratio: number | null }[] = [];
for (const backend of backends) {
  for (const c of cases) {
    const { measurements, ratio } = await measureAlternately(CASES[c], backend, workers.map((w) => w.contender(c, backend)), args);
    for (const m of measurements) process.stderr.write(`${m.library} ${backend} ${c}: ${m.samplesPerSecond?.toFixed(1) ?? `failed: ${m.error}`} samples/s\n`);
    results.push(...measurements);
    ratios.push({ case: c, backend, ratio });
  }
}
for (const w of workers) w.close();

const fmt = (m: Measurement | undefined) =>
  m?.samplesPerSecond == null ? 'n/a' : `${m.repeats === 0 ? '≈' : ''}${m.samplesPerSecond >= 100 ? m.samplesPerSecond.toFixed(0) : m.samplesPerSecond.toFixed(1)}`;
/** The median of the per-round ratios where both sides had timed repeats, else the ratio of samples/s. */
const ratio = (c: CaseName, backend: string, a: Measurement | undefined, b: Measurement | undefined) => {
  const r = ratios.find((x) => x.case === c && x.backend === backend)?.ratio ?? (a?.samplesPerSecond && b?.samplesPerSecond ? a.samplesPerSecond / b.samplesPerSecond : null);
  return r === null ? 'n/a' : `${r.toFixed(2)}×`;
};
const get = (c: CaseName, library: string, backend: string) => results.find((r) => r.case === c && r.library === library && r.backend === backend);
const head = backends.flatMap((b) => [`kerasgpu ${b}`, `tfjs ${b}`, 'ratio']);
const table = [
  `| case | ${head.join(' | ')} |`,
  `|---|${head.map(() => '---:').join('|')}|`,
  ...cases.map((c) => `| ${CASES[c].title} | ${backends.flatMap((b) => {
    const [o, t] = [get(c, 'kerasgpu', b), get(c, 'tfjs', b)];
    return [fmt(o), fmt(t), ratio(c, b, o, t)];
  }).join(' | ')} |`),
];
console.log(`\nadapter: ${adapter}\nsamples/s, higher is better; ratio = kerasgpu / tfjs ${tfjsVersion} (median of alternating rounds); ≈: one batch, no timed repeats\n\n${table.join('\n')}`);
for (const r of results.filter((r) => r.error)) console.log(`${r.library} ${r.backend} ${r.case} failed: ${r.error}`);

const file = flags.json ?? join(process.env.INIT_CWD ?? process.cwd(), 'bench-results', `train-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify({ adapter, node: process.version, tfjs: tfjsVersion, date: new Date().toISOString(), options: { ...args, cases, backends }, results, ratios }, null, 2));
console.log(`\nwrote ${file}`);
