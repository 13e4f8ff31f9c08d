import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adadelta, Adagrad, Adam, Adamax, BatchNormalization, type Callback, compiledSteps, Concatenate, Embedding, GRU, Input, type Layer, Nadam, Conv2D, Dense, deviceStats, Dropout, Flatten, getBackend, LambdaCallback, LearningRateScheduler, LSTM, MaxPooling2D, memory,
  Model, mul, randint, randomUniform, RMSprop, SGD, Sequential, setSeed, type SymbolicTensor, testStepCounters, trainStepCounters, type Optimizer, type Tensor,
} from '@kerasgpu/layers';
import { useBackend } from './helpers.js';

beforeAll(useBackend);

interface Run { batchLosses: number[]; epochLosses: number[]; weights: number[][]; counters: typeof trainStepCounters }

/**
 * Trains a fresh model from the same seed with compiled steps on or off and returns every
 * batch's loss and the final weights, plus how the steps ran.
 */
function train(jit: boolean, build: () => Model, optimizer: () => Optimizer | string, data: () => [Tensor, Tensor | number[][]], fit: { epochs: number; batchSize: number; schedule?: boolean }): Promise<Run> {
  return trainWith(jit, build, optimizer, data, fit, fit.schedule ? [LearningRateScheduler((epoch: number) => 0.01 / (1 + epoch))] : []);
}

async function trainWith(jit: boolean, build: () => Model, optimizer: () => Optimizer | string, data: () => [Tensor, Tensor | number[][]], fit: { epochs: number; batchSize: number }, extra: Callback[]): Promise<Run> {
  setSeed(21);
  const model = build();
  model.compile({ optimizer: optimizer(), loss: 'categorical_crossentropy', jit });
  const [x, y] = data();
  const batchLosses: number[] = [];
  const before = { ...trainStepCounters };
  const callbacks: Callback[] = [LambdaCallback({ onBatchEnd: (_b: number, logs: Record<string, number>) => { batchLosses.push(logs.loss!); } }), ...extra];
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

describe('compiled training steps are traced again when what they baked in changes', () => {
  const build = () => Sequential([Dense(12, { input_dim: 6, activation: 'tanh' }), Dropout(0.2), Dense(3, { activation: 'softmax' })]);
  const data = (): [Tensor, number[][]] => [randomUniform([48, 6], -1, 1, 9), oneHot(48, 3, 4)];
  const fit = { epochs: 4, batchSize: 8 };
  /** A callback changing the model or the optimizer at the start of epoch 2. */
  const changing = (change: (m: Model) => void): Callback[] => {
    let model: Model | null = null;
    const cb = LambdaCallback({ onEpochBegin: (epoch: number) => { if (epoch === 2) change(model!); } });
    const setModel = cb.setModel.bind(cb);
    cb.setModel = (m) => { model = m as Model; setModel(m); };
    return [cb];
  };

  const cases: [string, (m: Model) => void, 'retraced' | 'rebound' | null][] = [
    ['setWeights (the variables get new storages of the same sizes: rebound, not retraced)', (m) => m.setWeights(m.getWeights().map((w) => mul(w, 0.5))), 'rebound'],
    ['a layer made non-trainable', (m) => { m.layers[0]!.trainable = false; }, null],
    ['clipnorm set by a callback', (m) => { m.optimizer!.clipnorm = 0.01; }, null],
    ['optimizer state restored (new slot variables)', (m) => {
      const o = m.optimizer!;
      o.setState(o.iterations, m.trainableWeights, o.getSlots(m.trainableWeights).map((slots) => slots.map((s) => mul(s, 0.5))));
    }, null],
    ['the learning rate set by a callback (a per-step value: no retrace)', (m) => { m.optimizer!.lr = 0.5; }, null],
  ];
  // (The trainable and clipnorm changes start over with a warm-up step rather than a retrace.)
  for (const [what, change, counted] of cases) {
    it(what, async () => {
      const runWith = (jit: boolean) => trainWith(jit, build, () => Adam({ lr: 0.02 }), data, fit, changing(change));
      const [eager, compiled] = [await runWith(false), await runWith(true)];
      expectSame(eager, compiled, 24);
      if (getBackend() === 'webgpu') {
        expect(compiled.counters.retraced).toBe(counted === 'retraced' ? 1 : 0);
        expect(compiled.counters.rebound).toBe(counted === 'rebound' ? 1 : 0);
      }
      // The change is in force after it: the loss curve moved (a no-op change would prove nothing).
      const unchanged = await trainWith(true, build, () => Adam({ lr: 0.02 }), data, fit, []);
      expect(compiled.weights).not.toEqual(unchanged.weights);
    });
  }

  it('KERASGPU_JIT=0 runs every step eagerly', async () => {
    process.env.KERASGPU_JIT = '0';
    try {
      const r = await train(true, build, () => Adam(), data, fit);
      expect(r.counters).toMatchObject({ replayed: 0, traced: 0, eager: 24 });
    } finally {
      delete process.env.KERASGPU_JIT;
    }
  });
});

describe('replayed steps keep memory flat', () => {
  const run = async (jit: boolean) => {
    setSeed(2);
    const model = Sequential([Dense(8, { input_dim: 4, activation: 'relu' }), Dropout(0.1), Dense(2, { activation: 'softmax' })]);
    model.compile({ optimizer: Adam(), loss: 'categorical_crossentropy', metrics: ['accuracy'], jit });
    const x = randomUniform([64, 4], -1, 1, 3);
    const y = oneHot(64, 2, 1);
    const seen: { tensors: number; buffers: number; bindGroups: number; pipelines: number }[] = [];
    const callbacks = [LambdaCallback({ onBatchEnd: () => {
      const s = deviceStats();
      seen.push({ tensors: memory().numTensors, buffers: memory().numBuffers, bindGroups: s?.bindGroups ?? 0, pipelines: s?.pipelines ?? 0 });
    } })];
    await model.fit(x, y, { epochs: 25, batchSize: 4, verbose: 0, callbacks });
    x.dispose();
    return seen;
  };
  it('tensors, pooled buffers and device objects do not grow over many replayed steps', async () => {
    const seen = await run(true);
    expect(seen.length).toBe(400);
    // From the first replayed step on, nothing accumulates.
    const steady = seen.slice(3);
    expect(new Set(steady.map((s) => s.tensors)).size).toBe(1);
    // Pooled buffers may only shrink (the pool destroys buffers idle for IDLE_SUBMITS submits), never grow back.
    steady.forEach((s, i) => { if (i > 0) expect(s.buffers).toBeLessThanOrEqual(steady[i - 1]!.buffers); });
    expect(new Set(steady.map((s) => s.pipelines)).size).toBe(1);
    if (getBackend() === 'webgpu') {
      // A replayed step makes no bind groups (its own, the batch's gathers and the loss sums
      // included, were made once, when it was traced).
      const perStep = (s: typeof seen) => (s.at(-1)!.bindGroups - s[3]!.bindGroups) / (s.length - 4);
      const eager = perStep(await run(false));
      expect(perStep(seen)).toBeLessThan(eager / 3);
    }
  });
});

describe('batch gathers and running sums (epoch logs) inside the replayed step', () => {
  it('a replayed epoch does no device work outside its program, and its logs equal the eager ones', async () => {
    const run = async (jit: boolean) => {
      setSeed(3);
      const model = Sequential([Dense(1, { input_dim: 12, activation: 'sigmoid' })]);
      model.compile({ optimizer: RMSprop(), loss: 'binary_crossentropy', metrics: ['accuracy'], jit });
      const x = randomUniform([64, 12], 0, 1, 4);
      const y = Array.from({ length: 64 }, (_, i) => [i % 3 === 0 ? 1 : 0]);
      // Device work from the second epoch's start (every step replays from then on) to the end.
      const marks: ReturnType<typeof deviceStats>[] = [];
      const callbacks = [LambdaCallback({ onEpochBegin: (epoch: number) => { if (epoch === 1) marks.push(deviceStats()); }, onTrainEnd: () => { marks.push(deviceStats()); } })];
      const before = { ...trainStepCounters };
      const h = await model.fit(x, y, { epochs: 5, batchSize: 16, verbose: 0, callbacks });
      x.dispose();
      const program = compiledSteps(model).find((s) => s.kind === 'train')?.counts ?? null;
      const delta = (k: 'dispatches' | 'bindGroups') => (marks[1]?.[k] ?? 0) - (marks[0]?.[k] ?? 0);
      return { h: h.history, program, dispatches: delta('dispatches'), bindGroups: delta('bindGroups'), rebound: trainStepCounters.rebound - before.rebound, retraced: trainStepCounters.retraced - before.retraced };
    };
    const [eager, compiled] = [await run(false), await run(true)];
    expect(compiled.h).toEqual(eager.h);
    if (getBackend() !== 'webgpu') return;
    // 4 epochs of 4 replayed steps: each runs the program alone (it gathers the batch's rows and adds
    // to the sums); the sums are zeroed in place each epoch (no rebind, no retrace).
    const steps = 16;
    expect(compiled.dispatches).toBe(steps * compiled.program!.replayedDispatches);
    // What is computed only from constants (the mean's 1/n tiled over the batch, in the loss's gradient) runs once, when traced.
    expect(compiled.program!.replayedDispatches).toBeLessThan(compiled.program!.dispatches);
    expect(compiled.bindGroups).toBe(0);
    expect([compiled.rebound, compiled.retraced]).toEqual([0, 0]);
    // The step's constants (the batch size the sums scale by, the loss's epsilon, ...) stay in their buffers: a replay writes none again.
    expect(compiled.program!.uploads).toBeGreaterThan(0);
    expect(compiled.program!.replayedUploads).toBe(0);
    // Eagerly, every op of the step, the gathers and the sums included, makes its bind group.
    expect(eager.bindGroups).toBeGreaterThan(steps * 4);
  });
});

describe('fit on other arrays of the same shapes', () => {
  it('rebinds the program to them (no eager step, no trace) and trains on them: the eager numbers', async () => {
    const run = async (jit: boolean) => {
      setSeed(6);
      const model = Sequential([Dense(3, { input_dim: 5, activation: 'tanh' }), Dense(2, { activation: 'softmax' })]);
      model.compile({ optimizer: SGD({ lr: 0.1 }), loss: 'categorical_crossentropy', jit });
      // Host arrays: each fit uploads its own tensors.
      const data = (k: number) => Array.from({ length: 24 }, (_, i) => Array.from({ length: 5 }, (_, j) => Math.sin(k * 31 + i * 5 + j)));
      await model.fit(data(1), oneHot(24, 2, 0), { epochs: 2, batchSize: 8, verbose: 0, shuffle: false });
      const before = { ...trainStepCounters };
      const h = await model.fit(data(2), oneHot(24, 2, 1), { epochs: 2, batchSize: 8, verbose: 0, shuffle: false });
      const delta = Object.fromEntries((['eager', 'traced', 'retraced', 'replayed'] as const).map((k) => [k, trainStepCounters[k] - before[k]]));
      return { loss: h.history.loss, weights: await Promise.all(model.weights.map(async (w) => Array.from(await w.data()))), delta };
    };
    const [eager, compiled] = [await run(false), await run(true)];
    expect(compiled.loss).toEqual(eager.loss);
    expect(compiled.weights).toEqual(eager.weights);
    if (getBackend() === 'webgpu') expect(compiled.delta).toEqual({ eager: 0, traced: 0, retraced: 0, replayed: 6 });
  });
});

describe('compiled test steps (evaluate, fit\'s validation)', () => {
  it('evaluate replays its step and gives the eager numbers, partial batch included', async () => {
    const run = async (jit: boolean) => {
      setSeed(5);
      const model = Sequential([Dense(10, { input_dim: 6, activation: 'relu' }), Dropout(0.5), Dense(3, { activation: 'softmax' })]);
      model.compile({ optimizer: Adam(), loss: 'categorical_crossentropy', metrics: ['accuracy'], jit });
      const x = randomUniform([50, 6], -1, 1, 7);
      const y = oneHot(50, 3, 2);
      const before = testStepCounters.replayed;
      const h = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, validationSplit: 0.3 });
      const evals = [];
      for (let i = 0; i < 4; i++) evals.push(await model.evaluate(x, y, { batchSize: 16 }));
      x.dispose();
      return { h: h.history, evals, replayed: testStepCounters.replayed - before };
    };
    const [eager, compiled] = [await run(false), await run(true)];
    expect(compiled.h).toEqual(eager.h);
    expect(compiled.evals).toEqual(eager.evals);
    expect(eager.replayed).toBe(0);
    if (getBackend() === 'webgpu') expect(compiled.replayed).toBeGreaterThan(6);
  });
});

describe('compiled training equals eager training on random models (property)', () => {
  type Kind = 'dense' | 'image' | 'sequence' | 'tokens';
  const modelArb = fc.record({
    kind: fc.constantFrom<Kind>('dense', 'image', 'sequence', 'tokens'),
    functional: fc.boolean(),
    width: fc.integer({ min: 2, max: 6 }),
    dropout: fc.constantFrom(0, 0.3),
    norm: fc.boolean(),
    pool: fc.boolean(),
    cell: fc.constantFrom('lstm', 'gru'),
    optimizer: fc.constantFrom('sgd', 'momentum', 'rmsprop', 'adagrad', 'adadelta', 'adam', 'adamax', 'nadam'),
    n: fc.integer({ min: 9, max: 20 }),
    batchSize: fc.integer({ min: 3, max: 8 }),
  });
  type Spec = typeof modelArb extends fc.Arbitrary<infer T> ? T : never;
  const OPTIMIZERS: Record<Spec['optimizer'], () => Optimizer> = {
    sgd: () => SGD({ lr: 0.05 }), momentum: () => SGD({ lr: 0.05, momentum: 0.9, nesterov: true }), rmsprop: () => RMSprop({ lr: 0.01 }),
    adagrad: () => Adagrad({ lr: 0.05 }), adadelta: () => Adadelta(), adam: () => Adam({ lr: 0.01, decay: 0.01 }), adamax: () => Adamax(), nadam: () => Nadam(),
  };
  const INPUT: Record<Kind, number[]> = { dense: [5], image: [6, 6, 1], sequence: [4, 3], tokens: [4] };
  const VOCABULARY = 7;
  /** The layers between input and softmax; the first takes the input shape (Sequential) or is applied to an Input (functional). */
  const body = (s: Spec, shape: { input_shape: number[] } | Record<string, never>): Layer[] => {
    const extra = [...(s.dropout > 0 ? [Dropout(s.dropout)] : []), ...(s.norm ? [BatchNormalization()] : [])];
    const recurrent = (first: object) => (s.cell === 'lstm' ? LSTM : GRU)(s.width, { ...first, dropout: s.dropout });
    return {
      dense: () => [Dense(s.width, { ...shape, activation: 'relu' }), ...extra],
      image: () => [Conv2D(s.width, 2, { ...shape, activation: 'relu' }), ...extra, ...(s.pool ? [MaxPooling2D([2, 2])] : []), Flatten()],
      sequence: () => [recurrent(shape), ...(s.norm ? [BatchNormalization()] : [])],
      tokens: () => [Embedding(VOCABULARY, s.width, { ...shape, ...(s.pool ? {} : { input_length: INPUT.tokens[0] }) }), recurrent({}), ...extra],
    }[s.kind]();
  };
  /**
   * Sequential, or the same layers called on an Input with a second branch (a Dense on the
   * flattened input, concatenated before the softmax: a graph with a fork and a join).
   */
  const build = (s: Spec) => (): Model => {
    if (!s.functional) return Sequential([...body(s, { input_shape: INPUT[s.kind] }), Dense(3, { activation: 'softmax' })]);
    const input = Input({ shape: INPUT[s.kind], ...(s.kind === 'tokens' ? { dtype: 'int32' } : {}) });
    const h = body(s, {}).reduce((t: SymbolicTensor, layer) => layer.apply(t) as SymbolicTensor, input);
    const joined = s.kind === 'tokens' ? h : Concatenate().apply([h, Dense(2, { activation: 'tanh' }).apply(Flatten().apply(input))]);
    return Model({ inputs: input, outputs: Dense(3, { activation: 'softmax' }).apply(joined) as SymbolicTensor });
  };
  const inputs = (s: Spec): Tensor => (s.kind === 'tokens' ? randint(0, VOCABULARY, [s.n, ...INPUT.tokens], 3) : randomUniform([s.n, ...INPUT[s.kind]], -1, 1, 3));

  it('gives the same losses and weights after every step', async () => {
    await fc.assert(fc.asyncProperty(modelArb, async (s) => {
      const data = (): [Tensor, number[][]] => [inputs(s), oneHot(s.n, 3, 1)];
      const fit = { epochs: 3, batchSize: s.batchSize };
      const steps = 3 * Math.ceil(s.n / s.batchSize);
      const [eager, compiled] = [await train(false, build(s), OPTIMIZERS[s.optimizer], data, fit), await train(true, build(s), OPTIMIZERS[s.optimizer], data, fit)];
      expect(compiled.batchLosses).toEqual(eager.batchLosses);
      expect(compiled.weights).toEqual(eager.weights);
      expect(compiled.batchLosses.length).toBe(steps);
      // Two signatures (full and partial batches) warm up and trace; the partial batch's eager
      // warm-up re-assigns BatchNormalization's statistics, so the full batch's step is traced
      // once more. The rest replay.
      if (getBackend() === 'webgpu') expect(compiled.counters.replayed).toBeGreaterThanOrEqual(steps - 5);
    }), { numRuns: Number(process.env.KERASGPU_PROPERTY_RUNS ?? 6) });
  });
});

describe('compiled steps in fitGenerator', () => {
  it('train and validation steps replay and give the eager numbers', async () => {
    const run = async (jit: boolean) => {
      setSeed(8);
      const model = Sequential([Dense(6, { input_dim: 4, activation: 'tanh' }), Dropout(0.2), Dense(2, { activation: 'softmax' })]);
      model.compile({ optimizer: RMSprop({ lr: 0.02 }), loss: 'categorical_crossentropy', metrics: ['accuracy'], jit });
      function* batches(): Generator<[number[][], number[][]]> {
        for (let i = 0; ; i++) yield [Array.from({ length: 4 }, (_, r) => Array.from({ length: 4 }, (_, c) => Math.sin(i * 7 + r * 3 + c))), oneHot(4, 2, i % 3)];
      }
      const before = trainStepCounters.replayed;
      const h = await model.fitGenerator(batches(), { stepsPerEpoch: 5, epochs: 3, verbose: 0, validationData: batches(), validationSteps: 2 });
      const weights = await Promise.all(model.weights.map(async (w) => Array.from(await w.data())));
      return { h: h.history, weights, replayed: trainStepCounters.replayed - before };
    };
    const [eager, compiled] = [await run(false), await run(true)];
    expect(compiled.h).toEqual(eager.h);
    expect(compiled.weights).toEqual(eager.weights);
    if (getBackend() === 'webgpu') expect(compiled.replayed).toBe(13);
  });
});

describe('compiledSteps (diagnostics)', () => {
  it('lists each signature\'s program, its counts and why a step runs eagerly', async () => {
    setSeed(4);
    const model = Sequential([Dense(5, { input_dim: 3, activation: 'relu' }), Dense(2, { activation: 'softmax' })]);
    model.compile({ optimizer: Adam(), loss: 'categorical_crossentropy' });
    const x = randomUniform([10, 3], -1, 1, 2);
    await model.fit(x, oneHot(10, 2, 0), { epochs: 3, batchSize: 4, verbose: 0 });
    x.dispose();
    const steps = compiledSteps(model);
    if (getBackend() !== 'webgpu') {
      expect(steps).toEqual([]); // the cpu backend runs steps eagerly: nothing is traced
      return;
    }
    expect(steps.map((s) => [s.kind, s.signature, s.replayable])).toEqual([
      ['train', 'int32[4] of float32[10,3] float32[10,2] - +sums', true],
      ['train', 'int32[2] of float32[10,3] float32[10,2] - +sums', true],
    ]);
    const text = steps[0]!.program!.describe();
    expect(text).toMatch(/= matMul\(/);
    expect(text.match(/update\.adam\(/g)!.length).toBe(4);
    expect(steps[0]!.counts!.dispatches).toBeGreaterThan(10);
    expect(steps[0]!.counts!.ownedBuffers).toBeGreaterThan(4);
  });
});
