/**
 * The browser test's page code: kerasgpu bundled for the browser, run on the page's own WebGPU
 * (navigator.gpu). The WebGPU kernels against the cpu reference (core's comparison harness) on
 * random shapes, a model trained through fit, and a Keras .h5 fixture loaded from bytes. Each
 * check reports { name, ok, ms, detail }; `window.__kerasgpuResult` resolves to all of them.
 */
import fc from 'fast-check';
import * as K from '@kerasgpu/core';
import { Adam, Dense, Sequential, type Model } from '@kerasgpu/layers';
import { loadModel } from '@kerasgpu/io';
import { checkKernel, edgeSize, gpuBackend, hostTensor, type HostTensor } from '../../../packages/core/test/webgpu/harness.js';

export interface CheckResult { name: string; ok: boolean; ms: number; detail: string }
export interface PageResult { ok: boolean; adapter: string; checks: CheckResult[] }

const query = new URLSearchParams(location.search);
const RUNS = Number(query.get('runs') ?? 6);
fc.configureGlobal({ seed: Number(query.get('seed') ?? 20261127) });

/** Tile sizes and their neighbours (16, 32, 64 ± 1), odd and prime sizes, and any size up to 70. */
const dim = fc.oneof(edgeSize(65), fc.integer({ min: 1, max: 70 }));
const tol = (reduction: number) => ({ atol: 1e-5 * reduction + 1e-5, rtol: 1e-4 });

async function matmul(): Promise<string> {
  const cases = fc.record({ m: dim, n: dim, k: dim, tA: fc.boolean(), tB: fc.boolean() })
    .chain((c) => fc.tuple(fc.constant(c), hostTensor(c.tA ? [c.k, c.m] : [c.m, c.k]), hostTensor(c.tB ? [c.n, c.k] : [c.k, c.n]), hostTensor([c.m, c.n])));
  await checkKernel(cases, ([, a, b, dy]) => [a, b, dy], ([c]) => (a, b, dy) =>
    [K.matMul(a!, b!, c.tA, c.tB), ...K.grads((x, y) => K.matMul(x!, y!, c.tA, c.tB))([a!, b!], dy)], ([c]) => tol(4 * Math.max(c.m, c.n, c.k)), RUNS);
  return `${RUNS} random [m,k]x[k,n] products and both gradients, transposed or not`;
}

type Padding = 'valid' | 'same';
const geometry = fc.record({
  batch: fc.integer({ min: 1, max: 2 }), h: edgeSize(17), w: edgeSize(17), inC: fc.constantFrom(1, 3, 4, 5),
  kH: fc.integer({ min: 1, max: 3 }), kW: fc.integer({ min: 1, max: 3 }), sH: fc.integer({ min: 1, max: 2 }), sW: fc.integer({ min: 1, max: 2 }),
  padding: fc.constantFrom<Padding>('valid', 'same'),
}).filter((g) => g.padding === 'same' || (g.h >= g.kH && g.w >= g.kW));

async function conv2d(): Promise<string> {
  const cases = fc.tuple(geometry, fc.constantFrom(1, 3, 8, 17)).chain(([g, outC]) =>
    fc.tuple(fc.constant({ ...g, outC }), hostTensor([g.batch, g.h, g.w, g.inC]), hostTensor([g.kH, g.kW, g.inC, outC])));
  await checkKernel(cases, ([, x, w]) => [x, w], ([g]) => (x, w) => {
    const conv = (a: K.Tensor, b: K.Tensor) => K.conv2d(a, b, { strides: [g.sH, g.sW], padding: g.padding });
    return [conv(x!, w!), ...K.grads((a, b) => K.sum(K.square(conv(a!, b!))))([x!, w!])];
  }, ([g]) => tol(8 * g.kH * g.kW * Math.max(g.inC, g.outC) * g.batch * g.h * g.w), RUNS);
  return `${RUNS} random NHWC convolutions (kernels 1-3, strides 1-2, valid/same) and both gradients`;
}

async function pooling(): Promise<string> {
  const cases = geometry.chain((g) => fc.tuple(fc.constant(g), hostTensor([g.batch, g.h, g.w, g.inC])));
  for (const pool of [K.maxPool2d, K.avgPool2d]) {
    await checkKernel(cases, ([, x]) => [x], ([g]) => (x) => {
      const f = (a: K.Tensor) => pool(a, [g.kH, g.kW], { strides: [g.sH, g.sW], padding: g.padding });
      return [f(x!), ...K.grads((a) => K.sum(K.square(f(a!))))([x!])];
    }, () => tol(16), RUNS);
  }
  return `${RUNS} random max and average pools (windows 1-3, strides 1-2, valid/same) and their gradients`;
}

async function lstmCell(): Promise<string> {
  const cases = fc.record({ batch: edgeSize(17), units: fc.constantFrom(1, 3, 17, 65) }).chain((c) => fc.tuple(fc.constant(c),
    hostTensor([c.batch, 4 * c.units], 3), hostTensor([c.batch, 4 * c.units], 3), hostTensor([4 * c.units], 1), hostTensor([c.batch, c.units], 2)));
  await checkKernel(cases, ([, ...xs]: [unknown, ...HostTensor[]]) => xs, () => (xw, hu, b, c) => {
    const cell = (...a: K.Tensor[]) => K.lstmCell(a[0]!, a[1]!, a[2]!, a[3]!, { activation: 'tanh', innerActivation: 'hardSigmoid' });
    return [...cell(xw!, hu!, b!, c!), ...K.grads((...a) => { const [h, s] = cell(...a.map((t) => t!)); return K.add(K.sum(h), K.sum(K.square(s))); })([xw!, hu!, b!, c!])];
  }, ([c]) => tol(4 * c.batch), RUNS);
  return `${RUNS} random LSTM cells (batch and units off the tile sizes), h and c and all four gradients`;
}

/** A disc inside a ring: not linearly separable, so fitting it needs the hidden layer. */
function discAndRing(n: number): { x: number[][]; y: number[][] } {
  const x: number[][] = [], y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const cls = i % 2, angle = i * 2.399963, r = cls === 0 ? 0.5 * ((i * 0.618034) % 1) : 0.75 + 0.25 * ((i * 0.618034) % 1);
    x.push([r * Math.cos(angle), r * Math.sin(angle)]);
    y.push([cls]);
  }
  return { x, y };
}

async function fit(): Promise<string> {
  K.setSeed(1);
  const data = discAndRing(200);
  const model = Sequential([Dense(16, { input_dim: 2, activation: 'tanh' }), Dense(1, { activation: 'sigmoid' })]);
  model.compile({ optimizer: Adam({ lr: 0.05 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
  const history = await model.fit(K.tensor(data.x), K.tensor(data.y), { epochs: 60, batch_size: 20, verbose: 0 });
  const loss = history.history.loss!, acc = history.history.acc ?? history.history.accuracy!;
  const [first, last, accuracy] = [loss[0]!, loss.at(-1)!, acc.at(-1)!];
  if (!(last < first / 4 && accuracy >= 0.95)) throw new Error(`fit did not learn the disc and ring: loss ${first} -> ${last}, accuracy ${accuracy}`);
  await roundTrip(model, K.tensor(data.x));
  model.dispose();
  return `MLP on a disc inside a ring, 60 epochs on ${K.getBackend()}: loss ${first.toFixed(3)} -> ${last.toFixed(4)}, accuracy ${accuracy.toFixed(3)}; save() bytes reload with equal predictions`;
}

async function predict(model: Model, x: K.Tensor): Promise<number[]> {
  const y = model.predict(x) as K.Tensor;
  const out = Array.from(await y.data());
  y.dispose();
  return out;
}

/** A model saved to bytes (no file system) and loaded back predicts exactly the same. */
async function roundTrip(model: Model, x: K.Tensor): Promise<void> {
  const back = await loadModel(await model.save());
  const [a, b] = [await predict(model, x), await predict(back, x)];
  back.dispose();
  const i = a.findIndex((v, k) => v !== b[k]);
  if (i >= 0) throw new Error(`reloaded model predicts ${b[i]} at ${i}, the saved one ${a[i]}`);
}

const FIXTURES = '/packages/io/test/fixtures/keras/';
const fetchBytes = async (url: string): Promise<Uint8Array> => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
};

async function kerasH5(): Promise<string> {
  interface Ref { model: string; inputs: { shape: number[]; data: number[] }[]; outputs: { data: number[] }[]; tolerance: { abs: number } }
  const ref = await (await fetch(`${FIXTURES}k1_cnn_tf.expected.json`)).json() as Ref;
  const model = await loadModel(await fetchBytes(FIXTURES + ref.model));
  const x = K.tensor(ref.inputs[0]!.data, ref.inputs[0]!.shape);
  const got = await predict(model, x);
  const want = ref.outputs[0]!.data;
  // The fixture's outputs are printed with 6 decimals; float32 on the GPU adds a little.
  const worst = Math.max(...want.map((v, i) => Math.abs(got[i]! - v)));
  if (!(got.length === want.length && worst <= ref.tolerance.abs + 1e-5)) throw new Error(`${ref.model}: predicted [${got.join(', ')}], Keras [${want.join(', ')}]`);
  await roundTrip(model, x);
  model.dispose();
  return `${ref.model} (Keras 1.1.2 convnet) from fetched bytes: predictions within ${worst.toExponential(1)} of Keras's; saved to bytes and reloaded`;
}

const CHECKS: [string, () => Promise<string>][] = [
  ['webgpu matMul vs cpu', matmul],
  ['webgpu conv2d vs cpu', conv2d],
  ['webgpu pooling vs cpu', pooling],
  ['webgpu lstmCell vs cpu', lstmCell],
  ['fit trains a model', fit],
  ['Keras .h5 from bytes', kerasH5],
];

async function run(): Promise<PageResult> {
  const out = document.getElementById('out')!;
  let adapter: string;
  try {
    await K.init({ backend: 'webgpu' });
    await gpuBackend();
    adapter = K.backendDescription();
  } catch (e) {
    return { ok: false, adapter: 'none', checks: [{ name: 'WebGPU available', ok: false, ms: 0, detail: String((e as Error).message ?? e) }] };
  }
  const checks: CheckResult[] = [];
  for (const [name, check] of CHECKS) {
    const t0 = performance.now();
    let result: CheckResult;
    try {
      result = { name, ok: true, ms: 0, detail: await check() };
    } catch (e) {
      result = { name, ok: false, ms: 0, detail: String((e as Error).stack ?? e) };
    }
    result.ms = Math.round(performance.now() - t0);
    await K.setBackend('webgpu'); // the harness leaves cpu active after a failed comparison
    checks.push(result);
    out.textContent += `${result.ok ? 'PASS' : 'FAIL'} ${name} (${result.ms} ms): ${result.detail}\n`;
  }
  return { ok: checks.every((c) => c.ok), adapter, checks };
}

(window as unknown as { __kerasgpuResult: Promise<PageResult> }).__kerasgpuResult = run();
