import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchNormalization, compiledSteps, Concatenate, Conv2D, Dense, Dropout, Flatten, getBackend, Input, MaxPooling2D, memory, Model,
  predictStepCounters, randomUniform, Sequential, setSeed, type Tensor,
} from '@kerasgpu/layers';
import { useBackend } from './helpers.js';

beforeAll(useBackend);
afterEach(() => { delete process.env.KERASGPU_JIT; });

type Predictor = { predict(x: Tensor | Tensor[], o?: { batchSize?: number }): Tensor | Tensor[] };

/** Every output's values of one predict call (outputs disposed). */
async function predictValues(model: Predictor, x: Tensor | Tensor[], batchSize: number): Promise<number[][]> {
  const out = model.predict(x, { batchSize });
  const outs = Array.isArray(out) ? out : [out];
  const values = await Promise.all(outs.map(async (t) => Array.from(await t.data())));
  for (const t of outs) t.dispose();
  return values;
}

/**
 * Predicts with compiled steps off (KERASGPU_JIT=0) and then `calls` times with them on: every
 * call must give the eager values exactly; on webgpu every batch of the last call replays (its
 * outputs were copied out of the arena, so no held result forces a step to run eagerly).
 */
async function expectReplayEqualsEager(model: Predictor, x: Tensor | Tensor[], batchSize: number, calls: number): Promise<void> {
  process.env.KERASGPU_JIT = '0';
  const eager = await predictValues(model, x, batchSize);
  delete process.env.KERASGPU_JIT;
  let replayed = 0;
  for (let i = 0; i < calls; i++) {
    const before = predictStepCounters.replayed;
    expect(await predictValues(model, x, batchSize)).toEqual(eager);
    replayed = predictStepCounters.replayed - before;
  }
  const n = (Array.isArray(x) ? x[0]! : x).shape[0]!;
  expect(replayed).toBe(getBackend() === 'webgpu' ? Math.ceil(n / batchSize) : 0);
}

describe('compiled predict steps give the numbers of eager ones', () => {
  it('Sequential with Conv2D, BatchNormalization and Dropout (inference mode), full and partial batches, uncompiled', async () => {
    setSeed(3);
    const model = Sequential([
      Conv2D(3, 3, { input_shape: [6, 6, 2], activation: 'relu' }), BatchNormalization(), MaxPooling2D([2, 2]), Flatten(), Dropout(0.5), Dense(4, { activation: 'softmax' }),
    ]);
    const x = randomUniform([37, 6, 6, 2], -1, 1, 4); // 4 batches of 8 and one of 5
    await expectReplayEqualsEager(model, x, 8, 3);
    if (getBackend() === 'webgpu') {
      const info = compiledSteps(model).filter((s) => s.kind === 'predict');
      expect(info.map((s) => s.signature)).toEqual(['float32[8,6,6,2]', 'float32[5,6,6,2]']);
      expect(info.every((s) => s.replayable)).toBe(true);
    }
    x.dispose();
    model.dispose();
  });

  it('a two-input two-output functional model, compiled (jit on)', async () => {
    setSeed(4);
    const a = Input({ shape: [5] }), b = Input({ shape: [3] });
    const h = Dense(6, { activation: 'tanh' }).apply(Concatenate().apply([a, b]));
    const model = Model({ inputs: [a, b], outputs: [Dense(2).apply(h), Dense(1, { activation: 'sigmoid' }).apply(h)] as never });
    model.compile({ optimizer: 'sgd', loss: ['mse', 'binary_crossentropy'] });
    const xs = [randomUniform([20, 5], -1, 1, 1), randomUniform([20, 3], -1, 1, 2)];
    await expectReplayEqualsEager(model, xs, 6, 4);
    for (const t of xs) t.dispose();
    model.dispose();
  });
});

describe('compiled predict steps: invalidation and memory', () => {
  const build = () => { setSeed(6); return Sequential([Dense(7, { input_dim: 4, activation: 'relu' }), Dense(2)]); };

  it('setWeights between predictions: the program is rebound (not retraced) and the next prediction uses the new weights', async () => {
    const model = build();
    const x = randomUniform([12, 4], -1, 1, 5);
    await expectReplayEqualsEager(model, x, 4, 3);
    const { retraced, rebound, traced } = predictStepCounters;
    model.setWeights(model.getWeights().map((w) => randomUniform(w.shape, -1, 1, 9)));
    await expectReplayEqualsEager(model, x, 4, 3);
    if (getBackend() === 'webgpu') {
      expect(predictStepCounters.rebound).toBe(rebound + 1);
      expect([predictStepCounters.retraced, predictStepCounters.traced]).toEqual([retraced, traced]);
    }
    x.dispose();
    model.dispose();
  });

  it('tensors and pooled buffers stay flat over many replayed predictions', async () => {
    const model = build();
    const x = randomUniform([16, 4], -1, 1, 7);
    const seen: [number, number][] = [];
    for (let i = 0; i < 40; i++) {
      await predictValues(model, x, 4);
      seen.push([memory().numTensors, memory().numBuffers]);
    }
    expect(new Set(seen.slice(3).map((s) => s.join()))).toEqual(new Set([seen[3]!.join()]));
    x.dispose();
    model.dispose();
  });
});
