import { beforeAll, describe, expect, it } from 'vitest';
import {
  activityL2, Dense, l1, l1l2, l2, MaxNorm, maxnorm, randomUniform, randint, Sequential, setSeed, tensor, UnitNorm, unitnorm, type Tensor,
} from '@kerasgpu/layers';
import { useBackend, values } from './helpers.js';

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
