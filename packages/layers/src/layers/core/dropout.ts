import { dropout, nextKey, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import type { Callable } from '../../utils/callable.js';
import { ValueError } from '../../utils/errors.js';
import { resolveOrdering, type DimOrdering } from '../../utils/image-ordering.js';
import type { Options } from '../../utils/options.js';
import { registerLayer } from '../registry.js';
import type { LayerOptions } from './kernel-options.js';
import { dims, fraction, int } from '../../utils/option-readers.js';

// The options form may name the rate `rate` or Keras 1 `p`: checked when parsed.
type DropoutArgs = [rate: number, options?: LayerOptions] | [options: LayerOptions];

/**
 * Zeroes a fraction `rate` (Keras 1 `p`) of the inputs in training, scaling the rest; identity at
 * inference. `noise_shape` (None for "as the input") shares one draw along its axes of size 1.
 */
class DropoutImpl extends Layer {
  static override readonly OPTIONS: readonly string[] = ['rate', 'seed', 'noiseShape'];
  static kerasName = 'Dropout';
  readonly rate: number;
  readonly seed: number | null;
  readonly noiseShape: (number | null)[] | null;
  constructor(...args: DropoutArgs) {
    const cls = new.target as unknown as { kerasName: string; OPTIONS: readonly string[] };
    const o = Layer.parse(cls.kerasName, positional(cls.kerasName, args, ['rate']), cls.OPTIONS);
    super(o);
    this.supportsMasking = true;
    this.rate = fraction(cls.kerasName, o, 'rate', { label: 'rate (p)' });
    this.seed = int(cls.kerasName, o, 'seed', { default: null });
    this.noiseShape = dims(cls.kerasName, o, 'noiseShape');
    this.configure(o);
  }
  /** Subclasses read their own options here (the constructor has parsed them). */
  protected configure(_o: Options): void {}
  /** The mask's shape for `x`, or undefined for one draw per element. */
  protected noiseShapeFor(x: Tensor): number[] | undefined {
    return this.noiseShape?.map((d, i) => d ?? x.shape[i]!);
  }
  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = inputs as Tensor;
    return args.training && this.rate > 0 ? dropout(x, this.rate, this.seed ?? nextKey(), this.noiseShapeFor(x)) : x;
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), rate: this.rate, noise_shape: this.noiseShape, seed: this.seed }; }
}

/**
 * Keras's SpatialDropout1D/2D/3D: drops whole feature maps (one draw per sample and channel),
 * the channel axis last for 1-D and by `dim_ordering` / `data_format` for 2-D and 3-D.
 */
abstract class SpatialDropoutBase extends DropoutImpl {
  static spatialRank: 1 | 2 | 3;
  // Set by configure, which runs inside the base constructor: no field initializer may reset it.
  declare dimOrdering: DimOrdering;
  get spatialRank(): 1 | 2 | 3 { return (this.constructor as typeof SpatialDropoutBase).spatialRank; }
  protected override get temporalInput(): boolean { return this.spatialRank === 1; }
  protected override configure(o: Options): void {
    if (this.noiseShape !== null) throw new ValueError(`${this.className}: the noise shape is fixed (whole feature maps); noise_shape cannot be given`);
    this.dimOrdering = this.spatialRank === 1 ? 'tf' : resolveOrdering(o.dimOrdering);
  }
  protected override noiseShapeFor(x: Tensor): number[] {
    const channel = this.dimOrdering === 'th' ? 1 : x.rank - 1;
    return x.shape.map((d, i) => (i === 0 || i === channel ? d : 1));
  }
  override getConfig(): Record<string, unknown> {
    const { noise_shape: _, ...rest } = super.getConfig();
    return { ...rest, ...(this.spatialRank === 1 ? {} : { data_format: this.dimOrdering === 'th' ? 'channels_first' : 'channels_last' }) };
  }
}

function spatialDropout(name: string, rank: 1 | 2 | 3): Callable<new (...args: DropoutArgs) => SpatialDropoutBase> {
  const cls = class extends SpatialDropoutBase {
    static override readonly OPTIONS = ['rate', 'seed', ...(rank === 1 ? [] : ['dimOrdering'])];
    static override kerasName = name;
    static override spatialRank = rank;
  };
  Object.defineProperty(cls, 'name', { value: name });
  return registerLayer(cls);
}

export const Dropout = registerLayer(DropoutImpl);
export type Dropout = DropoutImpl;
export const SpatialDropout1D = spatialDropout('SpatialDropout1D', 1);
export const SpatialDropout2D = spatialDropout('SpatialDropout2D', 2);
export const SpatialDropout3D = spatialDropout('SpatialDropout3D', 3);
