/**
 * The quick-start's first training snippet: a single sigmoid unit on 1000 random 784-vectors with
 * random 0/1 labels, 30 epochs of batch 32 with verbose 2 (one `0s - loss: … - acc: …` line per
 * epoch). The labels are noise, so accuracy climbs only as the model memorises the samples.
 */
import { Dense, dispose, randint, randomUniform, Sequential, setSeed } from '@kerasgpu/layers';
import { epochsFor } from '../cli.js';
import type { ExampleContext, ExampleResult } from './context.js';
import { lastOf } from './history.js';

export function buildDummyBinary(): Sequential {
  const model = Sequential();
  model.add(Dense(1, { input_dim: 784, activation: 'sigmoid' }));
  model.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['accuracy'] });
  return model;
}

export async function dummyBinary({ opts }: ExampleContext): Promise<ExampleResult> {
  setSeed(1);
  const model = buildDummyBinary();

  // generate dummy data
  const n = opts.quick ? 200 : 1000;
  const data = randomUniform([n, 784]);
  const labels = randint(0, 2, [n, 1]);

  // train the model, iterating on the data in batches of 32 samples
  const hist = await model.fit(data, labels, { nb_epoch: epochsFor(opts, 30, 2), batch_size: 32, verbose: 2 });
  dispose([data, labels]);
  return lastOf(hist);
}
