import { add, div, mean, mul, reshape, sqrt, square, sub, type Tensor, type Variable } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { constraintOption, type Constraint, type ConstraintId } from '../../constraints.js';
import { initializerConfig, type InitializerId } from '../../initializers.js';
import { regularizerOption, type Regularizer, type RegularizerId } from '../../regularizers.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { initName, type LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { bool, num } from '../../utils/option-readers.js';

export interface BatchNormalizationOptions extends LayerOptions {
  axis?: number | [number]; momentum?: number; epsilon?: number; center?: boolean; scale?: boolean; mode?: number;
  betaInitializer?: InitializerId; gammaInitializer?: InitializerId; movingMeanInitializer?: InitializerId; movingVarianceInitializer?: InitializerId;
  betaRegularizer?: RegularizerId; gammaRegularizer?: RegularizerId; betaConstraint?: ConstraintId; gammaConstraint?: ConstraintId;
}

interface Penalty { regularizer: Regularizer | null; constraint: Constraint | null }

/**
 * Keras 1.2 / Keras 2 batch normalisation. Weights in Keras order: gamma, beta, moving_mean,
 * moving_variance (Keras 1: running_mean, running_std, which holds a variance). Defaults ε = 1e-3,
 * momentum 0.99. Keras 1's `mode` (Keras 1.2.2 `normalization.py`, TensorFlow backend):
 * - 0 (Keras 2's only form), feature-wise: in training, normalise with the batch's mean and
 *   (biased) variance over every axis but `axis` and move the running statistics
 *   (m ← momentum·m + (1 − momentum)·batch); at inference use (x − mean)/√(var + ε).
 * - 1, sample-wise: each sample over its last axis, in training and at inference alike,
 *   (x − m)/(√(var + ε) + ε) — ε twice, as Keras 1 — then gamma·x + beta. The moving
 *   statistics exist (the weights are the same four) but are never used.
 * - 2, feature-wise as mode 0 but with the batch's statistics at inference too; the moving
 *   statistics are never moved.
 */
class BatchNormalizationImpl extends Layer {
  static override readonly OPTIONS = ['axis', 'momentum', 'epsilon', 'center', 'scale', 'mode', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer', 'betaRegularizer', 'gammaRegularizer', 'betaConstraint', 'gammaConstraint', 'betaInit', 'gammaInit'];
  static kerasName = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly mode: 0 | 1 | 2;
  private readonly o: Record<string, unknown>;
  /** gamma's and beta's regularizer and constraint, resolved (and checked) when the layer is made. */
  private readonly penalties: Record<'gamma' | 'beta', Penalty>;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  private paramShape: number[] = [];
  private reduceAxes: number[] = [];

  constructor(options: BatchNormalizationOptions = {}) {
    const o = Layer.parse('BatchNormalization', options, BatchNormalizationImpl.OPTIONS);
    super(o);
    const mode = o.mode ?? 0;
    if (mode !== 0 && mode !== 1 && mode !== 2) throw new ValueError(`BatchNormalization: mode must be 0 (feature-wise), 1 (sample-wise) or 2 (feature-wise, batch statistics at test time too), got ${JSON.stringify(o.mode)}`);
    this.mode = mode;
    // tf.keras writes the axis as a list ([2]); one axis is all this layer normalises over.
    const axis = Array.isArray(o.axis) && o.axis.length === 1 ? (o.axis[0] as unknown) : (o.axis ?? -1);
    if (!Number.isInteger(axis)) throw new ValueError(`BatchNormalization: axis must be one integer (or a list of one), got ${JSON.stringify(o.axis)}`);
    this.axis = axis as number;
    this.momentum = num('BatchNormalization', o, 'momentum', { min: 0, max: 1, default: 0.99 });
    this.epsilon = num('BatchNormalization', o, 'epsilon', { min: 0, default: 1e-3 });
    this.center = bool('BatchNormalization', o, 'center', true);
    this.scale = bool('BatchNormalization', o, 'scale', true);
    this.o = o;
    const penalty = (p: 'gamma' | 'beta') => ({ regularizer: regularizerOption('BatchNormalization', o, `${p}Regularizer`), constraint: constraintOption('BatchNormalization', o, `${p}Constraint`) });
    this.penalties = { gamma: penalty('gamma'), beta: penalty('beta') };
    this.supportsMasking = true;
  }

  override build(inputShape: Shape): void {
    const ax = this.axis < 0 ? inputShape.length + this.axis : this.axis;
    const dim = inputShape[ax];
    if (ax <= 0 || ax >= inputShape.length || dim === null || dim === undefined) {
      throw new ShapeError(`BatchNormalization: axis ${this.axis} must be a non-batch axis of known size, input ${fmtShape(inputShape)}`);
    }
    if (this.mode === 1 && ax !== inputShape.length - 1) {
      throw new ShapeError(`BatchNormalization: mode 1 normalises each sample over its last axis, so axis must be the last one (-1), got axis ${this.axis} for input ${fmtShape(inputShape)}`);
    }
    this.reduceAxes = inputShape.map((_, i) => i).filter((i) => i !== ax);
    this.paramShape = inputShape.map((d, i) => (i === ax ? d! : 1));
    const o = this.o;
    const w = (name: string, init: unknown, fallback: string, trainable: boolean, penalty: Penalty = { regularizer: null, constraint: null }) =>
      this.addWeight(name, [dim], initName(init, fallback), fallback, { trainable, ...penalty });
    if (this.scale) this.gamma = w('gamma', o.gammaInitializer ?? o.gammaInit, 'one', true, this.penalties.gamma);
    if (this.center) this.beta = w('beta', o.betaInitializer ?? o.betaInit, 'zero', true, this.penalties.beta);
    this.movingMean = w('moving_mean', o.movingMeanInitializer, 'zero', false);
    this.movingVariance = w('moving_variance', o.movingVarianceInitializer, 'one', false);
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = inputs as Tensor;
    const shaped = (t: Tensor) => reshape(t, this.paramShape);
    if (this.mode === 1) {
      const last = x.shape.length - 1;
      const m = mean(x, [last], true);
      const std = sqrt(add(mean(square(sub(x, m)), [last], true), this.epsilon));
      return this.affine(div(sub(x, m), add(std, this.epsilon)));
    }
    let m: Tensor;
    let v: Tensor;
    if (this.mode === 2) {
      m = mean(x, this.reduceAxes, true);
      v = mean(square(sub(x, m)), this.reduceAxes, true);
    } else if (args.training) {
      m = mean(x, this.reduceAxes, true);
      v = mean(square(sub(x, m)), this.reduceAxes, true);
      // Moving statistics change in place during the training forward pass (not differentiated).
      const mom = this.momentum;
      this.movingMean!.assign(add(mul(this.movingMean!, mom), mul(reshape(m, [-1]), 1 - mom)));
      this.movingVariance!.assign(add(mul(this.movingVariance!, mom), mul(reshape(v, [-1]), 1 - mom)));
    } else {
      m = shaped(this.movingMean!);
      v = shaped(this.movingVariance!);
    }
    return this.affine(div(sub(x, m), sqrt(add(v, this.epsilon))));
  }

  /** gamma·y + beta, each where the layer has it (Keras 2's scale / center). */
  private affine(y: Tensor): Tensor {
    const shaped = (t: Tensor) => reshape(t, this.paramShape);
    let out = y;
    if (this.gamma) out = mul(out, shaped(this.gamma));
    if (this.beta) out = add(out, shaped(this.beta));
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), axis: this.axis, momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale,
      beta_initializer: initializerConfig('zeros'), gamma_initializer: initializerConfig('ones'),
      moving_mean_initializer: initializerConfig('zeros'), moving_variance_initializer: initializerConfig('ones'),
      beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
      // Keras 2 dropped `mode`: written (Keras 1 form) only where it is not Keras 2's one behaviour.
      ...(this.mode !== 0 ? { mode: this.mode } : {}),
    };
  }
}
export const BatchNormalization = registerLayer(BatchNormalizationImpl);
export type BatchNormalization = BatchNormalizationImpl;
