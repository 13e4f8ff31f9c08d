import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adam, BatchNormalization, type Callback, Conv2D, Dense, deviceStats, Dropout, Flatten, getBackend, LambdaCallback, LearningRateScheduler, LSTM, MaxPooling2D, memory,
  randomUniform, RMSprop, SGD, Sequential, setSeed, trainStepCounters, type Model, type Optimizer, type Tensor,
} from '@kerasgpu/layers';
import { useBackend } from './helpers.js';

beforeAll(useBackend);

interface Run { batchLosses: number[]; epochLosses: number[]; weights: number[][]; counters: typeof trainStepCounters }

/**
 * Trains a fresh model from the same seed with compiled steps on or off and returns every
 * batch's loss and the final weights, plus how the steps ran.
 */
async function train(jit: boolean, build: () => Model, optimizer: () => Optimizer | string, data: () => [Tensor, Tensor | number[][]], fit: { epochs: number; batchSize: number; schedule?: boolean }): Promise<Run> {
  setSeed(21);
  const model = build();
  model.compile({ optimizer: optimizer(), loss: 'categorical_crossentropy', jit });
  const [x, y] = data();
  const batchLosses: number[] = [];
  const before = { ...trainStepCounters };
  const callbacks: Callback[] = [LambdaCallback({ onBatchEnd: (_b: number, logs: Record<string, number>) => { batchLosses.push(logs.loss!); } })];
  if (fit.schedule) callbacks.push(LearningRateScheduler((epoch: number) => 0.01 / (1 + epoch)));
  const h = await model.fit(x, y, { epochs: fit.epochs, batchSize: fit.batchSize, verbose: 0, callbacks });
  const weights = await Promise.all(model.weights.map(async (w) => Array.from(await w.data())));
  x.dispose();
  const counters = Object.fromEntries(Object.entries(trainStepCounters).map(([k, v]) => [k, v - before[k as keyof typeof before]])) as typeof trainStepCounters;
  return { batchLosses, epochLosses: h.history.loss!, weights, counters };
}

const oneHot = (n: number, k: number, seed: number): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => (j === (i * 7 + seed) % k ? 1 : 0)));

/** Expects the compiled run to equal the eager one exactly, and (on webgpu) to have replayed most steps. */
function expectSame(eager: Run, compiled: Run, steps: number): void {
  expect(eager.counters.replayed).toBe(0);
  expect(compiled.batchLosses).toEqual(eager.batchLosses);
  expect(compiled.epochLosses).toEqual(eager.epochLosses);
  expect(compiled.weights).toEqual(eager.weights);
  expect(compiled.batchLosses.length).toBe(steps);
  if (getBackend() === 'webgpu') expect(compiled.counters.replayed).toBeGreaterThan(steps / 2);
  else expect(compiled.counters.replayed).toBe(0);
}

describe('compiled training steps (compile jit) give the numbers of eager steps', () => {
  it('an MLP with dropout, Adam with decay and a learning-rate schedule, and a partial last batch', async () => {
    const build = () => Sequential([Dense(16, { input_dim: 8, activation: 'relu' }), Dropout(0.3), Dense(4, { activation: 'softmax' })]);
    const data = (): [Tensor, number[][]] => [randomUniform([70, 8], -1, 1, 5), oneHot(70, 4, 6)];
    const opt = () => Adam({ lr: 0.01, decay: 0.05 });
    const fit = { epochs: 5, batchSize: 16, schedule: true };
    // 70 = 4 full batches and a partial one of 6: both signatures are compiled.
    expectSame(await train(false, build, opt, data, fit), await train(true, build, opt, data, fit), 25);
  });
});

describe('compiled training steps on other models', () => {
  it('a small CNN with BatchNormalization (re-assigned moving statistics) and plain SGD', async () => {
    const build = () => Sequential([
      Conv2D(4, 3, { input_shape: [8, 8, 1], activation: 'relu' }), BatchNormalization(), MaxPooling2D([2, 2]), Flatten(), Dense(3, { activation: 'softmax', W_regularizer: 'l2' }),
    ]);
    const data = (): [Tensor, number[][]] => [randomUniform([36, 8, 8, 1], 0, 1, 8), oneHot(36, 3, 2)];
    const fit = { epochs: 4, batchSize: 8 };
    expectSame(await train(false, build, () => SGD({ lr: 0.05, decay: 0.1 }), data, fit), await train(true, build, () => SGD({ lr: 0.05, decay: 0.1 }), data, fit), 20);
  });

  it('an LSTM with dropout and RMSprop', async () => {
    const build = () => Sequential([LSTM(6, { input_shape: [5, 3], dropout: 0.2, recurrent_dropout: 0.2 }), Dense(2, { activation: 'softmax' })]);
    const data = (): [Tensor, number[][]] => [randomUniform([30, 5, 3], -1, 1, 4), oneHot(30, 2, 1)];
    const fit = { epochs: 4, batchSize: 8 };
    expectSame(await train(false, build, () => RMSprop({ lr: 0.01 }), data, fit), await train(true, build, () => RMSprop({ lr: 0.01 }), data, fit), 16);
  });
});
