/**
 * Kernel microbenchmarks: ours (kerasgpu webgpu backend) vs @tensorflow/tfjs-backend-webgpu on the
 * same Dawn adapter in the same process. Each case: warm-up (compiles pipelines), then timed repeats
 * of the two alternately (medians; the ratio is the median of per-round ratios), each synchronised
 * by reading back a one-element slice of the result.
 * A kernel that is missing or fails prints "n/a" instead of stopping the run.
 *   npm run bench:kernels [-- --json FILE]   (KERASGPU_BENCH_QUICK=1: fewer repeats;
 *                                     KERASGPU_BENCH_ONLY=add,sum: only the cases whose op is listed)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { create, globals } from 'webgpu';
import * as K from '@kerasgpu/core';
import type * as TF from '@tensorflow/tfjs';

type Runner<T> = { run: () => T; read: (t: T) => Promise<unknown>; dispose: (t: T) => void };
interface Case {
  op: string; shapes: string;
  /** Work per run: FLOPs (reported as GFLOP/s) or bytes moved (GB/s). */
  flops?: number; bytes?: number;
  ours: () => Runner<K.Tensor | K.Tensor[]>;
  tfjs: (tf: typeof TF) => Runner<TF.Tensor | TF.Tensor[]>;
}
interface Row { op: string; shapes: string; oursMs: number | null; tfjsMs: number | null; unit: string; ours: number | null; tfjs: number | null; ratio: number | null; error?: string }

const JSON_FILE = parseArgs({ options: { json: { type: 'string' } } }).values.json;
const QUICK = process.env.KERASGPU_BENCH_QUICK === '1';
const ONLY = process.env.KERASGPU_BENCH_ONLY?.split(',').map((s) => s.trim()).filter((s) => s);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const randomData = (n: number, seed: number) => { let s = seed >>> 0; const a = new Float32Array(n); for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = s / 2 ** 31 - 1; } return a; };
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const first = <T>(t: T | T[]): T => (Array.isArray(t) ? t[0]! : t);

/** Our side: host data uploaded once, each run in a tidy scope, synchronised by a 1-element readback. */
function ours(shapes: number[][], fn: (...xs: K.Tensor[]) => K.Tensor | K.Tensor[]): () => Runner<K.Tensor | K.Tensor[]> {
  return () => {
    const xs = shapes.map((s, i) => K.tensor(randomData(size(s), i + 1), s));
    return {
      run: () => K.tidy(() => fn(...xs)),
      read: async (t) => { const o = first(t); if (o.rank === 0) { await o.data(); return; } const s = K.slice(o, o.shape.map(() => 0), o.shape.map(() => 1)); await s.data(); s.dispose(); },
      dispose: (t) => K.dispose(Array.isArray(t) ? t : [t]),
    };
  };
}

function theirs(shapes: number[][], fn: (tf: typeof TF, ...xs: TF.Tensor[]) => TF.Tensor | TF.Tensor[]): (tf: typeof TF) => Runner<TF.Tensor | TF.Tensor[]> {
  return (tf) => {
    const xs = shapes.map((s, i) => tf.tensor(randomData(size(s), i + 1), s));
    return {
      run: () => tf.tidy(() => fn(tf, ...xs)),
      read: async (t) => { const o = first(t); if (o.rank === 0) { await o.data(); return; } const s = tf.slice(o, o.shape.map(() => 0), o.shape.map(() => 1)); await s.data(); s.dispose(); },
      dispose: (t) => tf.dispose(t),
    };
  };
}

/** One side of a case: its runner once set up and warmed up, its times, or why it failed. */
interface Side { who: string; runner: (() => Promise<number>) | null; times: number[]; error?: string }

async function once<T>(r: Runner<T>): Promise<number> {
  const t0 = performance.now();
  const t = r.run();
  await r.read(t);
  const ms = performance.now() - t0;
  r.dispose(t);
  return ms;
}

/**
 * Times both sides of a case alternately (ours, tfjs, ours, ...) after 2 warm-up runs each
 * (pipeline compiles), so load from other jobs on the shared machine falls on both alike. The
 * ratio is the median of the per-round ratios; a side that fails is left out with its error.
 */
async function timeBoth(setups: [string, () => () => Promise<number>][]): Promise<{ sides: Side[]; ratio: number | null }> {
  const sides: Side[] = [];
  for (const [who, setup] of setups) {
    const side: Side = { who, runner: null, times: [] };
    try {
      const r = setup();
      for (let i = 0; i < 2; i++) await r();
      side.runner = r;
    } catch (e) { side.error = (e as Error).message.split('\n')[0]!; }
    sides.push(side);
  }
  const ratios: number[] = [];
  const start = performance.now();
  for (let round = 0; round < (QUICK ? 3 : 7) || (round < 40 && performance.now() - start < (QUICK ? 600 : 3000)); round++) {
    for (const side of sides) {
      if (!side.runner) continue;
      try { side.times.push(await side.runner()); } catch (e) { side.runner = null; side.error = (e as Error).message.split('\n')[0]!; }
    }
    const [o, t] = sides;
    if (o?.runner && t?.runner) ratios.push(t.times.at(-1)! / o.times.at(-1)!);
    if (!sides.some((x) => x.runner)) break;
  }
  return { sides, ratio: ratios.length && sides.every((x) => x.runner) ? median(ratios) : null };
}

function cases(isCpu: boolean): Case[] {
  const mm = (isCpu ? [256, 512, 1024] : [256, 512, 1024, 2048, 4096]).map((n): Case => ({
    op: 'matmul', shapes: `${n}x${n} · ${n}x${n}`, flops: 2 * n ** 3,
    ours: ours([[n, n], [n, n]], (a, b) => K.matMul(a!, b!)),
    tfjs: theirs([[n, n], [n, n]], (tf, a, b) => tf.matMul(a!, b!)),
  }));
  const [B, H, W, C, F] = [32, 28, 28, 32, 64];
  const N4 = 4 * 1024 * 1024;
  return [
    ...mm,
    {
      op: 'conv2d', shapes: `${B}x${H}x${W}x${C} * 3x3x${C}x${F} same`, flops: 2 * B * H * W * F * 9 * C,
      ours: ours([[B, H, W, C], [3, 3, C, F]], (x, w) => K.conv2d(x!, w!, { padding: 'same' })),
      tfjs: theirs([[B, H, W, C], [3, 3, C, F]], (tf, x, w) => tf.conv2d(x as TF.Tensor4D, w as TF.Tensor4D, 1, 'same')),
    },
    {
      op: 'maxPool 2x2', shapes: `${B}x${H}x${W}x${F}`, bytes: 4 * (B * H * W * F * 1.25),
      ours: ours([[B, H, W, F]], (x) => K.maxPool2d(x!, 2)),
      tfjs: theirs([[B, H, W, F]], (tf, x) => tf.maxPool(x as TF.Tensor4D, 2, 2, 'valid')),
    },
    {
      op: 'avgPool 2x2', shapes: `${B}x${H}x${W}x${F}`, bytes: 4 * (B * H * W * F * 1.25),
      ours: ours([[B, H, W, F]], (x) => K.avgPool2d(x!, 2)),
      tfjs: theirs([[B, H, W, F]], (tf, x) => tf.avgPool(x as TF.Tensor4D, 2, 2, 'valid')),
    },
    {
      // x·W and h·U (ours: two matmuls + the fused cell; tfjs: basicLSTMCell, one matmul over [x, h]).
      op: 'LSTM step', shapes: 'batch 32, input 128, units 128', flops: 2 * 32 * 256 * 512,
      ours: ours([[32, 128], [128, 512], [32, 128], [128, 512], [512], [32, 128]], (x, w, h, u, b, c) => K.lstmCell(K.matMul(x!, w!), K.matMul(h!, u!), b!, c!)),
      tfjs: theirs([[256, 512], [512], [32, 128], [32, 128], [32, 128]], (tf, k, b, x, c, h) => tf.basicLSTMCell(1, k as TF.Tensor2D, b as TF.Tensor1D, x as TF.Tensor2D, c as TF.Tensor2D, h as TF.Tensor2D)),
    },
    {
      op: 'add', shapes: '4M + 4M', bytes: 3 * 4 * N4,
      ours: ours([[N4], [N4]], (a, b) => K.add(a!, b!)),
      tfjs: theirs([[N4], [N4]], (tf, a, b) => tf.add(a!, b!)),
    },
    {
      op: 'sum', shapes: '4M -> 1', bytes: 4 * N4,
      ours: ours([[N4]], (a) => K.sum(a!)),
      tfjs: theirs([[N4]], (tf, a) => tf.sum(a!)),
    },
  ];
}

const fmt = (v: number | null, digits = 2) => (v === null ? 'n/a' : v.toFixed(digits));

async function main(): Promise<void> {
  // tfjs-backend-webgpu registers itself at import only if navigator.gpu exists.
  Object.assign(globalThis, globals);
  const gpu = create([]);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  const info = adapter?.info;
  const description = [info?.description, info?.vendor, info?.architecture, info?.device].filter((s) => s).join(' / ');
  const isCpu = /llvmpipe|lavapipe|swiftshader|cpu/i.test(description);
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend did not initialise');
  await K.setBackend('webgpu');
  console.log(`adapter: ${description}\nours: kerasgpu webgpu · tfjs ${tf.version.tfjs} webgpu · node ${process.version}\n`);

  const rows: Row[] = [];
  const header = ['op', 'shapes', 'ours ms', 'tfjs ms', 'ours', 'tfjs', 'ours/tfjs'];
  const widths = [12, 36, 9, 9, 14, 14, 9];
  const line = (cells: string[]) => console.log(cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' '));
  line(header);
  for (const c of cases(isCpu).filter((k) => !ONLY || ONLY.includes(k.op))) {
    const timer = <T>(setup: () => Runner<T>) => () => { const r = setup(); return () => once(r); };
    const { sides, ratio } = await timeBoth([['ours', timer(c.ours)], ['tfjs', timer(() => c.tfjs(tf))]]);
    const [oursMs = null, tfjsMs = null] = sides.map((x) => (x.runner && x.times.length ? median(x.times) : null));
    const errors = sides.filter((x) => x.error).map((x) => `${x.who}: ${x.error}`);
    const unit = c.flops ? 'GFLOP/s' : 'GB/s';
    const work = c.flops ?? c.bytes!;
    const rate = (ms: number | null) => (ms === null ? null : work / (ms * 1e6));
    const row: Row = { op: c.op, shapes: c.shapes, oursMs, tfjsMs, unit, ours: rate(oursMs), tfjs: rate(tfjsMs), ratio };
    if (errors.length) row.error = errors.join('; ');
    rows.push(row);
    line([c.op, c.shapes, fmt(oursMs, 3), fmt(tfjsMs, 3), `${fmt(row.ours)} ${unit}`, `${fmt(row.tfjs)} ${unit}`, row.ratio === null ? 'n/a' : `${row.ratio.toFixed(2)}x`]);
    if (row.error) console.log(`    (${row.error})`);
  }
  const file = JSON_FILE ?? join(process.env.INIT_CWD ?? process.cwd(), 'bench-results', `kernels-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ adapter: description, isCpu, tfjs: tf.version.tfjs, node: process.version, date: new Date().toISOString(), rows }, null, 2));
  console.log(`\nwrote ${file}`);
  process.exit(0); // Dawn keeps the event loop alive
}

await main();
