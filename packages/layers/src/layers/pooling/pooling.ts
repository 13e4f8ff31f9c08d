import { avgPool2d, max, maxPool2d, mean, reshape, transpose, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import type { Callable } from '../../utils/callable.js';
import { ShapeError } from '../../utils/errors.js';
import { dataFormat, resolveOrdering, explicitOrdering, type DimOrdering } from '../../utils/image-ordering.js';
import type { Options } from '../../utils/options.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { resolvePadding, tupleOf, windowOutputShape, type Padding } from '../convolutional/geometry.js';
import type { LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';

export interface PoolingOptions extends LayerOptions { poolSize?: number | number[]; strides?: number | number[] | null; padding?: Padding; dimOrdering?: DimOrdering }
export const POOL_KEYS = ['poolSize', 'strides', 'padding', 'dimOrdering'];

/**
 * Max / average pooling over 1 or 2 spatial axes (1-D runs as 2-D over a height of one; 'th'
 * inputs are transposed around the channels-last core op). Average 'same' excludes padding.
 */
abstract class PoolBase extends Layer {
  static override readonly OPTIONS = POOL_KEYS;
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly dimOrdering: DimOrdering;

  constructor(readonly rank: 1 | 2, readonly kind: 'max' | 'avg', owner: string, args: unknown[]) {
    const o: Options = Layer.parse(owner, positional(owner, args, ['poolSize']), POOL_KEYS);
    super(o);
    this.poolSize = tupleOf(owner, 'pool size', o.poolSize, rank, new Array<number>(rank).fill(2));
    this.strides = tupleOf(owner, 'strides', o.strides, rank, this.poolSize);
    this.padding = resolvePadding(owner, o.padding);
    this.dimOrdering = rank === 1 ? explicitOrdering(o.dimOrdering) : resolveOrdering(o.dimOrdering);
  }
  protected override get temporalInput(): boolean { return this.rank === 1; }

  override computeOutputShape(s: Shape): Shape {
    return windowOutputShape(this.className, s, this.poolSize, this.strides, [1, 1], this.padding, this.dimOrdering, null);
  }

  override call(inputs: Tensor | Tensor[], _args: CallArgs): Tensor {
    let x = inputs as Tensor;
    const pool = this.kind === 'max' ? maxPool2d : avgPool2d;
    if (this.rank === 1) {
      if (this.dimOrdering === 'th') x = transpose(x, [0, 2, 1]);
      const [b, steps, c] = x.shape as [number, number, number];
      const y = reshape(pool(reshape(x, [b, 1, steps, c]), [1, this.poolSize[0]!], { strides: [1, this.strides[0]!], padding: this.padding as 'valid' | 'same' }), [b, -1, c]);
      return this.dimOrdering === 'th' ? transpose(y, [0, 2, 1]) : y;
    }
    if (this.dimOrdering === 'th') x = transpose(x, [0, 2, 3, 1]);
    const y = pool(x, this.poolSize as [number, number], { strides: this.strides as [number, number], padding: this.padding as 'valid' | 'same' });
    return this.dimOrdering === 'th' ? transpose(y, [0, 3, 1, 2]) : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), pool_size: this.poolSize, strides: this.strides, padding: this.padding,
      ...(this.rank === 2 || this.dimOrdering === 'th' ? { data_format: dataFormat(this.dimOrdering) } : {}),
    };
  }
}

/** Keras 2's short spelling of a pooling class (keras/layers/pooling.py: `MaxPool2D = MaxPooling2D`, `GlobalAvgPool1D`). */
export const shortPoolingName = (name: string): string => name.replace('Average', 'Avg').replace('Pooling', 'Pool');

type PoolArgs = [poolSize?: number | number[], options?: PoolingOptions] | [options: PoolingOptions];
const pooling = (rank: 1 | 2, kind: 'max' | 'avg', name: string): Callable<new (...args: PoolArgs) => PoolBase> => {
  const cls = class extends PoolBase {
    static kerasName = name;
    constructor(...args: PoolArgs) { super(rank, kind, name, args); }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return registerLayer(cls, name, shortPoolingName(name));
};
export const MaxPooling1D = pooling(1, 'max', 'MaxPooling1D');
export const MaxPooling2D = pooling(2, 'max', 'MaxPooling2D');
export const AveragePooling1D = pooling(1, 'avg', 'AveragePooling1D');
export const AveragePooling2D = pooling(2, 'avg', 'AveragePooling2D');

type GlobalPoolingOptions = LayerOptions & { dimOrdering?: DimOrdering };

/** Max or mean over every spatial axis (1, 2 or 3 of them): [batch, channels]. */
abstract class GlobalPoolBase extends Layer {
  static override readonly OPTIONS = ['dimOrdering'];
  readonly dimOrdering: DimOrdering;
  constructor(readonly rank: 1 | 2 | 3, readonly kind: 'max' | 'avg', owner: string, options: LayerOptions) {
    const o = Layer.parse(owner, options, ['dimOrdering']);
    super(o);
    this.dimOrdering = rank === 1 ? explicitOrdering(o.dimOrdering) : resolveOrdering(o.dimOrdering);
  }
  protected override get temporalInput(): boolean { return this.rank === 1; }
  get axes(): number[] {
    return this.dimOrdering === 'tf' ? Array.from({ length: this.rank }, (_, i) => i + 1) : Array.from({ length: this.rank }, (_, i) => i + 2);
  }
  override computeOutputShape(s: Shape): Shape {
    if (s.length !== this.rank + 2) throw new ShapeError(`${this.className} expects inputs of rank ${this.rank + 2}, got ${fmtShape(s)}`);
    return s.filter((_, i) => !this.axes.includes(i));
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return (this.kind === 'max' ? max : mean)(inputs as Tensor, this.axes);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...(this.rank > 1 || this.dimOrdering === 'th' ? { data_format: dataFormat(this.dimOrdering) } : {}) };
  }
}
const globalPooling = (rank: 1 | 2 | 3, kind: 'max' | 'avg', name: string): Callable<new (options?: GlobalPoolingOptions) => GlobalPoolBase> => {
  const cls = class extends GlobalPoolBase {
    static kerasName = name;
    constructor(options: GlobalPoolingOptions = {}) { super(rank, kind, name, options); }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return registerLayer(cls, name, shortPoolingName(name));
};
export const GlobalMaxPooling1D = globalPooling(1, 'max', 'GlobalMaxPooling1D');
export const GlobalMaxPooling2D = globalPooling(2, 'max', 'GlobalMaxPooling2D');
export const GlobalAveragePooling1D = globalPooling(1, 'avg', 'GlobalAveragePooling1D');
export const GlobalAveragePooling2D = globalPooling(2, 'avg', 'GlobalAveragePooling2D');
export const GlobalMaxPooling3D = globalPooling(3, 'max', 'GlobalMaxPooling3D');
export const GlobalAveragePooling3D = globalPooling(3, 'avg', 'GlobalAveragePooling3D');
export { PoolBase, GlobalPoolBase };
