import { activationOption, type Activation, type ActivationId } from '../../activations.js';
import { constraintOption, type Constraint, type ConstraintId } from '../../constraints.js';
import { initializerConfig, type InitializerId } from '../../initializers.js';
import { regularizerOption, type Regularizer, type RegularizerId } from '../../regularizers.js';
import type { Options } from '../../utils/options.js';
import type { Shape } from '../../utils/shape.js';
import { bool } from '../../utils/option-readers.js';

/** Options of the kernel + bias layers (Dense, Conv*, ...): Keras 2 names, Keras 1 aliases in the table. */
export const KERNEL_KEYS = ['activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint'] as const;

export interface KernelOptions {
  activation?: ActivationId;
  useBias?: boolean;
  kernelInitializer?: InitializerId;
  biasInitializer?: InitializerId;
  kernelRegularizer?: RegularizerId | null;
  biasRegularizer?: RegularizerId | null;
  activityRegularizer?: RegularizerId | null;
  kernelConstraint?: ConstraintId | null;
  biasConstraint?: ConstraintId | null;
}

/** Common options every layer accepts. Keras spellings (input_dim, ...) go through the alias table. */
export interface LayerOptions {
  inputShape?: Shape;
  batchInputShape?: Shape;
  inputDim?: number;
  inputLength?: number;
  batchSize?: number;
  name?: string;
  trainable?: boolean;
  weights?: unknown[];
  [keras: string]: unknown;
}

export interface KernelSettings {
  activation: Activation;
  useBias: boolean;
  kernelInitializer: InitializerId;
  biasInitializer: InitializerId;
  kernelRegularizer: Regularizer | null;
  biasRegularizer: Regularizer | null;
  activityRegularizer: Regularizer | null;
  kernelConstraint: Constraint | null;
  biasConstraint: Constraint | null;
}

const initName = (id: unknown, fallback: string): InitializerId => {
  if (id === undefined) return fallback;
  if (typeof id === 'function' || typeof id === 'string') return id as InitializerId;
  // A Keras 2 config object: VarianceScaling back to its Keras name, others by class name.
  const o = id as { class_name?: string; config?: { scale?: number; mode?: string; distribution?: string } };
  if (o.class_name === 'VarianceScaling' && o.config) {
    const { scale, mode, distribution } = o.config;
    const base = mode === 'fan_avg' ? 'glorot' : scale === 2 ? 'he' : 'lecun';
    return `${base}_${distribution === 'uniform' ? 'uniform' : 'normal'}`;
  }
  const k1: Record<string, string> = {
    RandomUniform: 'uniform', RandomNormal: 'normal', TruncatedNormal: 'truncated_normal', Zeros: 'zero', Ones: 'one',
    Orthogonal: 'orthogonal', Identity: 'identity', GlorotUniform: 'glorot_uniform', GlorotNormal: 'glorot_normal',
  };
  return o.class_name === undefined ? fallback : (k1[o.class_name] ?? o.class_name);
};

export function kernelSettings(owner: string, o: Options, defaults: { init?: string; activation?: ActivationId } = {}): KernelSettings {
  return {
    activation: activationOption(owner, o, 'activation', defaults.activation),
    useBias: bool(owner, o, 'useBias', true),
    kernelInitializer: initName(o.kernelInitializer, defaults.init ?? 'glorot_uniform'),
    biasInitializer: initName(o.biasInitializer, 'zero'),
    kernelRegularizer: regularizerOption(owner, o, 'kernelRegularizer'),
    biasRegularizer: regularizerOption(owner, o, 'biasRegularizer'),
    activityRegularizer: regularizerOption(owner, o, 'activityRegularizer'),
    kernelConstraint: constraintOption(owner, o, 'kernelConstraint'),
    biasConstraint: constraintOption(owner, o, 'biasConstraint'),
  };
}

export { initName };

const nameOf = (id: InitializerId) => (typeof id === 'string' ? id : id.name || 'custom');

/** The Keras 2 config entries for these settings. */
export function kernelConfig(s: KernelSettings): Record<string, unknown> {
  return {
    activation: s.activation.name,
    use_bias: s.useBias,
    kernel_initializer: initializerConfig(nameOf(s.kernelInitializer)),
    bias_initializer: initializerConfig(nameOf(s.biasInitializer)),
    kernel_regularizer: s.kernelRegularizer?.getConfig() ?? null,
    bias_regularizer: s.biasRegularizer?.getConfig() ?? null,
    activity_regularizer: s.activityRegularizer?.getConfig() ?? null,
    kernel_constraint: s.kernelConstraint?.getConfig() ?? null,
    bias_constraint: s.biasConstraint?.getConfig() ?? null,
  };
}
