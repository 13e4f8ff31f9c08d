import type { DataArray } from '../types.js';
import { nadamMomentumCache, type OptimizerHyper, type OptimizerRuleName } from './rules.js';

/** Per-element reference step: reads p, g and the slots at i and writes them back in place. */
type CpuStep<R extends OptimizerRuleName> = (i: number, p: DataArray, g: DataArray, s: DataArray[], h: OptimizerHyper[R]) => void;

/** The Keras update formulas, written plainly (each rule is documented on `OptimizerHyper`). */
const STEPS: { [R in OptimizerRuleName]: CpuStep<R> } = {
  sgd: (i, p, g, [v], h) => {
    v![i] = h.momentum * v![i]! - h.lr * g[i]!;
    p[i] = h.nesterov ? p[i]! + h.momentum * v![i]! - h.lr * g[i]! : p[i]! + v![i]!;
  },
  rmsprop: (i, p, g, [a], h) => {
    a![i] = h.rho * a![i]! + (1 - h.rho) * g[i]! ** 2;
    p[i] = p[i]! - (h.lr * g[i]!) / (Math.sqrt(a![i]!) + h.epsilon);
  },
  adagrad: (i, p, g, [a], h) => {
    a![i] = a![i]! + g[i]! ** 2;
    p[i] = p[i]! - (h.lr * g[i]!) / (Math.sqrt(a![i]!) + h.epsilon);
  },
  adadelta: (i, p, g, [a, d], h) => {
    a![i] = h.rho * a![i]! + (1 - h.rho) * g[i]! ** 2;
    const update = (g[i]! * Math.sqrt(d![i]! + h.epsilon)) / Math.sqrt(a![i]! + h.epsilon);
    p[i] = p[i]! - h.lr * update;
    d![i] = h.rho * d![i]! + (1 - h.rho) * update ** 2;
  },
  adam: (i, p, g, [m, v], h) => {
    const lrT = (h.lr * Math.sqrt(1 - h.beta2 ** h.t)) / (1 - h.beta1 ** h.t);
    m![i] = h.beta1 * m![i]! + (1 - h.beta1) * g[i]!;
    v![i] = h.beta2 * v![i]! + (1 - h.beta2) * g[i]! ** 2;
    p[i] = p[i]! - (lrT * m![i]!) / (Math.sqrt(v![i]!) + h.epsilon);
  },
  adamax: (i, p, g, [m, u], h) => {
    const lrT = h.lr / (1 - h.beta1 ** h.t);
    m![i] = h.beta1 * m![i]! + (1 - h.beta1) * g[i]!;
    u![i] = Math.max(h.beta2 * u![i]!, Math.abs(g[i]!));
    p[i] = p[i]! - (lrT * m![i]!) / (u![i]! + h.epsilon);
  },
  nadam: (i, p, g, [m, v], h) => {
    const mcT = nadamMomentumCache(h.t, h.beta1, h.scheduleDecay);
    const mcNext = nadamMomentumCache(h.t + 1, h.beta1, h.scheduleDecay);
    const scheduleNew = h.mSchedule * mcT;
    const scheduleNext = scheduleNew * mcNext;
    const gPrime = g[i]! / (1 - scheduleNew);
    m![i] = h.beta1 * m![i]! + (1 - h.beta1) * g[i]!;
    const mPrime = m![i]! / (1 - scheduleNext);
    v![i] = h.beta2 * v![i]! + (1 - h.beta2) * g[i]! ** 2;
    const vPrime = v![i]! / (1 - h.beta2 ** h.t);
    const mBar = (1 - mcT) * gPrime + mcNext * mPrime;
    p[i] = p[i]! - (h.lr * mBar) / (Math.sqrt(vPrime) + h.epsilon);
  },
};

/** One optimizer step over every element, updating `param` and `slots` in place. */
export function optimizerUpdateCpu<R extends OptimizerRuleName>(rule: R, hyper: OptimizerHyper[R], param: DataArray, grad: DataArray, slots: DataArray[]): void {
  const step = STEPS[rule] as CpuStep<R>;
  for (let i = 0; i < param.length; i++) step(i, param, grad, slots, hyper);
}
