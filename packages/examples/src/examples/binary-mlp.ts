/**
 * The quick-start's "MLP for binary classification": Dense 64 relu (uniform init), Dropout 0.5,
 * Dense 64 relu, Dropout 0.5, Dense 1 sigmoid, RMSprop, on dummy 20-feature data, printing
 * verbose 2 lines; then evaluate on held-out dummy data as the snippet's `score`.
 */
import { Dense, dispose, Dropout, randint, randomUniform, Sequential, setSeed } from '@kerasgpu/layers';
import { epochsFor } from '../cli.js';
import type { ExampleContext, ExampleResult } from './context.js';

export function buildBinaryMlp(): Sequential {
  const model = Sequential();
  model.add(Dense(64, { input_dim: 20, init: 'uniform', activation: 'relu' }));
  model.add(Dropout(0.5));
  model.add(Dense(64, { activation: 'relu' }));
  model.add(Dropout(0.5));
  model.add(Dense(1, { activation: 'sigmoid' }));
  model.compile({ loss: 'binary_crossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] });
  return model;
}

export async function binaryMlp({ opts, log }: ExampleContext): Promise<ExampleResult> {
  setSeed(2);
  const model = buildBinaryMlp();

  // dummy data: 1000 training and 100 test samples
  const [n, nTest] = opts.quick ? [200, 50] : [1000, 100];
  const [xTrain, yTrain] = [randomUniform([n, 20]), randint(0, 2, [n, 1])];
  const [xTest, yTest] = [randomUniform([nTest, 20]), randint(0, 2, [nTest, 1])];

  await model.fit(xTrain, yTrain, { nb_epoch: epochsFor(opts, 20, 2), batch_size: 16, verbose: 2 });
  const [loss, acc] = (await model.evaluate(xTest, yTest, { batch_size: 16 })) as number[];
  log(`score: loss ${loss!.toFixed(4)}, acc ${acc!.toFixed(4)}`);
  dispose([xTrain, yTrain, xTest, yTest]);
  return { testLoss: loss!, testAccuracy: acc! };
}
