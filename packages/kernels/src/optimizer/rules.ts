/**
 * The fused optimizer updates (Keras 1/2 formulas), each updating one parameter and its slot
 * arrays in place, element by element. `OptimizerHyper` holds the Keras hyperparameters of one
 * step (`lr` already decayed by the caller; `t` = iterations + 1 where the rule needs it).
 */
export interface OptimizerHyper {
  /** v = momentum·v − lr·g;  p += v, or with Nesterov p += momentum·v − lr·g. */
  sgd: { lr: number; momentum: number; nesterov: boolean };
  /** a = ρa + (1−ρ)g²;  p −= lr·g / (√a + ε). */
  rmsprop: { lr: number; rho: number; epsilon: number };
  /** a += g²;  p −= lr·g / (√a + ε). */
  adagrad: { lr: number; epsilon: number };
  /** a = ρa + (1−ρ)g²;  Δ = g·√(d + ε)/√(a + ε);  p −= lr·Δ;  d = ρd + (1−ρ)Δ². */
  adadelta: { lr: number; rho: number; epsilon: number };
  /** m = β₁m + (1−β₁)g;  v = β₂v + (1−β₂)g²;  p −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε). */
  adam: { lr: number; beta1: number; beta2: number; epsilon: number; t: number };
  /** m = β₁m + (1−β₁)g;  u = max(β₂u, |g|);  p −= lr/(1−β₁ᵗ) · m/(u + ε). */
  adamax: { lr: number; beta1: number; beta2: number; epsilon: number; t: number };
  /**
   * Keras's Nadam. `mSchedule` is the product of the momentum caches of steps 1..t−1 (1 at the
   * first step); the caller keeps it, multiplying by `nadamMomentumCache(t, ...)` after each step.
   */
  nadam: { lr: number; beta1: number; beta2: number; epsilon: number; t: number; scheduleDecay: number; mSchedule: number };
}
export type OptimizerRuleName = keyof OptimizerHyper;

/** Slot arrays per rule, in the order they are passed (Keras's weight order). */
export const OPTIMIZER_SLOTS: { [R in OptimizerRuleName]: readonly string[] } = {
  sgd: ['v'],
  rmsprop: ['a'],
  adagrad: ['a'],
  adadelta: ['a', 'd'],
  adam: ['m', 'v'],
  adamax: ['m', 'u'],
  nadam: ['m', 'v'],
};

/** Nadam's momentum cache μ_t = β₁(1 − ½·0.96^(t·decay)). */
export function nadamMomentumCache(t: number, beta1: number, scheduleDecay: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** (t * scheduleDecay));
}
