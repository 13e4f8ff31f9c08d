import { add, applyOptimizerUpdates, clip, div, maximum, mul, OPTIMIZER_SLOTS, reshape, sqrt, square, sum, tidy, variable, zerosLike, type OptimizerHyper, type OptimizerRuleName, type Tensor, type Variable } from '@kerasgpu/core';
import { ValueError } from '../utils/errors.js';
import { guardKerasNames, installKerasNames, KERAS_METHOD_NAMES, type KerasSpelled } from '../utils/keras-names.js';
import { parseOptions, type Options } from '../utils/options.js';
import { num, type Range } from '../utils/option-readers.js';

/** One step's fused update of every variable: a rule of the kernels' table and its hyper-parameters. */
export type OptimizerUpdate = { [R in OptimizerRuleName]: { rule: R; hyper: OptimizerHyper[R] } }[OptimizerRuleName];

/** Valid values of the numeric hyper-parameters: ≥ 0, or in [0, 1) for decay rates of moving averages. */
const NON_NEGATIVE: Range = { min: 0 };
const UNIT: Range = { min: 0, below: 1 };
const HYPER_RANGES = {
  lr: NON_NEGATIVE, decay: NON_NEGATIVE, clipnorm: NON_NEGATIVE, clipvalue: NON_NEGATIVE, epsilon: NON_NEGATIVE,
  scheduleDecay: NON_NEGATIVE, momentum: UNIT, rho: UNIT, beta1: UNIT, beta2: UNIT,
} as const satisfies Record<string, Range>;
export type HyperName = keyof typeof HYPER_RANGES;

/** A numeric hyper-parameter, checked against its range (`lr: 'fast'` used to train to NaN). */
export const hyper = (owner: string, o: Options, key: HyperName, dflt: number): number => num(owner, o, key, { ...HYPER_RANGES[key], default: dflt });

/**
 * Keras optimizer base: learning rate with Keras 1 time decay (lr / (1 + decay · iterations)),
 * clipnorm (on the global norm of all gradients, as Keras 1) and clipvalue, and per-variable
 * slots. Subclasses name their fused in-place rule (`applyOptimizerUpdates`: every variable in as
 * few dispatches as the device's bindings allow) and its hyper-parameters for a step; everything
 * runs in the caller's tidy.
 */
export abstract class Optimizer {
  lr: number;
  decay: number;
  clipnorm: number;
  clipvalue: number;
  iterations = 0;
  private readonly slots = new Map<Variable, Variable[]>();

  constructor(owner: string, options: Options, defaults: { lr: number }) {
    this.lr = hyper(owner, options, 'lr', defaults.lr);
    this.decay = hyper(owner, options, 'decay', 0);
    this.clipnorm = hyper(owner, options, 'clipnorm', 0);
    this.clipvalue = hyper(owner, options, 'clipvalue', 0);
  }

  /** Options with the base's keys and `own`, through the alias table (learning_rate is lr). */
  protected static parse(owner: string, options: object | undefined, own: readonly string[]): Options {
    return parseOptions(owner, options, ['lr', 'decay', 'clipnorm', 'clipvalue', 'epsilon', ...own]);
  }

  /** The decayed learning rate for the current iteration. */
  get currentLr(): number {
    return this.decay > 0 ? this.lr / (1 + this.decay * this.iterations) : this.lr;
  }

  /** Zero-initialised state for `v` (moments, accumulators), created on first use. */
  protected slotsFor(v: Variable, count: number): Variable[] {
    let s = this.slots.get(v);
    if (!s) {
      s = Array.from({ length: count }, () => tidy(() => variable(zerosLike(v), false)));
      this.slots.set(v, s);
    }
    return s;
  }

  /** One update of every variable from its gradient; advances `iterations`. */
  applyGradients(vars: readonly Variable[], grads: readonly Tensor[]): void {
    if (vars.length !== grads.length) throw new ValueError(`${this.constructor.name}: ${vars.length} variables but ${grads.length} gradients`);
    let gs = [...grads];
    if (this.clipnorm > 0) {
      const norm = sqrt(gs.map((g) => sum(square(g))).reduce((a, b) => add(a, b)));
      // g · c / max(norm, c) equals Keras's switch(norm >= c, g·c/norm, g).
      const scale = div(this.clipnorm, maximum(norm, this.clipnorm));
      gs = gs.map((g) => mul(g, scale));
    }
    if (this.clipvalue > 0) gs = gs.map((g) => clip(g, -this.clipvalue, this.clipvalue));
    const u = this.nextUpdate();
    applyOptimizerUpdates(u.rule, u.hyper, vars.map((v, i) => ({ param: v, grad: gs[i]!, slots: this.slotsFor(v, OPTIMIZER_SLOTS[u.rule].length) })));
  }

  /**
   * This step's fused update (rule and hyper-parameters, the same for every variable); advances
   * `iterations`. A replayed training step calls it alone: the values that change per step
   * (decayed or scheduled learning rate, bias corrections) come from here every step.
   */
  nextUpdate(): OptimizerUpdate {
    this.prepare();
    const u = this.rule(this.currentLr);
    this.iterations++;
    return u;
  }

  /** Hyper-parameters a compiled step bakes in (a change means tracing it again). */
  get bakedConfig(): string {
    return `${this.clipnorm}/${this.clipvalue}`;
  }

  /** Per-step host state (Nadam's momentum schedule), before the variables update. */
  protected prepare(): void {}
  /** The fused update rule of one step at learning rate `lr` (after `prepare`). */
  protected abstract rule(lr: number): OptimizerUpdate;

  /** Keras 2 config: {class_name, config}. */
  getConfig(): { class_name: string; config: Record<string, unknown> } {
    return { class_name: this.className, config: { lr: this.lr, decay: this.decay, ...(this.clipnorm ? { clipnorm: this.clipnorm } : {}), ...(this.clipvalue ? { clipvalue: this.clipvalue } : {}), ...this.ownConfig() } };
  }
  protected abstract ownConfig(): Record<string, unknown>;
  get className(): string { return this.constructor.name.replace(/Impl$/, ''); }

  /** The optimizer's slot variables, in variable order (for saving optimizer state). */
  get weights(): Variable[] { return [...this.slots.values()].flat(); }

  /** What each variable's slots hold (OPTIMIZER_SLOTS of this optimizer's update rule, in order). */
  get slotNames(): readonly string[] { return OPTIMIZER_SLOTS[this.rule(this.currentLr).rule]; }

  /** Each of `vars`' slot variables (none for a variable not updated yet), for saving. */
  getSlots(vars: readonly Variable[]): Variable[][] {
    return vars.map((v) => this.slots.get(v) ?? []);
  }

  /** Restores saved state (loading a model): the iteration count and copies of each variable's slots. */
  setState(iterations: number, vars: readonly Variable[], slots: readonly (readonly Tensor[])[]): void {
    this.iterations = iterations;
    vars.forEach((v, i) => {
      const values = slots[i] ?? [];
      if (values.length > 0) this.slots.set(v, values.map((t) => tidy(() => variable(reshape(t, v.shape), false))));
    });
    this.restored();
  }

  /** Rebuilds host state that follows from `iterations` (Nadam's momentum schedule). */
  protected restored(): void {}
}
export interface Optimizer extends KerasSpelled<Optimizer, typeof KERAS_METHOD_NAMES.Optimizer> {}
installKerasNames(Optimizer.prototype, KERAS_METHOD_NAMES.Optimizer);
guardKerasNames(Optimizer);
