import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activityL2, Conv2D, Convolution2D, Dense, LSTM, ones, TimeDistributed, l1, l1l2, l2, MaxNorm, maxnorm, randomUniform, randint, Sequential, setSeed, tensor, UnitNorm, unitnorm, type Tensor,
} from '@kerasgpu/layers';
import { captureOutput, useBackend, values } from './helpers.js';

beforeAll(useBackend);

/** The quick-start's places where a Keras user's first guess used to fail or be silently wrong. */

describe('regularizer and constraint helpers take an options object too', () => {
  const penalty = async (r: { penalty(x: Tensor): Tensor }) => (await values(r.penalty(tensor([[0.5, -1.5], [2, -0.25]]))))[0]!;

  it('l1l2({l1, l2}), l2({l}), l1({l}) give the positional form\'s penalty', async () => {
    expect(await penalty(l1l2({ l1: 0.01, l2: 0.02 }))).toBeCloseTo(await penalty(l1l2(0.01, 0.02)), 7);
    expect(await penalty(l1l2({ l1: 0.01, l2: 0.02 }))).toBeCloseTo(0.01 * 4.25 + 0.02 * 6.5625, 6);
    expect(await penalty(l2({ l: 0.05 }))).toBeCloseTo(await penalty(l2(0.05)), 7);
    expect(await penalty(l1({ l: 0.05 }))).toBeCloseTo(0.05 * 4.25, 6);
    expect(await penalty(l2())).toBeCloseTo(0.01 * 6.5625, 6);
  });

  it('maxnorm({m}), MaxNorm({max_value}), unitnorm({axis}) project as the positional form', async () => {
    const big = tensor([[3, 0.1], [4, 0.2]]);
    const a = await values(maxnorm({ m: 2 }).apply(big));
    expect(a).toEqual(await values(maxnorm(2).apply(big)));
    expect(await values(new MaxNorm({ max_value: 2, axis: 0 }).apply(big))).toEqual(a);
    expect(a[0]).toBeCloseTo(1.2, 5); // column (3, 4) has norm 5, scaled to 2
    expect(await values(unitnorm({ axis: 1 }).apply(big))).toEqual(await values(UnitNorm(1).apply(big)));
  });

  it('a model regularized with l2({l: 0.05}) trains exactly as with l2(0.05), and stays finite', async () => {
    const run = async (reg: () => ReturnType<typeof l2>) => {
      setSeed(21);
      const model = Sequential();
      model.add(Dense(4, { input_dim: 8, W_regularizer: reg(), activity_regularizer: activityL2(0.01), W_constraint: maxnorm({ m: 2 }) }));
      model.add(Dense(1, { activation: 'sigmoid' }));
      model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
      const h = await model.fit(randomUniform([32, 8]), randint(0, 2, [32, 1]), { nb_epoch: 2, batch_size: 16, verbose: 0 });
      return h.history.loss!;
    };
    const objectForm = await run(() => l2({ l: 0.05 }));
    expect(objectForm.every(Number.isFinite)).toBe(true);
    expect(objectForm).toEqual(await run(() => l2(0.05)));
  });

  it('bad keys and values are refused, naming the helper and the nearest key', () => {
    expect(() => l2({ l2: 0.05 } as never)).toThrow(/l2: unknown option 'l2'; did you mean 'l'\?/);
    expect(() => l1l2({ l3: 0.01 } as never)).toThrow(/l1l2: unknown option 'l3'; did you mean 'l1'\?/);
    expect(() => maxnorm({ max: 2 } as never)).toThrow(/maxnorm: unknown option 'max'/);
    expect(() => l2('0.05' as never)).toThrow(/l2 must be a non-negative number, got 0.05/);
    expect(() => l1l2(0.01, [0.02] as never)).toThrow(/L1L2: l2 must be a non-negative number, got \[0.02\]/);
    expect(() => maxnorm({ m: 0 })).toThrow(/maxnorm: m \(max_value\) must be a positive number/);
    expect(() => maxnorm({ m: 2, max_value: 3 })).toThrow(/name the same option/);
    expect(() => unitnorm({ axis: 'rows' } as never)).toThrow(/unitnorm: axis must be an integer/);
  });
});

describe("Convolution2D(..., {weights: [W, b], dim_ordering: 'th'}) takes Keras 1's th kernel", () => {
  // nb_filter 3, stack 2, rows 3, cols 2: every axis differs, so a wrong layout cannot pass unnoticed.
  const [F, C, R, S, H, W] = [3, 2, 3, 2, 4, 5];
  const kTh = Array.from({ length: F * C * R * S }, (_, i) => Math.sin(i + 1));
  const bias = [0.1, -0.2, 0.3];
  const xs = Array.from({ length: C * H * W }, (_, i) => Math.cos(i));
  /** Keras's conv on th data with a th kernel (cross-correlation, as the TensorFlow backend). */
  const expected = () => {
    const out: number[] = [];
    for (let f = 0; f < F; f++) for (let i = 0; i <= H - R; i++) for (let j = 0; j <= W - S; j++) {
      let acc = bias[f]!;
      for (let c = 0; c < C; c++) for (let u = 0; u < R; u++) for (let v = 0; v < S; v++) {
        acc += xs[(c * H + i + u) * W + j + v]! * kTh[((f * C + c) * R + u) * S + v]!;
      }
      out.push(acc);
    }
    return out;
  };

  it('the Keras 1 snippet gives Keras\'s outputs; getWeights returns the stored Keras 2 layout', async () => {
    const model = Sequential();
    model.add(Convolution2D(F, R, S, { weights: [tensor(kTh, [F, C, R, S]), bias], dim_ordering: 'th', input_shape: [C, H, W] }));
    const y = model.predict(tensor(xs, [1, C, H, W])) as Tensor;
    expect(y.shape).toEqual([1, F, H - R + 1, W - S + 1]);
    const got = await values(y);
    expected().forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    const stored = model.get_weights()[0]!;
    expect(stored.shape).toEqual([R, S, C, F]);
    expect((await values(stored))[1]).toBeCloseTo(kTh[C * R * S]!, 6); // [0, 0, 0, 1] is filter 1's first value
  });

  it("Keras 2's layout still works where it cannot be mistaken; a kernel of neither layout names the th one", async () => {
    const layer = Sequential([Convolution2D(F, R, S, { dim_ordering: 'th', input_shape: [C, H, W] })]).layers[0]!;
    const tfKernel = layer.getWeights()[0]!;
    const viaTf = Conv2D(F, [R, S], { weights: [tfKernel, bias], data_format: 'channels_first', input_shape: [C, H, W] });
    const again = Convolution2D(F, R, S, { weights: [tfKernel, bias], dim_ordering: 'th', input_shape: [C, H, W] });
    expect(await values(viaTf.apply(tensor(xs, [1, C, H, W])))).toEqual(await values(again.apply(tensor(xs, [1, C, H, W]))));
    expect(() => Sequential([Convolution2D(F, R, S, { weights: [tensor(kTh, [C, F, R, S]), bias], dim_ordering: 'th', input_shape: [C, H, W] })]))
      .toThrow(/dim_ordering 'th'\): weights\[0\] must be Keras 1's th kernel \(nb_filter, stack, rows, cols\) = \(3, 2, 3, 2\), got \(2, 3, 3, 2\)/);
  });
});

describe("fit's 'Train on ... samples, validate on ...' line and evaluate's bar, as Keras prints them", () => {
  const mlp = () => {
    const model = Sequential();
    model.add(Dense(8, { input_dim: 20, activation: 'relu' }));
    model.add(Dense(1, { activation: 'sigmoid' }));
    model.compile({ loss: 'binary_crossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] });
    return model;
  };

  it('fit with validation_split at verbose 1 and 2 names the split first; verbose 0 and no validation do not', async () => {
    const model = mlp();
    const [x, y] = [randomUniform([1000, 20]), randint(0, 2, [1000, 1])];
    for (const verbose of [1, 2] as const) {
      const { text } = await captureOutput(() => model.fit(x, y, { validation_split: 0.2, nb_epoch: 1, batch_size: 100, verbose }));
      expect(text.split('\n')[0]).toBe('Train on 800 samples, validate on 200 samples');
      expect(text).toContain('val_loss');
    }
    const { text: viaData } = await captureOutput(() => model.fit(x, y, { validation_data: [randomUniform([50, 20]), randint(0, 2, [50, 1])], nb_epoch: 1, batch_size: 500 }));
    expect(viaData).toMatch(/^Train on 1000 samples, validate on 50 samples\nEpoch 1\/1\n/);
    expect((await captureOutput(() => model.fit(x, y, { validation_split: 0.2, nb_epoch: 1, verbose: 0 }))).text).toBe('');
    expect((await captureOutput(() => model.fit(x, y, { nb_epoch: 1, batch_size: 500 }))).text).not.toContain('Train on');
  });

  it('evaluate shows the bar at its default verbosity and is quiet at verbose 0', async () => {
    const model = mlp();
    const [x, y] = [randomUniform([200, 20]), randint(0, 2, [200, 1])];
    const { result: score, text } = await captureOutput(() => model.evaluate(x, y, { batch_size: 16 }));
    expect(text).toMatch(/^200\/200 \[={30}\] - \d+s\n$/);
    expect((score as number[]).length).toBe(2);
    expect((await captureOutput(() => model.evaluate(x, y, { batch_size: 16, verbose: 0 }))).text).toBe('');
  });
});

describe("a 2-D sample_weight without sample_weight_mode 'temporal'", () => {
  it('says that the mode is needed; with it, the same call trains', async () => {
    const model = Sequential();
    model.add(LSTM(4, { input_shape: [5, 3], return_sequences: true }));
    model.add(TimeDistributed(Dense(1)));
    const [x, y, w] = [randomUniform([8, 5, 3]), randomUniform([8, 5, 1]), ones([8, 5])];
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    await expect(model.fit(x, y, { sample_weight: w, nb_epoch: 1, verbose: 0 }))
      .rejects.toThrow(/sample_weight for time_distributed_\d+ has shape \(8, 5\): for timestep-wise weights, compile with sampleWeightMode: 'temporal' \(Keras: sample_weight_mode='temporal'\)/);
    model.compile({ loss: 'mse', optimizer: 'sgd', sample_weight_mode: 'temporal' });
    const h = await model.fit(x, y, { sample_weight: w, nb_epoch: 1, verbose: 0 });
    expect(h.history.loss).toHaveLength(1);
    await expect(model.fit(x, y, { sample_weight: ones([8]), nb_epoch: 1, verbose: 0 })).rejects.toThrow(/must have rank 2 \(samples, timesteps\)/);
  });
});

describe('console.log(history)', () => {
  it('shows the epochs and the history record, not the model', async () => {
    const model = Sequential();
    model.add(Dense(1, { input_dim: 3, activation: 'sigmoid' }));
    model.compile({ loss: 'binary_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    const history = await model.fit(randomUniform([10, 3]), randint(0, 2, [10, 1]), { nb_epoch: 2, verbose: 0 });
    const shown = inspect(history);
    expect(shown).toMatch(/^History \{\s+epoch: \[ 0, 1 \],\s+history: \{\s+loss: \[ [\d.e-]+, [\d.e-]+ \],\s+acc: \[ [\d.e-]+, [\d.e-]+ \]\s+\}\s+\}$/);
    expect(history.model).toBe(model); // still there, only not printed
  });
});

describe('stateful RNNs: the Keras 1 stacked stateful LSTM example', () => {
  it('only the first layer has batch_input_shape; model.reset_states() resets every stateful layer', async () => {
    const [dataDim, timesteps, nbClasses, batchSize] = [5, 3, 4, 4];
    setSeed(31);
    const model = Sequential();
    model.add(LSTM(6, { return_sequences: true, stateful: true, batch_input_shape: [batchSize, timesteps, dataDim] }));
    model.add(LSTM(6, { return_sequences: true, stateful: true }));
    model.add(LSTM(6, { stateful: true }));
    model.add(Dense(nbClasses, { activation: 'softmax' }));
    model.compile({ loss: 'categorical_crossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] });
    expect(model.outputs[0]!.shape).toEqual([batchSize, nbClasses]);
    const xTrain = randomUniform([batchSize * 2, timesteps, dataDim]);
    const yTrain = randomUniform([batchSize * 2, nbClasses]);
    const xVal = randomUniform([batchSize, timesteps, dataDim]);
    const yVal = randomUniform([batchSize, nbClasses]);
    const h = await model.fit(xTrain, yTrain, { batch_size: batchSize, nb_epoch: 2, validation_data: [xVal, yVal], verbose: 0, shuffle: false });
    expect(h.history.val_loss).toHaveLength(2);

    const predict = async () => values(model.predict(xVal, { batch_size: batchSize }) as Tensor);
    model.reset_states();
    const fresh = await predict();
    expect(await predict()).not.toEqual(fresh); // every layer carried its state
    model.resetStates();
    expect(await predict()).toEqual(fresh);
    // Resetting only the first layer is not enough: the second and third carry state too.
    await predict();
    (model.layers[0] as LSTM).reset_states();
    expect(await predict()).not.toEqual(fresh);
  });
});
