import { beforeAll, describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, Adamax, Dense, getOptimizer, Nadam, RMSprop, SGD, Sequential, tensor, tidy, variable, type Optimizer } from '@kerasgpu/layers';
import { expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

/** Applies `steps` updates with a fixed gradient, returning the variable's values. */
async function run(opt: Optimizer, w0: number[], g: number[], steps = 1): Promise<number[]> {
  const w = variable(tensor(w0));
  for (let i = 0; i < steps; i++) tidy(() => opt.applyGradients([w], [tensor(g)]));
  return values(w);
}

describe('optimizers against hand-computed updates', () => {
  it('SGD with Nesterov momentum, two steps', async () => {
    // v1 = -lr·g; w1 = w + m·v1 - lr·g; v2 = m·v1 - lr·g; w2 = w1 + m·v2 - lr·g
    const w = await run(SGD({ lr: 0.1, momentum: 0.9, nesterov: true }), [1, -2], [0.5, 0.1], 2);
    expectClose(w, [0.7695, -2.0461]);
  });

  it('SGD with plain momentum and Keras 1 time decay', async () => {
    // step 1: lr 0.1, v = -0.05, w = 0.95; step 2: lr 0.1/(1 + 0.5) , v = -0.045 - 0.0333.., w = 0.95 + v
    const w = await run(SGD({ lr: 0.1, momentum: 0.9, decay: 0.5 }), [1], [0.5], 2);
    expectClose(w, [0.95 - 0.045 - 0.05 / 1.5]);
  });

  it('one Adam step moves each weight by about lr', async () => {
    // lr_t = lr·√(1-β2)/(1-β1); m = 0.1g, v = 0.001g²; Δ = lr_t·m/(√v + ε) ≈ lr
    const w = await run(Adam({ lr: 0.001 }), [1, 1], [0.5, -2]);
    const lrT = (0.001 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    const step = (g: number) => (lrT * 0.1 * g) / (Math.sqrt(0.001 * g * g) + 1e-8);
    expectClose(w, [1 - step(0.5), 1 - step(-2)]);
  });

  it('Adam amsgrad divides by the largest v so far (three steps, shrinking gradients); plain Adam does not', async () => {
    const grads = [1, 0.1, 0.01], [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-8];
    const reference = (amsgrad: boolean) => {
      let w = 1, m = 0, v = 0, vhat = 0;
      grads.forEach((g, i) => {
        const t = i + 1;
        m = b1 * m + (1 - b1) * g;
        v = b2 * v + (1 - b2) * g * g;
        vhat = Math.max(vhat, v);
        w -= ((lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)) * m / (Math.sqrt(amsgrad ? vhat : v) + eps);
      });
      return w;
    };
    const stepped = async (amsgrad: boolean) => {
      const opt = Adam({ lr, amsgrad });
      const w = variable(tensor([1]));
      for (const g of grads) tidy(() => opt.applyGradients([w], [tensor([g])]));
      expect(opt.getSlots([w])[0]).toHaveLength(amsgrad ? 3 : 2);
      return values(w);
    };
    expect(reference(true)).not.toBeCloseTo(reference(false), 6);
    expectClose(await stepped(true), [reference(true)]);
    expectClose(await stepped(false), [reference(false)]);
    expect(Adam({ amsgrad: true }).getConfig().config.amsgrad).toBe(true);
    expect(() => Adam({ amsgrad: 'yes' as never })).toThrow(/Adam: amsgrad must be true or false/);
  });

  it('RMSprop, Adagrad, Adamax and Adadelta first steps', async () => {
    expectClose(await run(RMSprop({ lr: 0.001 }), [1], [0.5]), [1 - (0.001 * 0.5) / (Math.sqrt(0.1 * 0.25) + 1e-8)]);
    expectClose(await run(Adagrad({ lr: 0.01 }), [1], [0.5]), [1 - (0.01 * 0.5) / (0.5 + 1e-8)]);
    expectClose(await run(Adamax({ lr: 0.002 }), [1], [0.5]), [1 - (0.002 / 0.1) * (0.05 / (0.5 + 1e-8))]);
    const a = 0.05 * 0.25;
    expectClose(await run(Adadelta(), [1], [0.5]), [1 - (0.5 * Math.sqrt(1e-8)) / Math.sqrt(a + 1e-8)], 1e-4);
  });

  it('Nadam first step follows the momentum schedule', async () => {
    const b1 = 0.9, b2 = 0.999, g = 0.5, lr = 0.002;
    const mc1 = b1 * (1 - 0.5 * 0.96 ** 0.004), mc2 = b1 * (1 - 0.5 * 0.96 ** 0.008);
    const gPrime = g / (1 - mc1);
    const mPrime = ((1 - b1) * g) / (1 - mc1 * mc2);
    const vPrime = ((1 - b2) * g * g) / (1 - b2);
    const mBar = (1 - mc1) * gPrime + mc2 * mPrime;
    expectClose(await run(Nadam(), [1], [g]), [1 - (lr * mBar) / (Math.sqrt(vPrime) + 1e-8)]);
  });

  it('Nadam carries its momentum schedule across steps (three steps, changing gradients)', async () => {
    const b1 = 0.9, b2 = 0.999, lr = 0.002, eps = 1e-8, gs = [0.5, -1, 0.25];
    const mc = (t: number) => b1 * (1 - 0.5 * 0.96 ** (t * 0.004));
    let [w, m, v, schedule] = [1, 0, 0, 1];
    const opt = Nadam();
    const x = variable(tensor([w]));
    for (const [i, g] of gs.entries()) {
      const t = i + 1;
      const sNew = schedule * mc(t), sNext = sNew * mc(t + 1);
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      const mBar = (1 - mc(t)) * (g / (1 - sNew)) + mc(t + 1) * (m / (1 - sNext));
      w -= (lr * mBar) / (Math.sqrt(v / (1 - b2 ** t)) + eps);
      schedule = sNew;
      tidy(() => opt.applyGradients([x], [tensor([g])]));
    }
    expectClose(await values(x), [w]);
  });

  it('clipnorm scales by the global norm, clipvalue clips each element', async () => {
    expectClose(await run(SGD({ lr: 1, clipnorm: 1 }), [0, 0], [3, 4]), [-0.6, -0.8]);
    expectClose(await run(SGD({ lr: 1, clipvalue: 0.5 }), [0, 0], [3, -0.25]), [-0.5, 0.25]);
  });

  it('trainOnBatch: Dense + mse + SGD gives the hand-computed update', async () => {
    const model = Sequential([Dense(1, { input_dim: 2, weights: [[[1], [2]], [0.5]] })]);
    model.compile({ optimizer: SGD({ lr: 0.1 }), loss: 'mse' });
    // pred = 1 + 2 + 0.5 = 3.5, loss = 12.25, dL/dpred = 7 → dW = [7, 7], db = 7
    const loss = await model.trainOnBatch([[1, 1]], [[0]]);
    expect(loss).toBeCloseTo(12.25, 5);
    const [w, b] = model.getWeights();
    expectClose(await values(w!), [0.3, 1.3]);
    expectClose(await values(b!), [-0.2]);
  });

  it('names resolve through the registry; configs are Keras 2 form', () => {
    expect(getOptimizer('rmsprop')).toBeInstanceOf(RMSprop);
    expect(getOptimizer('Adam')).toBeInstanceOf(Adam);
    expect(() => getOptimizer('rmsprob')).toThrow(/unknown optimizer 'rmsprob'; did you mean 'rmsprop'/);
    expect(SGD({ lr: 0.1, nesterov: true }).getConfig()).toEqual({ class_name: 'SGD', config: { lr: 0.1, decay: 0, momentum: 0, nesterov: true } });
    expect(() => SGD({ learning_rat: 0.1 })).toThrow(/unknown option 'learning_rat'; did you mean 'learning_rate'/);
  });
});
