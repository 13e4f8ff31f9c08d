import { nadamMomentumCache } from '@kerasgpu/core';
import { callable } from '../utils/callable.js';
import { hyper, Optimizer, type OptimizerUpdate } from './optimizer.js';
import { bool } from '../utils/option-readers.js';
import type { Options } from '../utils/options.js';

export interface AdamOptions { lr?: number; beta1?: number; beta2?: number; epsilon?: number; decay?: number; clipnorm?: number; clipvalue?: number; [keras: string]: unknown }

abstract class AdamFamily extends Optimizer {
  beta1: number;
  beta2: number;
  epsilon: number;
  constructor(owner: string, options: object, lr: number, own: string[] = []) {
    const o = Optimizer.parse(owner, options, ['beta1', 'beta2', ...own]);
    super(owner, o, { lr });
    this.beta1 = hyper(owner, o, 'beta1', 0.9);
    this.beta2 = hyper(owner, o, 'beta2', 0.999);
    this.epsilon = hyper(owner, o, 'epsilon', 1e-8);
    this.own = o;
  }
  protected readonly own: Options;
  /** t = iterations + 1, as Keras. */
  protected get t(): number { return this.iterations + 1; }
  protected ownConfig(): Record<string, unknown> { return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon }; }
}

/**
 * m = β₁m + (1−β₁)g;  v = β₂v + (1−β₂)g²;  w −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε). With `amsgrad`
 * (Keras ≥ 2.1.3), the step divides by v̂ = max(v̂, v) instead, a third slot.
 */
class AdamImpl extends AdamFamily {
  readonly amsgrad: boolean;
  constructor(options: AdamOptions & { amsgrad?: boolean } = {}) {
    super('Adam', options, 0.001, ['amsgrad']);
    this.amsgrad = bool('Adam', this.own, 'amsgrad', false);
  }
  protected rule(lr: number): OptimizerUpdate {
    return { rule: this.amsgrad ? 'amsgrad' : 'adam', hyper: { lr, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, t: this.t } };
  }
  protected override ownConfig() { return { ...super.ownConfig(), amsgrad: this.amsgrad }; }
}

/** Adam with the infinity norm: u = max(β₂u, |g|);  w −= lr/(1−β₁ᵗ) · m/(u + ε). */
class AdamaxImpl extends AdamFamily {
  constructor(options: AdamOptions = {}) { super('Adamax', options, 0.002); }
  protected rule(lr: number): OptimizerUpdate {
    return { rule: 'adamax', hyper: { lr, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, t: this.t } };
  }
}

/** Adam with Nesterov momentum and Keras's momentum schedule (scheduleDecay 0.004). */
class NadamImpl extends AdamFamily {
  scheduleDecay: number;
  /** Product of the momentum caches of steps 1..iterations (Keras's m_schedule). */
  private mSchedule = 1;
  /** The product before the current step, which the fused rule takes. */
  private mSchedulePrev = 1;
  constructor(options: AdamOptions & { scheduleDecay?: number } = {}) {
    super('Nadam', options, 0.002, ['scheduleDecay']);
    this.scheduleDecay = hyper('Nadam', this.own, 'scheduleDecay', 0.004);
  }
  /** Keras does not save m_schedule; it is the product of the per-step factors up to `iterations`. */
  protected override restored(): void {
    this.mSchedule = 1;
    for (let t = 1; t <= this.iterations; t++) this.mSchedule *= nadamMomentumCache(t, this.beta1, this.scheduleDecay);
  }
  protected override prepare(): void {
    this.mSchedulePrev = this.mSchedule;
    this.mSchedule *= nadamMomentumCache(this.t, this.beta1, this.scheduleDecay);
  }
  protected rule(lr: number): OptimizerUpdate {
    return { rule: 'nadam', hyper: { lr, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, t: this.t, scheduleDecay: this.scheduleDecay, mSchedule: this.mSchedulePrev } };
  }
  protected override ownConfig() { return { ...super.ownConfig(), schedule_decay: this.scheduleDecay }; }
}

export const Adam = callable(AdamImpl);
export type Adam = AdamImpl;
export const Adamax = callable(AdamaxImpl);
export type Adamax = AdamaxImpl;
export const Nadam = callable(NadamImpl);
export type Nadam = NadamImpl;
