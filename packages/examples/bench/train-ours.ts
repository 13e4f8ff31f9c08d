/**
 * The kerasgpu worker of the end-to-end benchmark (train.ts runs it in a process of its own, as
 * the tfjs side): models identical to train-tfjs.ts, on our webgpu and cpu backends.
 */
import { create } from 'webgpu';
import { dispose, setBackend, tensor } from '@kerasgpu/layers';
import { buildCase } from './models-ours.js';
import { describeAdapter, runWorker, syntheticData, type CaseSpec, type Trainer, type WorkerArgs } from './train-cases.js';

function trainer(c: CaseSpec): Trainer {
  const data = syntheticData(c, c.maxBatches);
  const model = buildCase(c);
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
