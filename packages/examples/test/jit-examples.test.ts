/**
 * Replay equals eager on every example's model: 20 training steps (two epochs, each ending in a
 * partial batch, so a partial batch is followed by a full one and the reverse), with the
 * example's dropout, a learning-rate schedule, and class or sample weights, give identical batch
 * losses and weights whether the steps are compiled and replayed or run op by op.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import '@kerasgpu/io';
import {
  Dense, Dropout, getBackend, init, l1, l2, LambdaCallback, LearningRateScheduler, randint, randomUniform, Sequential, setSeed, tensor,
  trainStepCounters, type FitOptions, type Model, type Tensor,
} from '@kerasgpu/layers';
import { buildBinaryMlp } from '../src/examples/binary-mlp.js';
import { buildDummyBinary } from '../src/examples/dummy-binary.js';
import { buildCnn } from '../src/examples/mnist-cnn.js';
import { buildMlp } from '../src/examples/mlp-model.js';
import { buildCharLstm, SIZES as MOBY } from '../src/examples/moby-char-lstm.js';
import { buildMultiInputMerge } from '../src/examples/multi-input-merge.js';
import { buildSpamLstm, SIZES as SPAM } from '../src/examples/spam-lstm.js';

beforeAll(() => init());

const STEPS_PER_EPOCH = 10;
const oneHot = (n: number, k: number): Tensor => tensor(Float32Array.from({ length: n * k }, (_, i) => (i % k === (Math.floor(i / k) * 7) % k ? 1 : 0)), [n, k]);

interface Case {
  build: () => Model;
  batch: number;
  /** Inputs and targets for n rows. */
  data: (n: number) => [Tensor | Tensor[], Tensor];
  /** fit options beyond batch, epochs and the schedule. */
  extra?: (n: number) => Partial<FitOptions>;
}

const ALPHABET = 20;
const CASES: Record<string, Case> = {
  'mnist-mlp': { build: buildMlp, batch: 8, data: (n) => [randomUniform([n, 784]), oneHot(n, 10)], extra: () => ({ class_weight: { 0: 2, 3: 0.5 } }) },
  'mnist-cnn': { build: buildCnn, batch: 2, data: (n) => [randomUniform([n, 28, 28, 1]), oneHot(n, 10)] },
  'spam-lstm': {
    build: () => buildSpamLstm(SPAM.quick), batch: 8,
    data: (n) => [randint(0, SPAM.quick.maxFeatures, [n, SPAM.quick.maxlen]), randint(0, 2, [n, 1])],
    extra: () => ({ class_weight: { 0: 1, 1: 3 } }),
  },
  'moby-char-lstm': { build: () => buildCharLstm(MOBY.quick, ALPHABET), batch: 8, data: (n) => [randomUniform([n, MOBY.quick.maxlen, ALPHABET]), oneHot(n, ALPHABET)] },
  'multi-input-merge': { build: buildMultiInputMerge, batch: 8, data: (n) => [[randomUniform([n, 784]), randomUniform([n, 784])], oneHot(n, 10)] },
  'binary-mlp': { build: buildBinaryMlp, batch: 8, data: (n) => [randomUniform([n, 20]), randint(0, 2, [n, 1])], extra: (n) => ({ sample_weight: randomUniform([n], 0.5, 2) }) },
  'dummy-binary': { build: buildDummyBinary, batch: 8, data: (n) => [randomUniform([n, 784]), randint(0, 2, [n, 1])], extra: (n) => ({ sample_weight: randomUniform([n], 0.5, 2) }) },
  // Not an example: the binary MLP with weight, bias and activity regularizers, which no example uses.
  'regularized mlp': {
    build: () => {
      const m = Sequential([
        Dense(16, { input_dim: 20, activation: 'relu', W_regularizer: l2(0.01), b_regularizer: l1(0.01), activity_regularizer: l2(0.001) }),
        Dropout(0.3), Dense(1, { activation: 'sigmoid', W_regularizer: l1(0.02) }),
      ]);
      m.compile({ loss: 'binary_crossentropy', optimizer: 'adam' });
      return m;
    },
    batch: 8, data: (n) => [randomUniform([n, 20]), randint(0, 2, [n, 1])],
  },
};

interface Run { losses: number[]; weights: number[][]; replayed: number }

async function train(c: Case, jit: boolean): Promise<Run> {
  const n = (STEPS_PER_EPOCH - 1) * c.batch + Math.ceil(c.batch / 2); // nine full batches, then a partial one
  if (jit) delete process.env.KERASGPU_JIT;
  else process.env.KERASGPU_JIT = '0'; // read by compile, inside build
  setSeed(7);
  const model = c.build();
  delete process.env.KERASGPU_JIT;
  const [x, y] = c.data(n);
  const losses: number[] = [];
  const replayedBefore = trainStepCounters.replayed;
  await model.fit(x, y, {
    batch_size: c.batch, nb_epoch: 2, verbose: 0, ...c.extra?.(n),
    callbacks: [LearningRateScheduler((epoch: number) => 0.005 / (1 + epoch)), LambdaCallback({ onBatchEnd: (_b: number, logs: Record<string, number>) => { losses.push(logs.loss!); } })],
  });
  const weights = await Promise.all(model.weights.map(async (w) => Array.from(await w.data())));
  return { losses, weights, replayed: trainStepCounters.replayed - replayedBefore };
}

describe('every example model: compiled (replayed) steps equal eager steps exactly', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      const eager = await train(c, false);
      const compiled = await train(c, true);
      expect(eager.replayed).toBe(0);
      expect(compiled.losses).toHaveLength(2 * STEPS_PER_EPOCH);
      expect(compiled.losses).toEqual(eager.losses);
      expect(compiled.weights).toEqual(eager.weights);
      // Each shape (full and partial batch) is traced once, then replayed.
      if (getBackend() === 'webgpu') expect(compiled.replayed).toBeGreaterThanOrEqual(2 * STEPS_PER_EPOCH - 4);
    }, 120_000);
  }
});
