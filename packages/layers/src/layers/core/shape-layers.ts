import { expandDims, reshape, tile, transpose, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import { dataFormat, explicitOrdering, type DimOrdering } from '../../utils/image-ordering.js';
import { fmtShape, prodDims, type Shape } from '../../utils/shape.js';
import { registerLayer } from '../registry.js';
import type { LayerOptions } from './kernel-options.js';
import { int, ints } from '../../utils/option-readers.js';

/**
 * Flattens all but the batch axis, row-major: a 'th' conv output flattens as (C, H, W). Keras 2's
 * `data_format: 'channels_first'` moves the channel axis last first, so the order is (H, W, C).
 */
class FlattenImpl extends Layer {
  static override readonly OPTIONS = ['dimOrdering'];
  static kerasName = 'Flatten';
  readonly dimOrdering: DimOrdering;
  constructor(options: LayerOptions & { dimOrdering?: DimOrdering } = {}) {
    const o = Layer.parse('Flatten', options, FlattenImpl.OPTIONS);
    super(o);
    this.dimOrdering = explicitOrdering(o.dimOrdering);
  }
  override computeOutputShape(s: Shape): Shape {
    const rest = prodDims(s.slice(1));
    if (rest === null) throw new ShapeError(`Flatten needs fully known dimensions after the batch, got ${fmtShape(s)}; give the first layer a complete input shape`);
    return [s[0]!, rest];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    const channelsLast = this.dimOrdering === 'th' && x.rank > 2 ? transpose(x, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]) : x;
    return reshape(channelsLast, [x.shape[0]!, -1]);
  }
  override getConfig(): Record<string, unknown> {
    // Keras 2.1.6 (what our files claim) writes no data_format; only the non-default one is kept.
    return { ...super.getConfig(), ...(this.dimOrdering === 'th' ? { data_format: dataFormat('th') } : {}) };
  }
}

/** Reshapes the non-batch axes to `targetShape` (one -1 allowed). */
class ReshapeImpl extends Layer {
  static override readonly OPTIONS = ['targetShape'];
  static kerasName = 'Reshape';
  readonly targetShape: number[];
  constructor(...args: [targetShape: number[], options?: LayerOptions] | [options: LayerOptions & { targetShape: number[] }]) {
    const o = Layer.parse('Reshape', positional('Reshape', args, ['targetShape']), ReshapeImpl.OPTIONS);
    super(o);
    this.targetShape = ints('Reshape', o, 'targetShape');
  }
  override computeOutputShape(s: Shape): Shape {
    const size = prodDims(s.slice(1));
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const resolved = this.targetShape.map((d) => (d === -1 ? (size === null ? null : size / known) : d));
    const total = prodDims(resolved);
    if (size !== null && (total !== size || resolved.some((d) => d !== null && !Number.isInteger(d)))) {
      throw new ShapeError(`Reshape: total size of the new array must be unchanged: input ${fmtShape(s)}, target ${fmtShape(this.targetShape)}`);
    }
    return [s[0]!, ...resolved];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    return reshape(x, [x.shape[0]!, ...this.targetShape]);
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), target_shape: this.targetShape }; }
}

/** Permutes the non-batch axes; `dims` are 1-based as in Keras (`Permute([2, 1])`). */
class PermuteImpl extends Layer {
  static override readonly OPTIONS = ['dims'];
  static kerasName = 'Permute';
  readonly dims: number[];
  constructor(...args: [dims: number[], options?: LayerOptions] | [options: LayerOptions & { dims: number[] }]) {
    const o = Layer.parse('Permute', positional('Permute', args, ['dims']), PermuteImpl.OPTIONS);
    super(o);
    this.dims = ints('Permute', o, 'dims');
    const sorted = [...this.dims].sort((a, b) => a - b);
    if (!sorted.every((d, i) => d === i + 1)) throw new ValueError(`Permute: dims must be a permutation of 1..${this.dims.length}, got [${this.dims.join(', ')}]`);
  }
  override computeOutputShape(s: Shape): Shape {
    if (s.length !== this.dims.length + 1) throw new ShapeError(`Permute([${this.dims.join(', ')}]) needs rank ${this.dims.length + 1} input, got ${fmtShape(s)}`);
    return [s[0]!, ...this.dims.map((d) => s[d]!)];
  }
  override call(inputs: Tensor | Tensor[]): Tensor { return transpose(inputs as Tensor, [0, ...this.dims]); }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), dims: this.dims }; }
}

/** Repeats a [batch, features] input n times: [batch, n, features]. */
class RepeatVectorImpl extends Layer {
  static override readonly OPTIONS = ['n'];
  static kerasName = 'RepeatVector';
  readonly n: number;
  constructor(...args: [n: number, options?: LayerOptions] | [options: LayerOptions & { n: number }]) {
    const o = Layer.parse('RepeatVector', positional('RepeatVector', args, ['n']), RepeatVectorImpl.OPTIONS);
    super(o);
    this.n = int('RepeatVector', o, 'n', { min: 1 });
  }
  override computeOutputShape(s: Shape): Shape {
    if (s.length !== 2) throw new ShapeError(`RepeatVector needs a 2D input (batch, features), got ${fmtShape(s)}`);
    return [s[0]!, this.n, s[1]!];
  }
  override call(inputs: Tensor | Tensor[], _args: CallArgs): Tensor { return tile(expandDims(inputs as Tensor, 1), [1, this.n, 1]); }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), n: this.n }; }
}

export const Flatten = registerLayer(FlattenImpl);
export type Flatten = FlattenImpl;
export const Reshape = registerLayer(ReshapeImpl);
export type Reshape = ReshapeImpl;
export const Permute = registerLayer(PermuteImpl);
export type Permute = PermuteImpl;
export const RepeatVector = registerLayer(RepeatVectorImpl);
export type RepeatVector = RepeatVectorImpl;
