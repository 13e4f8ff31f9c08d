/**
 * Training on host data larger than one GPU storage binding: fit uploads such arrays a batch at
 * a time (HOST_BATCHED_BYTES in layers' training/data.ts). Reports samples/s, live device bytes
 * and the process's resident memory for a Keras-style MLP (784-128-10) over `--rows` samples.
 *   node packages/examples/dist/bench/large-data.js [--rows 60000] [--backend webgpu|cpu] [--epochs 1]
 */
import { parseArgs } from 'node:util';
import { Dense, memory, RMSprop, Sequential, setBackend, setSeed } from '@kerasgpu/layers';

const { values: flags } = parseArgs({
  options: { rows: { type: 'string', default: '60000' }, backend: { type: 'string', default: 'webgpu' }, epochs: { type: 'string', default: '1' } },
});
const n = Number(flags.rows), d = 784, classes = 10, epochs = Number(flags.epochs);
await setBackend(flags.backend as 'webgpu' | 'cpu');
setSeed(1);

// Synthetic MNIST-shaped data: features from an LCG, the label from the first feature.
const x = new Float32Array(n * d);
let s = 12345;
for (let i = 0; i < x.length; i++) {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  x[i] = s / 2 ** 32;
}
const y = new Float32Array(n * classes);
for (let i = 0; i < n; i++) y[i * classes + Math.min(classes - 1, Math.floor(x[i * d]! * classes))] = 1;

const model = Sequential([Dense(128, { input_dim: d, activation: 'relu' }), Dense(classes, { activation: 'softmax' })]);
model.compile({ optimizer: RMSprop({ lr: 0.001 }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
const t0 = performance.now();
const h = await model.fit({ data: x, shape: [n, d] }, { data: y, shape: [n, classes] }, { batch_size: 128, nb_epoch: epochs, verbose: 0 });
const seconds = (performance.now() - t0) / 1000;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
console.log(JSON.stringify({
  backend: flags.backend, rows: n, dataBytes: mib(x.byteLength), epochs, seconds: Number(seconds.toFixed(2)),
  samplesPerSecond: Math.round((n * epochs) / seconds), liveDeviceBytes: mib(memory().numBytes), rss: mib(process.memoryUsage().rss),
  loss: h.history.loss!.at(-1), acc: h.history.acc!.at(-1),
}));
model.dispose();
