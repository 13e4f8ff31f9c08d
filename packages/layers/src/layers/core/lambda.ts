import { cast, max, mul, notEqual, reshape, tidy, zeros, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import { ValueError } from '../../utils/errors.js';
import type { Shape } from '../../utils/shape.js';
import { registerLayer } from '../registry.js';
import type { LayerOptions } from './kernel-options.js';
import { dims, invalid, num } from '../../utils/option-readers.js';
import { isOptions } from '../../utils/options.js';

export type LambdaFn = (x: Tensor | Tensor[], args?: Record<string, unknown>) => Tensor;

/**
 * Wraps a function of tensors. The output shape comes from `outputShape` (a shape without the
 * batch axis, or a function of the input shape) or, if absent, from running `fn` on zeros.
 * Configs name the function (`function: name`); files never carry code, so reading one needs
 * the function under that name in `customObjects`.
 */
class LambdaImpl extends Layer {
  static override readonly OPTIONS = ['function', 'outputShape', 'arguments', 'mask'];
  static kerasName = 'Lambda';
  readonly fn: LambdaFn;
  readonly outputShape: Shape | ((s: Shape | Shape[]) => Shape) | null;
  readonly fnArgs: Record<string, unknown>;
  constructor(...args: [fn: LambdaFn, options?: LayerOptions & { outputShape?: Shape | ((s: Shape | Shape[]) => Shape); arguments?: Record<string, unknown> }] | [options: LayerOptions & { function: LambdaFn }]) {
    const o = Layer.parse('Lambda', positional('Lambda', args, ['function']), LambdaImpl.OPTIONS);
    super(o);
    if (typeof o.function !== 'function') throw new ValueError(`Lambda: needs a function, got ${String(o.function)} (functions from files resolve through customObjects)`);
    // A user function: its signature cannot be checked at run time.
    this.fn = o.function as LambdaFn;
    this.outputShape = typeof o.outputShape === 'function' ? (o.outputShape as (s: Shape | Shape[]) => Shape) : dims('Lambda', o, 'outputShape');
    const fnArgs = o.arguments ?? {};
    if (!isOptions(fnArgs)) invalid('Lambda', 'arguments', 'an object of keyword arguments', fnArgs);
    this.fnArgs = fnArgs;
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    if (typeof this.outputShape === 'function') return this.outputShape(s);
    const first = (Array.isArray(s[0]) ? (s as Shape[])[0]! : s) as Shape;
    if (this.outputShape) return [first[0] ?? null, ...this.outputShape];
    const probe = (shape: Shape) => shape.map((d) => d ?? 1);
    return tidy(() => {
      const x = Array.isArray(s[0]) ? (s as Shape[]).map((sh) => zeros(probe(sh))) : zeros(probe(s as Shape));
      const y = this.fn(x, this.fnArgs);
      return [first[0] ?? null, ...y.shape.slice(1)];
    });
  }
  override call(inputs: Tensor | Tensor[], _args: CallArgs): Tensor { return this.fn(inputs, this.fnArgs); }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), function: this.fn.name || 'lambda', function_type: 'lambda', output_shape: typeof this.outputShape === 'function' ? null : this.outputShape, output_shape_type: 'raw', arguments: this.fnArgs };
  }
}

/** Skips timesteps whose features all equal `maskValue`: zeroes them and passes a mask downstream. */
class MaskingImpl extends Layer {
  static override readonly OPTIONS = ['maskValue'];
  static kerasName = 'Masking';
  readonly maskValue: number;
  constructor(options: LayerOptions & { maskValue?: number } = {}) {
    const o = Layer.parse('Masking', options, MaskingImpl.OPTIONS);
    super(o);
    this.supportsMasking = true;
    this.maskValue = num('Masking', o, 'maskValue', { default: 0 });
  }
  private keep(x: Tensor): Tensor { return max(cast(notEqual(x, this.maskValue), x.dtype), -1, true); }
  /** Masks are float [batch, timesteps]: 1 keeps a step, 0 skips it. */
  override computeMask(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    return reshape(this.keep(x), x.shape.slice(0, -1));
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    return mul(x, this.keep(x));
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), mask_value: this.maskValue }; }
}

export const Lambda = registerLayer(LambdaImpl);
export type Lambda = LambdaImpl;
export const Masking = registerLayer(MaskingImpl);
export type Masking = MaskingImpl;
