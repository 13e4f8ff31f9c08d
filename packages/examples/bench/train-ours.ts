/**
 * The kerasgpu worker of the end-to-end benchmark (train.ts runs it in a process of its own, as
 * the tfjs side): models identical to train-tfjs.ts, on our webgpu and cpu backends.
 */
import { create } from 'webgpu';
import {
  Conv2D, Dense, dispose, Embedding, Flatten, LSTM, MaxPooling2D, RMSprop, Sequential, setBackend, tensor, type Layer,
} from '@kerasgpu/layers';
import { describeAdapter, runWorker, SEQ_LEN, syntheticData, VOCAB, type CaseName, type CaseSpec, type Trainer, type WorkerArgs } from './train-cases.js';

function build(c: CaseSpec): Sequential {
  const layers: Record<CaseName, () => Layer[]> = {
    mlp: () => [Dense(512, { input_dim: 784, activation: 'relu' }), Dense(512, { activation: 'relu' }), Dense(10, { activation: 'softmax' })],
    cnn: () => [
      Conv2D(32, 3, { activation: 'relu', input_shape: [28, 28, 1] }), Conv2D(64, 3, { activation: 'relu' }),
      MaxPooling2D({ pool_size: 2 }), Flatten(), Dense(128, { activation: 'relu' }), Dense(10, { activation: 'softmax' }),
    ],
    lstm: () => [Embedding(VOCAB, 128, { input_length: SEQ_LEN }), LSTM(128), Dense(1, { activation: 'sigmoid' })],
  };
  const model = Sequential(layers[c.name]());
  model.compile({ optimizer: RMSprop({ lr: 0.001 }), loss: c.yWidth === 1 ? 'binary_crossentropy' : 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

function trainer(c: CaseSpec): Trainer {
  const data = syntheticData(c, c.maxBatches);
  const model = build(c);
  return {
    async fit(batches) {
      const n = batches * c.batch;
      const x = tensor(data.x.subarray(0, (data.x.length / data.n) * n), [n, ...data.xShape.slice(1)]);
      const y = tensor(data.y.subarray(0, c.yWidth * n), [n, c.yWidth]);
      try {
        await model.fit(x, y, { batch_size: c.batch, epochs: 1, shuffle: false, verbose: 0 });
      } finally {
        dispose([x, y]);
      }
    },
    dispose: () => model.dispose(),
  };
}

const args = JSON.parse(process.argv[2]!) as WorkerArgs;
const gpu = args.backends.includes('webgpu') ? create([]) : null;
const adapter = describeAdapter((await gpu?.requestAdapter())?.info);
await runWorker('kerasgpu', '0.1.0', adapter, args, setBackend, trainer);
process.exit(0);
