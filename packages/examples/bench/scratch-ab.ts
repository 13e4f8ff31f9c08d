import { compiledSteps, dispose, setBackend, tensor, type Sequential } from '@kerasgpu/layers';
import { buildCase } from './models-ours.js';
import { CASES, syntheticData, type CaseName } from './train-cases.js';
const name = (process.argv[2] ?? 'lstm') as CaseName;
const flag = process.argv[3] ?? 'LSTMPACK';
await setBackend('webgpu');
const c = CASES[name];
const data = syntheticData(c, 4);
const x = tensor(data.x, data.xShape), y = tensor(data.y, data.yShape);
const models: Sequential[] = [];
const vals = JSON.parse(process.argv[4] ?? '[0,1]');
for (const v of vals) {
  if (flag === 'MULTI') Object.assign(globalThis, v); else (globalThis as any)[flag] = v;
  const m = buildCase(c, true);
  await m.fit(x, y, { batch_size: c.batch, epochs: 1, shuffle: false, verbose: 0 });
  models.push(m);
}
const steps = models.map((m) => compiledSteps(m).find((s) => s.kind === 'train')!);
type T = { ms: number; op: string; kernel: string; grid: readonly number[] };
const runs: T[][][] = vals.map(() => []);
for (let r = 0; r < 7; r++) for (const v of vals.keys()) runs[v]!.push(await steps[v]!.profile!());
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const v of vals.keys()) {
  const byOp = new Map<string, number>();
  const totals = runs[v]!.map((r) => r.reduce((t, d) => t + d.ms, 0));
  for (const [i, d] of runs[v]![0]!.entries()) byOp.set(d.op, (byOp.get(d.op) ?? 0) + med(runs[v]!.map((r) => r[i]!.ms)));
  console.log(`${flag}=${JSON.stringify(vals[v])}: ${runs[v]![0]!.length} dispatches, total median ${med(totals).toFixed(1)} ms; `, [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([o, ms]) => `${o} ${ms.toFixed(1)}`).join(', '));
}
dispose([x, y]); for (const m of models) m.dispose();
