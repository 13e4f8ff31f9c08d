import { fill, type Tensor, type Variable } from '@kerasgpu/core';
import { constraintOption, getConstraint, type Constraint, type ConstraintId } from '../../constraints.js';
import { Layer } from '../../engine/layer.js';
import { initializerConfig, type InitializerId } from '../../initializers.js';
import { getRegularizer, regularizerOption, type Regularizer, type RegularizerId } from '../../regularizers.js';
import { positional } from '../../utils/args.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import type { Options } from '../../utils/options.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { initName, type LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { leakyRelu, parametricSoftplus, srelu } from './math.js';
import { num } from '../../utils/option-readers.js';

/** One learned parameter: its Keras 2 weight name, initializer, penalty and constraint. */
interface ParamSpec { name: string; init: InitializerId; regularizer?: RegularizerId | null; constraint?: ConstraintId | null }

function sharedAxesOf(owner: string, v: unknown): number[] {
  if (v === undefined || v === null) return [];
  const axes = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(axes) || axes.some((a) => !(Number.isInteger(a) && a >= 1))) {
    throw new ValueError(`${owner}: shared_axes must be axes >= 1 (the batch axis 0 is always shared), got ${JSON.stringify(v)}`);
  }
  return axes as number[];
}

/**
 * Activations with learned elementwise parameters of shape input_shape[1:], where each axis in
 * `shared_axes` has size 1 (one parameter shared along it), as in Keras 1 and 2. The parameters
 * broadcast against the batch.
 */
abstract class ParametricActivation extends Layer {
  readonly sharedAxes: number[];
  params: Variable[] = [];
  constructor(owner: string, o: Options) {
    super(o);
    this.supportsMasking = true;
    this.sharedAxes = sharedAxesOf(owner, o.sharedAxes);
  }
  protected abstract specs(): ParamSpec[];
  /** The activation of `x` given parameter values in `specs()` order. */
  abstract activate(x: Tensor, params: readonly Tensor[]): Tensor;

  paramShape(s: Shape): number[] {
    const bad = this.sharedAxes.find((a) => a >= s.length);
    if (bad !== undefined) throw new ShapeError(`${this.className}: shared axis ${bad} is not an axis of input ${fmtShape(s)}`);
    const shape = s.slice(1).map((d, i) => (this.sharedAxes.includes(i + 1) ? 1 : d));
    if (shape.some((d) => d === null)) {
      throw new ShapeError(`${this.className}: its parameters need every axis but the batch known or shared, got input ${fmtShape(s)} with shared_axes [${this.sharedAxes.join(', ')}]`);
    }
    return shape as number[];
  }
  override build(inputShape: Shape): void {
    const shape = this.paramShape(inputShape);
    this.params = this.specs().map((p) => this.addWeight(p.name, shape, p.init, 'zero', {
      regularizer: getRegularizer(p.regularizer ?? null), constraint: getConstraint(p.constraint ?? null),
    }));
  }
  override computeOutputShape(s: Shape): Shape {
    this.paramShape(s);
    return s;
  }
  override call(inputs: Tensor | Tensor[]): Tensor { return this.activate(inputs as Tensor, this.params); }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), shared_axes: this.sharedAxes.length > 0 ? this.sharedAxes : null };
  }
}

const nameOf = (id: InitializerId) => (typeof id === 'string' ? id : id.name || 'custom');

type PReLUOptions = LayerOptions & { alphaInitializer?: InitializerId; alphaRegularizer?: RegularizerId; alphaConstraint?: ConstraintId; sharedAxes?: number | number[] };

/** max(0, x) + α·min(0, x) with learned α (Keras 1 `init`, Keras 2 `alpha_initializer`; default zeros). */
class PReLUImpl extends ParametricActivation {
  static override readonly OPTIONS = ['alphaInitializer', 'alphaRegularizer', 'alphaConstraint', 'sharedAxes', 'init'];
  static kerasName = 'PReLU';
  readonly alphaInitializer: InitializerId;
  readonly alphaRegularizer: Regularizer | null;
  readonly alphaConstraint: Constraint | null;
  constructor(...args: [alphaInitializer?: InitializerId, options?: PReLUOptions] | [options: PReLUOptions]) {
    const o = Layer.parse('PReLU', positional('PReLU', args, ['alphaInitializer']), PReLUImpl.OPTIONS);
    super('PReLU', o);
    this.alphaInitializer = initName(o.alphaInitializer ?? o.init, 'zero');
    this.alphaRegularizer = regularizerOption('PReLU', o, 'alphaRegularizer');
    this.alphaConstraint = constraintOption('PReLU', o, 'alphaConstraint');
  }
  protected specs(): ParamSpec[] {
    return [{ name: 'alpha', init: this.alphaInitializer, regularizer: this.alphaRegularizer, constraint: this.alphaConstraint }];
  }
  activate(x: Tensor, [alpha]: readonly Tensor[]): Tensor { return leakyRelu(x, alpha!); }
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), alpha_initializer: initializerConfig(nameOf(this.alphaInitializer)),
      alpha_regularizer: this.alphaRegularizer?.getConfig() ?? null, alpha_constraint: this.alphaConstraint?.getConfig() ?? null,
    };
  }
}

type SoftplusOptions = LayerOptions & { alphaInit?: number; betaInit?: number; sharedAxes?: number | number[] };

/** Keras 1's α·softplus(β·x) with learned α (`alphas`, initially 0.2) and β (`betas`, initially 5). Keras 2 dropped it. */
class ParametricSoftplusImpl extends ParametricActivation {
  static override readonly OPTIONS = ['alphaInit', 'betaInit', 'sharedAxes'];
  static kerasName = 'ParametricSoftplus';
  readonly alphaInit: number;
  readonly betaInit: number;
  constructor(...args: [alphaInit?: number, betaInit?: number, options?: SoftplusOptions] | [options: SoftplusOptions]) {
    const o = Layer.parse('ParametricSoftplus', positional('ParametricSoftplus', args, ['alphaInit', 'betaInit']), ParametricSoftplusImpl.OPTIONS);
    super('ParametricSoftplus', o);
    this.alphaInit = num('ParametricSoftplus', o, 'alphaInit', { default: 0.2, label: 'alpha_init' });
    this.betaInit = num('ParametricSoftplus', o, 'betaInit', { default: 5, label: 'beta_init' });
  }
  protected specs(): ParamSpec[] {
    return [{ name: 'alphas', init: (s) => fill(s, this.alphaInit) }, { name: 'betas', init: (s) => fill(s, this.betaInit) }];
  }
  activate(x: Tensor, [alphas, betas]: readonly Tensor[]): Tensor { return parametricSoftplus(x, alphas!, betas!); }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), alpha_init: this.alphaInit, beta_init: this.betaInit }; }
}

const SRELU_PARAMS = [['tLeft', 't_left', 'zero'], ['aLeft', 'a_left', 'glorot_uniform'], ['tRight', 't_right', 'glorot_uniform'], ['aRight', 'a_right', 'one']] as const;
type SReLUOptions = LayerOptions & { [k in `${(typeof SRELU_PARAMS)[number][0]}${'Init' | 'Initializer'}`]?: InitializerId } & { sharedAxes?: number | number[] };

/**
 * Keras 1's S-shaped ReLU (keras-contrib's in Keras 2): learned t_left, a_left, t_right, a_right.
 * Initializers by Keras 1 names (`t_left_init`) or keras-contrib's (`t_left_initializer`).
 */
class SReLUImpl extends ParametricActivation {
  static override readonly OPTIONS = [...SRELU_PARAMS.flatMap(([k]) => [`${k}Init`, `${k}Initializer`]), 'sharedAxes'];
  static kerasName = 'SReLU';
  readonly inits: InitializerId[];
  constructor(...args: [tLeftInit?: InitializerId, aLeftInit?: InitializerId, tRightInit?: InitializerId, aRightInit?: InitializerId, options?: SReLUOptions] | [options: SReLUOptions]) {
    const o = Layer.parse('SReLU', positional('SReLU', args, SRELU_PARAMS.map(([k]) => `${k}Init`)), SReLUImpl.OPTIONS);
    super('SReLU', o);
    this.inits = SRELU_PARAMS.map(([k, , fallback]) => initName(o[`${k}Init`] ?? o[`${k}Initializer`], fallback));
  }
  protected specs(): ParamSpec[] { return SRELU_PARAMS.map(([, name], i) => ({ name, init: this.inits[i]! })); }
  activate(x: Tensor, [tl, al, tr, ar]: readonly Tensor[]): Tensor { return srelu(x, tl!, al!, tr!, ar!); }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...Object.fromEntries(SRELU_PARAMS.map(([, name], i) => [`${name}_init`, nameOf(this.inits[i]!)])) };
  }
}

export { ParametricActivation };
export const PReLU = registerLayer(PReLUImpl);
export type PReLU = PReLUImpl;
export const ParametricSoftplus = registerLayer(ParametricSoftplusImpl);
export type ParametricSoftplus = ParametricSoftplusImpl;
export const SReLU = registerLayer(SReLUImpl);
export type SReLU = SReLUImpl;
