import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { useCpuBackend } from './helpers/runs.js';

useCpuBackend();

describe('memory', () => {
  it('returns to its starting counts after tidy around a 1000-step training loop', async () => {
    const start = K.memory();
    // Linear regression y = x·[2, −1, 0.5]ᵀ + 0.3, fitted by gradient descent on Variables.
    const x = K.randomNormal([64, 3], 0, 1, 7);
    const y = K.tidy(() => K.add(K.matMul(x, K.tensor([[2], [-1], [0.5]])), 0.3));
    // The initial values are freed by tidy; the Variables keep their storage.
    const [w, b] = K.tidy(() => [K.variable(K.zeros([3, 1]), true, 'w'), K.variable(K.zeros([1]), true, 'b')]);
    const loss = () => K.mean(K.square(K.sub(K.add(K.matMul(x, w), b), y)));
    const afterSetup = K.memory();

    for (let step = 0; step < 1000; step++) {
      K.tidy(() => {
        const { grads } = K.variableGrads(loss, [w, b]);
        w.assign(K.sub(w, K.mul(grads.w!, 0.1)));
        b.assign(K.sub(b, K.mul(grads.b!, 0.1)));
      });
      // Not just at the end: no step may leave anything behind.
      expect(K.memory()).toEqual(afterSetup);
    }

    const final = K.tidy(loss);
    expect((await final.data())[0]).toBeLessThan(1e-8);
    const learned = Array.from(await w.data());
    [2, -1, 0.5].forEach((v, i) => expect(learned[i]).toBeCloseTo(v, 4));
    K.dispose([final, x, y, w, b]);
    expect(K.memory()).toEqual(start);
  });

  it('counts a reshape view once and frees the storage with its last view', () => {
    const start = K.memory();
    const a = K.ones([2, 3]);
    const v = K.reshape(a, [6]);
    expect(K.memory().numTensors).toBe(start.numTensors + 2);
    expect(K.memory().numBytes).toBe(start.numBytes + 24);
    a.dispose();
    expect(K.memory().numBytes).toBe(start.numBytes + 24);
    v.dispose();
    expect(K.memory()).toEqual(start);
  });

  it('keep() exempts a tensor from tidy; tidy returns nested results', () => {
    const start = K.memory();
    let kept!: K.Tensor;
    const { pair } = K.tidy(() => {
      kept = K.keep(K.ones([2]));
      K.ones([3]);
      return { pair: [K.zeros([1]), K.zeros([1])] };
    });
    expect(K.memory().numTensors).toBe(start.numTensors + 3);
    K.dispose([kept, ...pair]);
    expect(K.memory()).toEqual(start);
  });
});
