/**
 * The browser demo: the quick-start's MNIST MLP trained in the page on WebGPU (cpu where the
 * browser has none, with a note), a live loss/accuracy chart fed by a fit callback, and a pad to
 * draw a digit for the trained model to read. Query parameters shrink the run (the demo's test):
 * train, val (rows), epochs, batch. `window.__demo` reports progress to headless drivers.
 */
import {
  backendDescription, init, LambdaCallback, permutation, setSeed, tensor, tidy, toCategorical,
  type Logs, type Sequential, type Tensor,
} from '@kerasgpu/layers';
import { buildMlp } from '../src/examples/mlp-model.js';
import { LiveChart } from './chart.js';
import { SIDE, toMnist } from './mnist-style.js';
import { DrawingPad } from './pad.js';

const PIXELS = SIDE * SIDE;
const query = new URLSearchParams(location.search);
const param = (name: string, fallback: number) => Number(query.get(name) ?? fallback);
const RUN = { train: param('train', 8000), val: param('val', 2000), epochs: param('epochs', 2), batch: param('batch', 128) };

interface DemoState { state: 'starting' | 'training' | 'trained' | 'error'; backend: string; note: string; fitSeconds: number; chartPoints: number; prediction: number[] | null; error: string }
const demo: DemoState = { state: 'starting', backend: '', note: '', fitSeconds: 0, chartPoints: 0, prediction: null, error: '' };
(window as unknown as { __demo: DemoState }).__demo = demo;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => { $('status').textContent = text; };

/** WebGPU where the browser has it; otherwise cpu, and the page says so. */
async function start(): Promise<void> {
  try {
    if (!navigator.gpu) throw new Error('this browser has no navigator.gpu');
    await init({ backend: 'webgpu' });
  } catch (e) {
    demo.note = `No WebGPU (${(e as Error).message}): training on the cpu backend instead, which is much slower.`;
    $('note').textContent = demo.note;
    $('note').hidden = false;
    await init({ backend: 'cpu' });
  }
  demo.backend = backendDescription();
  $('backend').textContent = demo.backend;
}

/** dist/mnist.bin (written by server.mjs): u32 count, labels, then 784 pixel bytes per digit. */
async function loadDigits(): Promise<{ labels: Uint8Array; pixels: Uint8Array; n: number }> {
  const r = await fetch('dist/mnist.bin');
  if (!r.ok) throw new Error(`GET dist/mnist.bin: ${r.status} (npm run demo writes it)`);
  const bytes = new Uint8Array(await r.arrayBuffer());
  const n = new DataView(bytes.buffer).getUint32(0, true);
  return { n, labels: bytes.subarray(4, 4 + n), pixels: bytes.subarray(4 + n, 4 + n + n * PIXELS) };
}

/** `rows` of the shuffled digits as (count, 784) inputs in [0, 1] and one-hot targets. */
function tensors(d: { labels: Uint8Array; pixels: Uint8Array }, rows: number[]): [Tensor, Tensor] {
  const x = new Float32Array(rows.length * PIXELS);
  rows.forEach((row, i) => { for (let p = 0; p < PIXELS; p++) x[i * PIXELS + p] = d.pixels[row * PIXELS + p]! / 255; });
  return tidy(() => [tensor(x, [rows.length, PIXELS]), toCategorical(tensor(rows.map((row) => d.labels[row]!), [rows.length]), 10)]);
}

const accuracy = (logs: Logs, prefix = '') => logs[`${prefix}acc`] ?? logs[`${prefix}accuracy`]!;

async function train(): Promise<Sequential> {
  status('loading MNIST…');
  const digits = await loadDigits();
  setSeed(1);
  const order = permutation(digits.n, 20261205); // the file is grouped by digit
  const trainRows = order.slice(0, Math.min(RUN.train, digits.n - 1));
  const valRows = order.slice(trainRows.length, trainRows.length + RUN.val);
  const [[x, y], [xVal, yVal]] = [tensors(digits, trainRows), tensors(digits, valRows)];
  const model = buildMlp();
  const perEpoch = Math.ceil(trainRows.length / RUN.batch);
  const chart = new LiveChart($<HTMLCanvasElement>('chart'), RUN.epochs * perEpoch);
  let step = 0;
  demo.state = 'training';
  status(`training on ${trainRows.length} digits, ${valRows.length} held out: ${RUN.epochs} epochs of ${perEpoch} batches…`);
  const t0 = performance.now();
  await model.fit(x, y, {
    epochs: RUN.epochs, batch_size: RUN.batch, verbose: 0, validation_data: [xVal, yVal],
    callbacks: [LambdaCallback({
      onBatchEnd: (_batch: number, logs: Logs) => { chart.addBatch(++step, logs.loss!, accuracy(logs)); demo.chartPoints = chart.points; },
      onEpochEnd: (epoch: number, logs: Logs) => {
        chart.addValidation(step, logs.val_loss!, accuracy(logs, 'val_'));
        status(`epoch ${epoch + 1}/${RUN.epochs}: held-out accuracy ${accuracy(logs, 'val_').toFixed(3)}`);
      },
    })],
  });
  demo.fitSeconds = (performance.now() - t0) / 1000;
  [x, y, xVal, yVal].forEach((t) => t.dispose());
  status(`${$('status').textContent} (trained in ${demo.fitSeconds.toFixed(1)} s). Draw a digit below.`);
  return model;
}

/** Reads the pad as an MNIST digit, shows it at 28 × 28, and shows the model's ten probabilities. */
async function predictDrawing(model: Sequential, pad: DrawingPad, source: HTMLCanvasElement): Promise<void> {
  const digit = toMnist(pad.ink(), source.width, source.height);
  if (!digit) return;
  const preview = $<HTMLCanvasElement>('preview').getContext('2d')!;
  const image = preview.createImageData(SIDE, SIDE);
  digit.forEach((v, i) => { image.data.set([v * 255, v * 255, v * 255, 255], 4 * i); });
  preview.putImageData(image, 0, 0);
  const probs = tidy(() => model.predict(tensor(digit, [1, PIXELS])) as Tensor);
  const p = Array.from(await probs.data());
  probs.dispose();
  const best = p.indexOf(Math.max(...p));
  $('probs').replaceChildren(...p.map((v, d) => {
    const row = document.createElement('div');
    row.className = d === best ? 'prob best' : 'prob';
    row.innerHTML = `<span>${d}</span><span class="bar" style="width:${(v * 100).toFixed(1)}%"></span><span>${(v * 100).toFixed(1)}%</span>`;
    return row;
  }));
  $('guess').textContent = `It's a ${best}`;
  demo.prediction = p;
}

async function main(): Promise<void> {
  await start();
  const model = await train();
  const canvas = $<HTMLCanvasElement>('pad');
  const pad: DrawingPad = new DrawingPad(canvas, () => void predictDrawing(model, pad, canvas));
  $('clear').addEventListener('click', () => { pad.clear(); $('probs').replaceChildren(); $('guess').textContent = ''; demo.prediction = null; });
  $('draw').hidden = false;
  demo.state = 'trained';
}

main().catch((e: Error) => {
  demo.state = 'error';
  demo.error = String(e.stack ?? e);
  status(`error: ${e.message}`);
});
