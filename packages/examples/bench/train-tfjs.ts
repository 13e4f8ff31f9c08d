/**
 * The TensorFlow.js worker of the end-to-end benchmark (train.ts runs it in a process of its own,
 * driven through worker-ipc.ts: tfjs-backend-webgpu wants a global `navigator`, which confuses
 * other packages). tfjs-layers models identical to train-ours.ts, on tfjs-backend-webgpu (same
 * Dawn adapter) and tfjs's cpu backend.
 */
import { create, globals } from 'webgpu';
import type * as TF from '@tensorflow/tfjs';
import { describeAdapter, SEQ_LEN, syntheticData, VOCAB, type CaseName, type CaseSpec, type Trainer } from './train-cases.js';
import { serve } from './worker-ipc.js';

// tfjs-backend-webgpu registers itself at import only if navigator.gpu exists; keep `gpu` referenced.
Object.assign(globalThis, globals);
const gpu = create([]);
Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true, writable: true });
const adapter = describeAdapter((await gpu.requestAdapter())?.info);
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-webgpu');

function build(c: CaseSpec): TF.Sequential {
  const L = tf.layers;
  const layers: Record<CaseName, () => TF.layers.Layer[]> = {
    mlp: () => [L.dense({ units: 512, activation: 'relu', inputShape: [784] }), L.dense({ units: 512, activation: 'relu' }), L.dense({ units: 10, activation: 'softmax' })],
    cnn: () => [
      L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }), L.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }), L.flatten(), L.dense({ units: 128, activation: 'relu' }), L.dense({ units: 10, activation: 'softmax' }),
    ],
    lstm: () => [L.embedding({ inputDim: VOCAB, outputDim: 128, inputLength: SEQ_LEN }), L.lstm({ units: 128 }), L.dense({ units: 1, activation: 'sigmoid' })],
  };
  const model = tf.sequential({ layers: layers[c.name]() });
  model.compile({ optimizer: tf.train.rmsprop(0.001), loss: c.yWidth === 1 ? 'binaryCrossentropy' : 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

function trainer(c: CaseSpec): Trainer {
  const data = syntheticData(c, c.maxBatches);
  const model = build(c);
  return {
    async fit(batches) {
      const n = batches * c.batch;
      const x = tf.tensor(data.x.subarray(0, (data.x.length / data.n) * n), [n, ...data.xShape.slice(1)]);
      const y = tf.tensor(data.y.subarray(0, c.yWidth * n), [n, c.yWidth]);
      try {
        await model.fit(x, y, { batchSize: c.batch, epochs: 1, shuffle: false, verbose: 0 });
      } finally {
        tf.dispose([x, y]);
      }
    },
    dispose: () => model.dispose(),
  };
}

serve({ library: 'tfjs', version: tf.version.tfjs, adapter }, async (backend) => {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: the ${backend} backend did not initialise`);
  await tf.ready();
}, trainer);
