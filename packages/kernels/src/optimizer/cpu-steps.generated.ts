// Generated from OPTIMIZER_RULES (rules.ts) by packages/kernels/test/optimizer-cpu-steps.test.ts: do not
// edit. After changing a rule, `npx vitest run --project kernels optimizer-cpu-steps -u` rewrites it
// (until then the changed rule runs on the slower statement interpreter, cpu-step.ts).
import type { DataArray } from '../types.js';

const { sqrt, abs, max } = Math;
const select = (f: number, t: number, cond: boolean): number => (cond ? t : f);

/** Each rule's CPU step as a loop, with the slots and update it was generated from (rules.ts uses it while they match). */
export const GENERATED_CPU_STEPS: Record<string, {
  slots: readonly string[];
  update: readonly string[];
  step(u: Record<string, number>, p: DataArray, g: DataArray, ...slots: DataArray[]): void;
}> = {
  gd: {
    slots: [],
    update: ['p = p - g * lr'],
    step: (u: { lr: number }, p: DataArray, g: DataArray) => {
      for (let i = 0; i < p.length; i++) {
        p[i] = p[i]! - g[i]! * u.lr;
      }
    },
  },
  sgd: {
    slots: ['v'],
    update: ['v = momentum * v - lr * g', 'p = select(p + v, p + momentum * v - lr * g, nesterov != 0)'],
    step: (u: { momentum: number; lr: number; nesterov: number }, p: DataArray, g: DataArray, v: DataArray) => {
      for (let i = 0; i < p.length; i++) {
        v[i] = u.momentum * v[i]! - u.lr * g[i]!;
        p[i] = select(p[i]! + v[i]!, p[i]! + u.momentum * v[i]! - u.lr * g[i]!, u.nesterov != 0.0);
      }
    },
  },
  rmsprop: {
    slots: ['a'],
    update: ['a = rho * a + (1 - rho) * g * g', 'p = p - lr * g / (sqrt(a) + epsilon)'],
    step: (u: { rho: number; lr: number; epsilon: number }, p: DataArray, g: DataArray, a: DataArray) => {
      for (let i = 0; i < p.length; i++) {
        a[i] = u.rho * a[i]! + (1.0 - u.rho) * g[i]! * g[i]!;
        p[i] = p[i]! - u.lr * g[i]! / (sqrt(a[i]!) + u.epsilon);
      }
    },
  },
  adagrad: {
    slots: ['a'],
    update: ['a = a + g * g', 'p = p - lr * g / (sqrt(a) + epsilon)'],
    step: (u: { lr: number; epsilon: number }, p: DataArray, g: DataArray, a: DataArray) => {
      for (let i = 0; i < p.length; i++) {
        a[i] = a[i]! + g[i]! * g[i]!;
        p[i] = p[i]! - u.lr * g[i]! / (sqrt(a[i]!) + u.epsilon);
      }
    },
  },
  adadelta: {
    slots: ['a', 'd'],
    update: ['a = rho * a + (1 - rho) * g * g', 'let update = g * sqrt(d + epsilon) / sqrt(a + epsilon)', 'p = p - lr * update', 'd = rho * d + (1 - rho) * update * update'],
    step: (u: { rho: number; epsilon: number; lr: number }, p: DataArray, g: DataArray, a: DataArray, d: DataArray) => {
      for (let i = 0; i < p.length; i++) {
        a[i] = u.rho * a[i]! + (1.0 - u.rho) * g[i]! * g[i]!;
        let update = g[i]! * sqrt(d[i]! + u.epsilon) / sqrt(a[i]! + u.epsilon);
        p[i] = p[i]! - u.lr * update;
        d[i] = u.rho * d[i]! + (1.0 - u.rho) * update * update;
      }
    },
  },
  adam: {
    slots: ['m', 'v'],
    update: ['m = beta1 * m + (1 - beta1) * g', 'v = beta2 * v + (1 - beta2) * g * g', 'p = p - lrT * m / (sqrt(v) + epsilon)'],
    step: (u: { beta1: number; beta2: number; lrT: number; epsilon: number }, p: DataArray, g: DataArray, m: DataArray, v: DataArray) => {
      for (let i = 0; i < p.length; i++) {
        m[i] = u.beta1 * m[i]! + (1.0 - u.beta1) * g[i]!;
        v[i] = u.beta2 * v[i]! + (1.0 - u.beta2) * g[i]! * g[i]!;
        p[i] = p[i]! - u.lrT * m[i]! / (sqrt(v[i]!) + u.epsilon);
      }
    },
  },
  amsgrad: {
    slots: ['m', 'v', 'vhat'],
    update: ['m = beta1 * m + (1 - beta1) * g', 'v = beta2 * v + (1 - beta2) * g * g', 'vhat = max(vhat, v)', 'p = p - lrT * m / (sqrt(vhat) + epsilon)'],
    step: (u: { beta1: number; beta2: number; lrT: number; epsilon: number }, p: DataArray, g: DataArray, m: DataArray, v: DataArray, vhat: DataArray) => {
      for (let i = 0; i < p.length; i++) {
        m[i] = u.beta1 * m[i]! + (1.0 - u.beta1) * g[i]!;
        v[i] = u.beta2 * v[i]! + (1.0 - u.beta2) * g[i]! * g[i]!;
        vhat[i] = max(vhat[i]!, v[i]!);
        p[i] = p[i]! - u.lrT * m[i]! / (sqrt(vhat[i]!) + u.epsilon);
      }
    },
  },
  adamax: {
    slots: ['m', 'u'],
    update: ['m = beta1 * m + (1 - beta1) * g', 'u = max(beta2 * u, abs(g))', 'p = p - lrT * m / (u + epsilon)'],
    step: (u: { beta1: number; beta2: number; lrT: number; epsilon: number }, p: DataArray, g: DataArray, m: DataArray, u_: DataArray) => {
      for (let i = 0; i < p.length; i++) {
        m[i] = u.beta1 * m[i]! + (1.0 - u.beta1) * g[i]!;
        u_[i] = max(u.beta2 * u_[i]!, abs(g[i]!));
        p[i] = p[i]! - u.lrT * m[i]! / (u_[i]! + u.epsilon);
      }
    },
  },
  nadam: {
    slots: ['m', 'v'],
    update: ['m = beta1 * m + (1 - beta1) * g', 'v = beta2 * v + (1 - beta2) * g * g', 'let mBar = (1 - mcT) * g * gScale + mcNext * m * mScale', 'p = p - lr * mBar / (sqrt(v * vScale) + epsilon)'],
    step: (u: { beta1: number; beta2: number; mcT: number; gScale: number; mcNext: number; mScale: number; lr: number; vScale: number; epsilon: number }, p: DataArray, g: DataArray, m: DataArray, v: DataArray) => {
      for (let i = 0; i < p.length; i++) {
        m[i] = u.beta1 * m[i]! + (1.0 - u.beta1) * g[i]!;
        v[i] = u.beta2 * v[i]! + (1.0 - u.beta2) * g[i]! * g[i]!;
        let mBar = (1.0 - u.mcT) * g[i]! * u.gScale + u.mcNext * m[i]! * u.mScale;
        p[i] = p[i]! - u.lr * mBar / (sqrt(v[i]! * u.vScale) + u.epsilon);
      }
    },
  },
};
