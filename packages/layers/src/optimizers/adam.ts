import { abs, add, div, maximum, mul, sqrt, square, sub, type Tensor, type Variable } from '@kerasgpu/core';
import { callable } from '../utils/callable.js';
import { Optimizer } from './optimizer.js';

export interface AdamOptions { lr?: number; beta1?: number; beta2?: number; epsilon?: number; decay?: number; clipnorm?: number; clipvalue?: number; [keras: string]: unknown }

abstract class AdamFamily extends Optimizer {
  beta1: number;
  beta2: number;
  epsilon: number;
  constructor(owner: string, options: object, lr: number, own: string[] = []) {
    const o = Optimizer.parse(owner, options, ['beta1', 'beta2', ...own]);
    super(o, { lr });
    this.beta1 = (o.beta1 as number | undefined) ?? 0.9;
    this.beta2 = (o.beta2 as number | undefined) ?? 0.999;
    this.epsilon = (o.epsilon as number | undefined) ?? 1e-8;
    this.own = o;
  }
  protected readonly own: Record<string, unknown>;
  /** t = iterations + 1, as Keras. */
  protected get t(): number { return this.iterations + 1; }
  protected ownConfig(): Record<string, unknown> { return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon }; }
}

/** m = β₁m + (1−β₁)g;  v = β₂v + (1−β₂)g²;  w −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε). */
class AdamImpl extends AdamFamily {
  constructor(options: AdamOptions = {}) { super('Adam', options, 0.001); }
  protected update(w: Variable, g: Tensor, lr: number): Tensor {
    const [m, v] = this.slotsFor(w, 2) as [Variable, Variable];
    const lrT = (lr * Math.sqrt(1 - this.beta2 ** this.t)) / (1 - this.beta1 ** this.t);
    const mNew = add(mul(m, this.beta1), mul(g, 1 - this.beta1));
    const vNew = add(mul(v, this.beta2), mul(square(g), 1 - this.beta2));
    m.assign(mNew);
    v.assign(vNew);
    return sub(w, div(mul(mNew, lrT), add(sqrt(vNew), this.epsilon)));
  }
}

/** Adam with the infinity norm: u = max(β₂u, |g|);  w −= lr/(1−β₁ᵗ) · m/(u + ε). */
class AdamaxImpl extends AdamFamily {
  constructor(options: AdamOptions = {}) { super('Adamax', options, 0.002); }
  protected update(w: Variable, g: Tensor, lr: number): Tensor {
    const [m, u] = this.slotsFor(w, 2) as [Variable, Variable];
    const mNew = add(mul(m, this.beta1), mul(g, 1 - this.beta1));
    const uNew = maximum(mul(u, this.beta2), abs(g));
    m.assign(mNew);
    u.assign(uNew);
    return sub(w, div(mul(mNew, lr / (1 - this.beta1 ** this.t)), add(uNew, this.epsilon)));
  }
}

/** Adam with Nesterov momentum and Keras's momentum schedule (scheduleDecay 0.004). */
class NadamImpl extends AdamFamily {
  scheduleDecay: number;
  private mSchedule = 1;
  private step = { mcT: 0, mcNext: 0, schedNew: 1, schedNext: 1 };
  constructor(options: AdamOptions & { scheduleDecay?: number } = {}) {
    super('Nadam', options, 0.002, ['scheduleDecay']);
    this.scheduleDecay = (this.own.scheduleDecay as number | undefined) ?? 0.004;
  }
  /** Keras does not save m_schedule; it is the product of the per-step factors up to `iterations`. */
  protected override restored(): void {
    this.mSchedule = 1;
    for (let t = 1; t <= this.iterations; t++) this.mSchedule *= this.beta1 * (1 - 0.5 * 0.96 ** (t * this.scheduleDecay));
  }
  protected override prepare(): void {
    const t = this.t;
    const mcT = this.beta1 * (1 - 0.5 * 0.96 ** (t * this.scheduleDecay));
    const mcNext = this.beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * this.scheduleDecay));
    const schedNew = this.mSchedule * mcT;
    this.step = { mcT, mcNext, schedNew, schedNext: schedNew * mcNext };
    this.mSchedule = schedNew;
  }
  protected update(w: Variable, g: Tensor, lr: number): Tensor {
    const [m, v] = this.slotsFor(w, 2) as [Variable, Variable];
    const { mcT, mcNext, schedNew, schedNext } = this.step;
    const gPrime = div(g, 1 - schedNew);
    const mNew = add(mul(m, this.beta1), mul(g, 1 - this.beta1));
    const mPrime = div(mNew, 1 - schedNext);
    const vNew = add(mul(v, this.beta2), mul(square(g), 1 - this.beta2));
    const vPrime = div(vNew, 1 - this.beta2 ** this.t);
    const mBar = add(mul(gPrime, 1 - mcT), mul(mPrime, mcNext));
    m.assign(mNew);
    v.assign(vNew);
    return sub(w, div(mul(mBar, lr), add(sqrt(vPrime), this.epsilon)));
  }
  protected override ownConfig() { return { ...super.ownConfig(), schedule_decay: this.scheduleDecay }; }
}

export const Adam = callable(AdamImpl);
export type Adam = AdamImpl;
export const Adamax = callable(AdamaxImpl);
export type Adamax = AdamaxImpl;
export const Nadam = callable(NadamImpl);
export type Nadam = NadamImpl;
