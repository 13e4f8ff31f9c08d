/**
 * The kerasgpu worker of the end-to-end benchmark (train.ts runs it in a process of its own, as
 * the tfjs side, and drives it through worker-ipc.ts): models identical to train-tfjs.ts, on our
 * webgpu and cpu backends.
 */
import { create } from 'webgpu';
import { dispose, setBackend, tensor } from '@kerasgpu/layers';
import { buildCase } from './models-ours.js';
import { describeAdapter, syntheticData, type CaseSpec, type Trainer } from './train-cases.js';
import { serve } from './worker-ipc.js';

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

const gpu = create([]); // kept referenced while its adapter is in use
const adapter = describeAdapter((await gpu.requestAdapter())?.info);
serve({ library: 'kerasgpu', version: '0.1.0', adapter }, setBackend, trainer);
