import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { checkKernel, edgeSize, gpuBackend, hostTensor, type HostTensor } from './harness.js';

type Rule = K.OptimizerRuleName;
const RULES = Object.keys(K.OPTIMIZER_SLOTS) as Rule[];

/** Keras-like hyperparameters for step t (Nadam's schedule product is kept by the caller). */
function hyperArb<R extends Rule>(rule: R): fc.Arbitrary<(t: number, mSchedule: number) => K.OptimizerHyper[R]> {
  const lr = fc.constantFrom(0.001, 0.01, 0.1);
  const decayRate = fc.constantFrom(0.5, 0.9, 0.95);
  const arbs: { [Q in Rule]: fc.Arbitrary<(t: number, m: number) => K.OptimizerHyper[Q]> } = {
    gd: fc.record({ lr }).map((h) => () => h),
    sgd: fc.record({ lr, momentum: fc.constantFrom(0, 0.5, 0.9), nesterov: fc.boolean() }).map((h) => () => h),
    rmsprop: fc.record({ lr, rho: decayRate, epsilon: fc.constant(1e-6) }).map((h) => () => h),
    adagrad: fc.record({ lr, epsilon: fc.constant(1e-6) }).map((h) => () => h),
    adadelta: fc.record({ lr: fc.constantFrom(0.1, 1), rho: decayRate, epsilon: fc.constant(1e-6) }).map((h) => () => h),
    adam: fc.record({ lr, beta1: decayRate, beta2: fc.constantFrom(0.99, 0.999), epsilon: fc.constant(1e-6) }).map((h) => (t) => ({ ...h, t })),
    amsgrad: fc.record({ lr, beta1: decayRate, beta2: fc.constantFrom(0.99, 0.999), epsilon: fc.constant(1e-6) }).map((h) => (t) => ({ ...h, t })),
    adamax: fc.record({ lr, beta1: decayRate, beta2: fc.constantFrom(0.99, 0.999), epsilon: fc.constant(1e-6) }).map((h) => (t) => ({ ...h, t })),
    nadam: fc.record({ lr, beta1: decayRate, beta2: fc.constantFrom(0.99, 0.999), epsilon: fc.constant(1e-6), scheduleDecay: fc.constant(0.004) })
      .map((h) => (t, mSchedule) => ({ ...h, t, mSchedule })),
  };
  return arbs[rule] as fc.Arbitrary<(t: number, m: number) => K.OptimizerHyper[R]>;
}

/** Runs `steps` updates from param p with zero slots; returns the param and the slots. */
function train<R extends Rule>(rule: R, hyper: (t: number, m: number) => K.OptimizerHyper[R], p: K.Tensor, grads: K.Tensor[]): K.Tensor[] {
  const param = K.variable(p);
  const slots = K.OPTIMIZER_SLOTS[rule].map(() => K.variable(K.zerosLike(p)));
  let mSchedule = 1;
  grads.forEach((g, i) => {
    const h = hyper(i + 1, mSchedule);
    K.applyOptimizerUpdate(rule, h, param, g, slots);
    if (rule === 'nadam') mSchedule *= K.nadamMomentumCache(i + 1, (h as K.OptimizerHyper['nadam']).beta1, 0.004);
  });
  return [param, ...slots];
}

/** Values on a 1e-3 grid: no subnormal squares, which a GPU may flush to zero. */
const grid = (h: HostTensor): HostTensor => ({ ...h, data: h.data.map((v) => Math.round(v * 1000) / 1000) });

describe('webgpu fused optimizer updates vs cpu', () => {
  for (const rule of RULES) {
    it(`${rule}: several steps, param and slots`, async () => {
      const arb = fc.record({
        // Sizes of 1024 elements or more that are multiples of 4 take the vec4 kernel, others the scalar one.
        shape: fc.oneof(fc.array(edgeSize(65), { minLength: 1, maxLength: 2 }), fc.tuple(edgeSize(17), fc.constantFrom(4, 16, 64)), fc.tuple(fc.constantFrom(16, 33), fc.constantFrom(64, 128))),
        steps: fc.integer({ min: 1, max: 4 }),
        hyper: hyperArb(rule),
      }).chain((c) => fc.tuple(fc.constant(c), fc.array(hostTensor(c.shape, 2), { minLength: c.steps + 1, maxLength: c.steps + 1 })));
      await checkKernel(arb, ([, hs]) => hs.map(grid), ([c]) => (p, ...gs) => train(rule, c.hyper, p!, gs), () => ({ atol: 1e-5, rtol: 1e-4 }));
    });
  }
});

/** `steps` updates of several variables at once (applyOptimizerUpdates); returns the params and the slots. */
function trainMany<R extends Rule>(rule: R, hyper: (t: number, m: number) => K.OptimizerHyper[R], ps: K.Tensor[], grads: K.Tensor[], steps: number): K.Tensor[] {
  const params = ps.map((p) => K.variable(p));
  const slots = ps.map((p) => K.OPTIMIZER_SLOTS[rule].map(() => K.variable(K.zerosLike(p))));
  let mSchedule = 1;
  for (let t = 0; t < steps; t++) {
    const h = hyper(t + 1, mSchedule);
    K.applyOptimizerUpdates(rule, h, params.map((param, i) => ({ param, grad: grads[t * ps.length + i]!, slots: slots[i]! })));
    if (rule === 'nadam') mSchedule *= K.nadamMomentumCache(t + 1, (h as K.OptimizerHyper['nadam']).beta1, 0.004);
  }
  return [...params, ...slots.flat()];
}

describe('webgpu fused optimizer updates of many variables at once vs cpu', () => {
  for (const rule of RULES) {
    it(`${rule}: up to 12 variables (several dispatches), vec4 and scalar sizes mixed`, async () => {
      const arb = fc.record({
        shapes: fc.array(fc.oneof(fc.tuple(edgeSize(17)), fc.tuple(edgeSize(9), fc.constantFrom(4, 8)), fc.tuple(fc.constantFrom(16, 17), fc.constantFrom(64, 68))), { minLength: 1, maxLength: 12 }),
        steps: fc.integer({ min: 1, max: 3 }),
        hyper: hyperArb(rule),
      }).chain((c) => fc.tuple(fc.constant(c), fc.tuple(...c.shapes.map((sh) => hostTensor(sh, 2))),
        fc.tuple(...Array.from({ length: c.steps }, () => c.shapes.map((sh) => hostTensor(sh, 2))).flat())));
      await checkKernel(arb, ([, ps, gs]) => [...ps, ...gs].map(grid), ([c]) => (...xs) => trainMany(rule, c.hyper, xs.slice(0, c.shapes.length), xs.slice(c.shapes.length), c.steps),
        () => ({ atol: 1e-5, rtol: 1e-4 }), 8);
    });
  }
});

/** One step from p = [1, −2], g = [0.5, 0.25] and the given slots, computed by hand. */
interface HandCase<R extends Rule> { rule: R; hyper: K.OptimizerHyper[R]; slots: number[][]; want: (p: number, g: number, s: number[]) => number[] }
const hand = <R extends Rule>(c: HandCase<R>) => c as unknown as HandCase<Rule>;
const HAND: HandCase<Rule>[] = [
  hand({ rule: 'sgd', hyper: { lr: 0.1, momentum: 0.9, nesterov: false }, slots: [[0.2, -0.1]], want: (p, g, [v]) => [p + 0.9 * v! - 0.1 * g, 0.9 * v! - 0.1 * g] }),
  hand({
    rule: 'sgd', hyper: { lr: 0.1, momentum: 0.9, nesterov: true }, slots: [[0.2, -0.1]],
    want: (p, g, [v]) => { const v2 = 0.9 * v! - 0.1 * g; return [p + 0.9 * v2 - 0.1 * g, v2]; },
  }),
  hand({
    rule: 'rmsprop', hyper: { lr: 0.01, rho: 0.9, epsilon: 1e-8 }, slots: [[0.1, 0.3]],
    want: (p, g, [a]) => { const a2 = 0.9 * a! + 0.1 * g * g; return [p - (0.01 * g) / (Math.sqrt(a2) + 1e-8), a2]; },
  }),
  hand({ rule: 'adagrad', hyper: { lr: 0.01, epsilon: 1e-8 }, slots: [[0.1, 0]], want: (p, g, [a]) => [p - (0.01 * g) / (Math.sqrt(a! + g * g) + 1e-8), a! + g * g] }),
  hand({
    rule: 'adadelta', hyper: { lr: 1, rho: 0.95, epsilon: 1e-6 }, slots: [[0.1, 0.2], [0.04, 0]],
    want: (p, g, [a, d]) => {
      const a2 = 0.95 * a! + 0.05 * g * g;
      const step = (g * Math.sqrt(d! + 1e-6)) / Math.sqrt(a2 + 1e-6);
      return [p - step, a2, 0.95 * d! + 0.05 * step * step];
    },
  }),
  hand({
    rule: 'adam', hyper: { lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, t: 1 }, slots: [[0, 0], [0, 0]],
    want: (p, g) => { const lrT = (0.001 * Math.sqrt(1 - 0.999)) / (1 - 0.9); return [p - (lrT * 0.1 * g) / (Math.sqrt(0.001 * g * g) + 1e-8), 0.1 * g, 0.001 * g * g]; },
  }),
  hand({
    rule: 'adam', hyper: { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, t: 3 }, slots: [[0.1, -0.2], [0.01, 0.04]],
    want: (p, g, [m, v]) => {
      const m2 = 0.9 * m! + 0.1 * g, v2 = 0.999 * v! + 0.001 * g * g;
      const lrT = (0.01 * Math.sqrt(1 - 0.999 ** 3)) / (1 - 0.9 ** 3);
      return [p - (lrT * m2) / (Math.sqrt(v2) + 1e-8), m2, v2];
    },
  }),
  hand({
    // v̂ keeps its old value where it is larger (first element) and takes the new v elsewhere.
    rule: 'amsgrad', hyper: { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, t: 3 }, slots: [[0.1, -0.2], [0.01, 0.04], [0.05, 0.01]],
    want: (p, g, [m, v, vhat]) => {
      const m2 = 0.9 * m! + 0.1 * g, v2 = 0.999 * v! + 0.001 * g * g, vhat2 = Math.max(vhat!, v2);
      const lrT = (0.01 * Math.sqrt(1 - 0.999 ** 3)) / (1 - 0.9 ** 3);
      return [p - (lrT * m2) / (Math.sqrt(vhat2) + 1e-8), m2, v2, vhat2];
    },
  }),
  hand({
    rule: 'adamax', hyper: { lr: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, t: 1 }, slots: [[0, 0], [0.1, 0.3]],
    want: (p, g, [, u]) => { const u2 = Math.max(0.999 * u!, Math.abs(g)); return [p - (0.02 * 0.1 * g) / (u2 + 1e-8), 0.1 * g, u2]; },
  }),
  hand({
    rule: 'nadam', hyper: { lr: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, t: 1, scheduleDecay: 0.004, mSchedule: 1 }, slots: [[0, 0], [0, 0]],
    want: (p, g) => {
      const mc1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004), mc2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008);
      const mBar = g + (mc2 * 0.1 * g) / (1 - mc1 * mc2); // (1−μ₁)·g/(1−μ₁) + μ₂·m/(1−μ₁μ₂), v̂ = g²
      return [p - (0.002 * mBar) / (Math.abs(g) + 1e-8), 0.1 * g, 0.001 * g * g];
    },
  }),
];

describe('fused optimizer updates: one hand-computed step', () => {
  const P = [1, -2], G = [0.5, 0.25];
  for (const backend of ['cpu', 'webgpu'] as const) {
    for (const c of HAND) {
      it(`${c.rule} ${JSON.stringify(c.hyper)} on ${backend}`, async () => {
        if (backend === 'webgpu') await gpuBackend(); else await K.setBackend('cpu');
        const dtype = backend === 'cpu' ? 'float64' : 'float32';
        const param = K.variable(K.tensor(P, [2], dtype));
        const slots = c.slots.map((s) => K.variable(K.tensor(s, [2], dtype)));
        const g = K.tensor(G, [2], dtype);
        K.applyOptimizerUpdate(c.rule, c.hyper, param, g, slots);
        const got = await Promise.all([param, ...slots].map(async (v) => Array.from(await v.data())));
        const want = P.map((p, i) => c.want(p, G[i]!, c.slots.map((s) => s[i]!)));
        got.forEach((vals, k) => vals.forEach((v, i) => expect(v).toBeCloseTo(want[i]![k]!, dtype === 'float64' ? 12 : 5)));
        K.dispose([param, ...slots, g]);
      });
    }
  }
});

describe('applyOptimizerUpdate with gradients and shared storage', () => {
  it('trains a variable from K.grads the same on both backends', async () => {
    // loss = Σ (w·x − y)², three Adam steps then three RMSprop steps.
    const arb = fc.tuple(edgeSize(33), edgeSize(17)).chain(([r, c]) => fc.tuple(hostTensor([r, c], 1), hostTensor([r, c], 2), hostTensor([r, c], 2)));
    await checkKernel(arb, (hs) => hs.map(grid), () => (w0, x, y) => {
      const w = K.variable(w0!);
      const adam = [K.variable(K.zerosLike(w0!)), K.variable(K.zerosLike(w0!))];
      const rms = [K.variable(K.zerosLike(w0!))];
      const loss = (v: K.Tensor) => K.sum(K.square(K.sub(K.mul(v, x!), y!)));
      for (let t = 1; t <= 6; t++) {
        K.tidy(() => {
          const [g] = K.grads(loss)([w]);
          if (t <= 3) K.applyOptimizerUpdate('adam', { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, t }, w, g!, adam);
          else K.applyOptimizerUpdate('rmsprop', { lr: 0.01, rho: 0.9, epsilon: 1e-7 }, w, g!, rms);
        });
      }
      return [w, ...adam, ...rms];
    }, () => ({ atol: 1e-5, rtol: 1e-4 }));
  });

  for (const backend of ['cpu', 'webgpu'] as const) {
    it(`never writes through storage shared with the initial tensor or a reshape view (${backend})`, async () => {
      if (backend === 'webgpu') await gpuBackend(); else await K.setBackend('cpu');
      const init = K.tensor([1, 2, 3, 4], [2, 2]);
      const zeros = K.zeros([2, 2]);
      const w = K.variable(init);
      const slot = K.variable(zeros);
      const view = K.reshape(w, [4]);
      const g = K.reshape(w, [2, 2]); // aliases w's storage too
      K.applyOptimizerUpdate('sgd', { lr: 0.5, momentum: 0, nesterov: false }, w, g, [slot]);
      expect(Array.from(await w.data())).toEqual([0.5, 1, 1.5, 2]);
      expect(Array.from(await slot.data())).toEqual([-0.5, -1, -1.5, -2]);
      for (const t of [init, view, g]) expect(Array.from(await t.data())).toEqual([1, 2, 3, 4]);
      expect(Array.from(await zeros.data())).toEqual([0, 0, 0, 0]);
      // Now w owns its storage: the second step is in place (no new tensor bytes).
      const before = K.memory().numBytes;
      K.applyOptimizerUpdate('sgd', { lr: 0.5, momentum: 0, nesterov: false }, w, g, [slot]);
      expect(K.memory().numBytes).toBe(before);
      expect(Array.from(await w.data())).toEqual([0, 0, 0, 0]);
      K.dispose([init, zeros, w, slot, view, g]);
    });
  }

  it('names the rule and shapes in its errors', async () => {
    await K.setBackend('cpu');
    const w = K.variable(K.zeros([2, 3]));
    const s = K.variable(K.zeros([2, 3]));
    const hyper = { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, t: 1 };
    expect(() => K.applyOptimizerUpdate('adam', hyper, w, K.zeros([2, 3]), [s])).toThrow(/adam.*2 slot variable\(s\) \(m, v\), got 1/);
    expect(() => K.applyOptimizerUpdate('adam', hyper, w, K.zeros([3, 2]), [s, K.variable(K.zeros([2, 3]))])).toThrow(K.ShapeError);
    expect(() => K.applyOptimizerUpdate('adam', hyper, w, K.zeros([2, 3]), [s, s])).toThrow(/distinct/);
    expect(() => K.applyOptimizerUpdate('adam', hyper, w, K.zeros([2, 3]), [s, K.zeros([2, 3]) as K.Variable])).toThrow(/Variables/);
    expect(() => K.applyOptimizerUpdate('adagrad', { lr: 0.1, epsilon: 1e-7 }, w, K.zeros([2, 3], 'int32'), [s])).toThrow(K.DTypeError);
  });
});
