/**
 * Training on host data larger than one GPU storage binding: fit uploads arrays of
 * HOST_BATCHED_BYTES or more a batch at a time (layers' training/data.ts). For each dataset size
 * (default 8,000 rows, 60,000 rows and 1 GiB of x) a Keras-style MLP (784-128-10, RMSprop, batch
 * 128) trains `--epochs` epochs; samples/s and the engine's live tensors / bytes / pooled GPU
 * bytes are recorded at each epoch's end, so flat memory across epochs shows. Repeats alternate
 * the sizes (8k, 60k, 1G, 8k, ...) so load from other work on a shared machine falls on all alike;
 * the table gives each epoch's median over the repeats.
 *   node packages/examples/dist/bench/large-data.js [--sizes 8000,60000,1GiB] [--epochs 2] [--repeats 2] [--backend webgpu|cpu]
 */
import { parseArgs } from 'node:util';
import { Dense, LambdaCallback, memory, RMSprop, Sequential, setBackend, setSeed } from '@kerasgpu/layers';

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '8000,60000,1GiB' },
    backend: { type: 'string', default: 'webgpu' },
    epochs: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '2' },
  },
});
const d = 784, classes = 10, batch = 128, epochs = Number(flags.epochs), repeats = Number(flags.repeats);
/** '60000' is rows; '1GiB' is the fewest rows whose x reaches that many bytes. */
const rowsOf = (s: string) => (/GiB$/.test(s) ? Math.ceil((parseFloat(s) * 2 ** 30) / (d * 4)) : Number(s));
const sizes = flags.sizes.split(',').map(rowsOf);
await setBackend(flags.backend as 'webgpu' | 'cpu');

/** Synthetic MNIST-shaped data: features from an LCG, the label from the first feature. */
function dataset(n: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(n * d);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32;
  }
  const y = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) y[i * classes + Math.min(classes - 1, Math.floor(x[i * d]! * classes))] = 1;
  return { x, y };
}

interface EpochRecord { samplesPerSecond: number; numTensors: number; numBytes: number; numPooledBytes: number; rss: number }

/** One fit of `epochs` epochs on a fresh model; a record per epoch, taken at its end. */
async function run(n: number, data: { x: Float32Array; y: Float32Array }): Promise<EpochRecord[]> {
  setSeed(1);
  const model = Sequential([Dense(128, { input_dim: d, activation: 'relu' }), Dense(classes, { activation: 'softmax' })]);
  model.compile({ optimizer: RMSprop({ lr: 0.001 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const out: EpochRecord[] = [];
  let t = 0;
  const clock = LambdaCallback({
    onEpochBegin: () => { t = performance.now(); },
    onEpochEnd: () => {
      const seconds = (performance.now() - t) / 1000;
      const m = memory();
      out.push({ samplesPerSecond: n / seconds, numTensors: m.numTensors, numBytes: m.numBytes, numPooledBytes: m.numPooledBytes, rss: process.memoryUsage().rss });
    },
  });
  await model.fit({ data: data.x, shape: [n, d] }, { data: data.y, shape: [n, classes] }, { batch_size: batch, epochs, verbose: 0, callbacks: [clock] });
  model.dispose();
  return out;
}

const datasets = sizes.map(dataset);
const records: EpochRecord[][][] = sizes.map(() => []); // [size][repeat][epoch]
for (let r = 0; r < repeats; r++) {
  for (const [i, n] of sizes.entries()) {
    records[i]!.push(await run(n, datasets[i]!));
    console.error(`repeat ${r + 1}/${repeats}, ${n} rows: ${records[i]!.at(-1)!.map((e) => Math.round(e.samplesPerSecond)).join(', ')} samples/s per epoch`);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const int = (v: number) => Math.round(v).toLocaleString('en-US');
console.log(`backend ${flags.backend}, MLP 784-128-10, batch ${batch}, ${epochs} epochs, ${repeats} repeats (alternating sizes); medians over repeats; x of 32 MiB or more stays on the host and is uploaded a batch at a time\n`);
console.log('| rows | x | epoch | samples/s (median) | samples/s per repeat | live tensors | live bytes | pooled GPU bytes | process RSS |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [i, n] of sizes.entries()) {
  const bytes = n * d * 4;
  for (let e = 0; e < epochs; e++) {
    const at = records[i]!.map((rep) => rep[e]!);
    console.log(`| ${int(n)} | ${mib(bytes)} | ${e + 1} | ${int(median(at.map((a) => a.samplesPerSecond)))} | ${at.map((a) => int(a.samplesPerSecond)).join(', ')} | `
      + `${at.map((a) => a.numTensors).join(', ')} | ${at.map((a) => mib(a.numBytes)).join(', ')} | ${at.map((a) => mib(a.numPooledBytes)).join(', ')} | ${mib(median(at.map((a) => a.rss)))} |`);
  }
}
