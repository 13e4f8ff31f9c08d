import { avgPool2d, max, maxPool2d, mean, stack, transpose, unstack, windowAxis, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import { positional } from '../../utils/args.js';
import type { Callable } from '../../utils/callable.js';
import { resolveOrdering, type DimOrdering } from '../../utils/image-ordering.js';
import { type Shape } from '../../utils/shape.js';
import { resolvePadding, toChannelsFirst, toChannelsLast, tupleOf, windowOutputShape, type Padding } from '../convolutional/geometry.js';
import { registerLayer } from '../registry.js';
import { POOL_KEYS, shortPoolingName, type PoolingOptions } from './pooling.js';

export type Pooling3DOptions = PoolingOptions;
const KEYS = POOL_KEYS;

/**
 * 3-D max / average pooling as 2-D pooling of each depth slice, then the max / mean over each
 * depth window of the real slices (a 'same' window's padded slices take no part, as TensorFlow's
 * pooling excludes padding; the 2-D op already does so along height and width, and every slice
 * of one output shares that geometry, so the mean of the slice means is the window's mean).
 */
abstract class Pool3DBase extends Layer {
  static override readonly OPTIONS = KEYS;
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly dimOrdering: DimOrdering;
  constructor(readonly kind: 'max' | 'avg', owner: string, args: unknown[]) {
    const o = Layer.parse(owner, positional(owner, args, ['poolSize']), KEYS);
    super(o);
    this.poolSize = tupleOf(owner, 'pool size', o.poolSize, 3, [2, 2, 2]);
    this.strides = tupleOf(owner, 'strides', o.strides, 3, this.poolSize);
    this.padding = resolvePadding(owner, o.padding);
    this.dimOrdering = resolveOrdering(o.dimOrdering);
  }
  override computeOutputShape(s: Shape): Shape {
    return windowOutputShape(this.className, s, this.poolSize, this.strides, [1, 1, 1], this.padding, this.dimOrdering, null);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const th = this.dimOrdering === 'th';
    const x = th ? transpose(inputs as Tensor, toChannelsLast(3)) : (inputs as Tensor);
    const [pd, ph, pw] = this.poolSize as [number, number, number];
    const [sd, sh, sw] = this.strides as [number, number, number];
    const pool2d = this.kind === 'max' ? maxPool2d : avgPool2d;
    const pooled = unstack(x, 1).map((s) => pool2d(s, [ph, pw], { strides: [sh, sw], padding: this.padding as 'valid' | 'same' }));
    const depth = x.shape[1]!;
    const { out, padBefore } = windowAxis(depth, pd, sd, 1, this.padding);
    const reduce = this.kind === 'max' ? max : mean;
    const outs = Array.from({ length: out }, (_, o) => {
      const first = Math.max(0, o * sd - padBefore);
      const last = Math.min(depth, o * sd - padBefore + pd);
      return reduce(stack(pooled.slice(first, last), 0), 0);
    });
    const y = stack(outs, 1);
    return th ? transpose(y, toChannelsFirst(3)) : y;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), pool_size: this.poolSize, strides: this.strides, padding: this.padding, data_format: this.dimOrdering === 'th' ? 'channels_first' : 'channels_last' };
  }
}

type Pool3DArgs = [poolSize?: number | number[], options?: Pooling3DOptions] | [options: Pooling3DOptions];
function pooling3d(kind: 'max' | 'avg', name: string): Callable<new (...args: Pool3DArgs) => Pool3DBase> {
  const cls = class extends Pool3DBase {
    static kerasName = name;
    constructor(...args: Pool3DArgs) { super(kind, name, args); }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return registerLayer(cls, name, shortPoolingName(name));
}
export const MaxPooling3D = pooling3d('max', 'MaxPooling3D');
export const AveragePooling3D = pooling3d('avg', 'AveragePooling3D');
export { Pool3DBase };
