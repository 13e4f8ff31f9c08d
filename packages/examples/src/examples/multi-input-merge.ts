/**
 * The quick-start's multi-input model: two Dense(32) branches over two 784-vectors, joined by
 * Merge(mode='concat'), then Dense 10 softmax; labels are integers 0..9 turned into one-hot rows
 * with to_categorical; fit takes the list [data1, data2]. Prints hist.history at the end.
 */
import { Dense, dispose, Merge, randint, randomUniform, Sequential, setSeed, toCategorical } from '@kerasgpu/layers';
import { epochsFor } from '../cli.js';
import type { ExampleContext, ExampleResult } from './context.js';
import { formatHistory, lastOf } from './history.js';

export function buildMultiInputMerge(): Sequential {
  const leftBranch = Sequential();
  leftBranch.add(Dense(32, { input_dim: 784 }));
  const rightBranch = Sequential();
  rightBranch.add(Dense(32, { input_dim: 784 }));
  const merged = Merge([leftBranch, rightBranch], { mode: 'concat' });

  const model = Sequential();
  model.add(merged);
  model.add(Dense(10, { activation: 'softmax' }));
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

export async function multiInputMerge({ opts, log }: ExampleContext): Promise<ExampleResult> {
  setSeed(3);
  const model = buildMultiInputMerge();

  // generate dummy data
  const n = opts.quick ? 200 : 1000;
  const data1 = randomUniform([n, 784]);
  const data2 = randomUniform([n, 784]);
  // these are integers between 0 and 9; to_categorical makes them a binary matrix of size (n, 10)
  const ints = randint(0, 10, [n, 1]);
  const labels = toCategorical(ints, 10);

  // train the model; the model has 2 inputs, so the training data is a list of 2 arrays
  const hist = await model.fit([data1, data2], labels, { nb_epoch: epochsFor(opts, 10, 2), batch_size: 32 });
  log(formatHistory(hist));
  dispose([data1, data2, ints, labels]);
  return lastOf(hist);
}
