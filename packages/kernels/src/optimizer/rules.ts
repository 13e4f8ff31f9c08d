import { GENERATED_CPU_STEPS } from './cpu-steps.generated.js';
import { compileUpdate, type UpdateProgram } from './statements.js';

/**
 * One definition of a fused optimizer update (Keras 1/2 formulas), from which the CPU reference
 * and the WGSL kernel are both generated:
 *  - `slots`: the state arrays updated in place beside the parameter, in the order they are
 *    passed (Keras's weight order);
 *  - `scalars`: the per-step scalars, derived from the Keras hyperparameters (the parameter's
 *    type is the rule's `OptimizerHyper`) on the host in float64, e.g. Adam's bias-corrected
 *    learning rate, so the kernels do no per-element pow;
 *  - `update`: the per-element statements (statements.ts) updating `p` and the slots from `g`
 *    and those scalars.
 */
interface RuleDef<H> {
  slots: readonly string[];
  scalars: (h: H) => Record<string, number>;
  update: readonly string[];
}

/** Nadam's momentum cache μ_t = β₁(1 − ½·0.96^(t·decay)). */
export function nadamMomentumCache(t: number, beta1: number, scheduleDecay: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** (t * scheduleDecay));
}

/** Adam's moments, shared by its variants. */
const ADAM_MOMENTS = ['m = beta1 * m + (1 - beta1) * g', 'v = beta2 * v + (1 - beta2) * g * g'];
const adamScalars = (h: { lr: number; beta1: number; beta2: number; epsilon: number; t: number }) => ({
  lrT: (h.lr * Math.sqrt(1 - h.beta2 ** h.t)) / (1 - h.beta1 ** h.t), beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon,
});

/**
 * The rules. `lr` is already decayed by the caller; `t` = iterations + 1 where the rule needs
 * it. Adding an optimizer is one entry here (and regenerating cpu-steps.generated.ts, which
 * optimizer-cpu-steps.test.ts asks for).
 */
export const OPTIMIZER_RULES = {
  /** Plain gradient descent (SGD without momentum: no slot, so nothing to save), p − g·lr as Keras. */
  gd: {
    slots: [],
    scalars: (h: { lr: number }) => ({ lr: h.lr }),
    update: ['p = p - g * lr'],
  },
  /** Momentum SGD, Keras 1's Nesterov variant on `nesterov`. */
  sgd: {
    slots: ['v'],
    scalars: (h: { lr: number; momentum: number; nesterov: boolean }) => ({ lr: h.lr, momentum: h.momentum, nesterov: h.nesterov ? 1 : 0 }),
    update: [
      'v = momentum * v - lr * g',
      'p = select(p + v, p + momentum * v - lr * g, nesterov != 0)',
    ],
  },
  rmsprop: {
    slots: ['a'],
    scalars: (h: { lr: number; rho: number; epsilon: number }) => ({ lr: h.lr, rho: h.rho, epsilon: h.epsilon }),
    update: [
      'a = rho * a + (1 - rho) * g * g',
      'p = p - lr * g / (sqrt(a) + epsilon)',
    ],
  },
  adagrad: {
    slots: ['a'],
    scalars: (h: { lr: number; epsilon: number }) => ({ lr: h.lr, epsilon: h.epsilon }),
    update: [
      'a = a + g * g',
      'p = p - lr * g / (sqrt(a) + epsilon)',
    ],
  },
  adadelta: {
    slots: ['a', 'd'],
    scalars: (h: { lr: number; rho: number; epsilon: number }) => ({ lr: h.lr, rho: h.rho, epsilon: h.epsilon }),
    update: [
      'a = rho * a + (1 - rho) * g * g',
      'let update = g * sqrt(d + epsilon) / sqrt(a + epsilon)',
      'p = p - lr * update',
      'd = rho * d + (1 - rho) * update * update',
    ],
  },
  /** lrT = lr·√(1−β₂ᵗ)/(1−β₁ᵗ). */
  adam: {
    slots: ['m', 'v'],
    scalars: adamScalars,
    update: [...ADAM_MOMENTS, 'p = p - lrT * m / (sqrt(v) + epsilon)'],
  },
  /**
   * Keras ≥ 2.1.3's Adam(amsgrad=True) (Reddi et al.): the step divides by the largest v so far,
   * v̂ = max(v̂, v), kept in a third slot.
   */
  amsgrad: {
    slots: ['m', 'v', 'vhat'],
    scalars: adamScalars,
    update: [...ADAM_MOMENTS, 'vhat = max(vhat, v)', 'p = p - lrT * m / (sqrt(vhat) + epsilon)'],
  },
  /** Adam with the infinity norm u; lrT = lr/(1−β₁ᵗ). */
  adamax: {
    slots: ['m', 'u'],
    scalars: (h: { lr: number; beta1: number; beta2: number; epsilon: number; t: number }) => ({
      lrT: h.lr / (1 - h.beta1 ** h.t), beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon,
    }),
    update: [
      'm = beta1 * m + (1 - beta1) * g',
      'u = max(beta2 * u, abs(g))',
      'p = p - lrT * m / (u + epsilon)',
    ],
  },
  /**
   * Keras's Nadam. `mSchedule` is the product of the momentum caches of steps 1..t−1 (1 at the
   * first step); the caller keeps it, multiplying by `nadamMomentumCache(t, ...)` after each step.
   * The update is m̄ = (1−μ_t)·g/(1−μ_t·mSchedule) + μ_{t+1}·m/(1−μ_t·μ_{t+1}·mSchedule) and
   * p −= lr·m̄/(√(v/(1−β₂ᵗ)) + ε), the divisions as host-side reciprocals.
   */
  nadam: {
    slots: ['m', 'v'],
    scalars: (h: { lr: number; beta1: number; beta2: number; epsilon: number; t: number; scheduleDecay: number; mSchedule: number }) => {
      const mcT = nadamMomentumCache(h.t, h.beta1, h.scheduleDecay);
      const mcNext = nadamMomentumCache(h.t + 1, h.beta1, h.scheduleDecay);
      const scheduleNew = h.mSchedule * mcT;
      return {
        lr: h.lr, beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon, mcT, mcNext,
        gScale: 1 / (1 - scheduleNew), mScale: 1 / (1 - scheduleNew * mcNext), vScale: 1 / (1 - h.beta2 ** h.t),
      };
    },
    update: [
      'm = beta1 * m + (1 - beta1) * g',
      'v = beta2 * v + (1 - beta2) * g * g',
      'let mBar = (1 - mcT) * g * gScale + mcNext * m * mScale',
      'p = p - lr * mBar / (sqrt(v * vScale) + epsilon)',
    ],
  },
} satisfies Record<string, RuleDef<never>>;

export type OptimizerRuleName = keyof typeof OPTIMIZER_RULES;
/** The Keras hyperparameters of one step of each rule. */
export type OptimizerHyper = { [R in OptimizerRuleName]: Parameters<(typeof OPTIMIZER_RULES)[R]['scalars']>[0] };

const rules = Object.entries(OPTIMIZER_RULES) as [OptimizerRuleName, RuleDef<never>][];

/** Slot arrays per rule, in the order they are passed (Keras's weight order). */
export const OPTIMIZER_SLOTS = Object.fromEntries(rules.map(([name, r]) => [name, r.slots])) as { [R in OptimizerRuleName]: readonly string[] };

/**
 * Each rule compiled for both backends, once (a malformed rule fails on import). The CPU step is
 * the rule's loop in cpu-steps.generated.ts (generated from this table, as fast as a hand-written
 * loop, and no run-time code generation, which a strict Content-Security-Policy forbids) while
 * that was generated from the rule as it stands; a rule changed since runs on the interpreter.
 */
const PROGRAMS = Object.fromEntries(rules.map(([name, r]) => {
  const program = compileUpdate(name, r.slots, r.update);
  const generated = GENERATED_CPU_STEPS[name];
  if (generated === undefined || !sameList(generated.slots, r.slots) || !sameList(generated.update, r.update)) return [name, program];
  const cpu: UpdateProgram['cpu'] = (p, g, slots, values) =>
    generated.step(Object.fromEntries(program.scalars.map((s, k) => [s, values[k]!])), p, g, ...slots);
  return [name, { ...program, cpu }];
})) as Record<OptimizerRuleName, UpdateProgram>;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/** The compiled update of `rule` and its scalars for one step, in the order the program reads them. */
export function optimizerStep<R extends OptimizerRuleName>(rule: R, hyper: OptimizerHyper[R]): { program: UpdateProgram; scalars: number[] } {
  const program = PROGRAMS[rule];
  const values = (OPTIMIZER_RULES[rule] as RuleDef<OptimizerHyper[R]>).scalars(hyper);
  const scalars = program.scalars.map((name) => values[name] ?? fail(rule, name));
  return { program, scalars };
}

function fail(rule: string, name: string): never {
  throw new Error(`optimizer rule ${rule}: its update reads '${name}', which is neither p, g, a slot, a temporary nor one of its scalars`);
}
