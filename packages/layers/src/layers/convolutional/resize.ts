import { pad, reshape, tile, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import { positional } from '../../utils/args.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import { resolveOrdering, type DimOrdering } from '../../utils/image-ordering.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import type { LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { layoutAxes } from './geometry.js';

type Padding2D = number | [number, number] | [[number, number], [number, number]] | [number, number, number, number];

/** Keras 1 (2 or 4 ints) and Keras 2 (int, 2 ints, 2 pairs) paddings as [[top, bottom], [left, right]]. */
function padPairs(p: Padding2D): [[number, number], [number, number]] {
  if (typeof p === 'number') return [[p, p], [p, p]];
  if (p.length === 4) return [[p[0], p[1]], [p[2], p[3]]];
  if (Array.isArray(p[0])) return p as [[number, number], [number, number]];
  const [h, w] = p as [number, number];
  return [[h, h], [w, w]];
}

/** Pads rows and columns with zeros. */
class ZeroPadding2DImpl extends Layer {
  static override readonly OPTIONS = ['padding', 'dimOrdering'];
  static kerasName = 'ZeroPadding2D';
  readonly pads: [[number, number], [number, number]];
  readonly dimOrdering: DimOrdering;
  constructor(...args: [padding?: Padding2D, options?: LayerOptions & { dimOrdering?: DimOrdering }] | [options: LayerOptions & { padding?: Padding2D }]) {
    const o = Layer.parse('ZeroPadding2D', positional('ZeroPadding2D', args, ['padding']), ZeroPadding2DImpl.OPTIONS);
    super(o);
    this.pads = padPairs((o.padding as Padding2D | undefined) ?? 1);
    if (this.pads.flat().some((v) => !(Number.isInteger(v) && v >= 0))) throw new ValueError(`ZeroPadding2D: paddings must be non-negative integers, got ${JSON.stringify(o.padding)}`);
    this.dimOrdering = resolveOrdering(o.dimOrdering);
  }
  override computeOutputShape(s: Shape): Shape {
    if (s.length !== 4) throw new ShapeError(`ZeroPadding2D expects rank 4 inputs, got ${fmtShape(s)}`);
    const out = [...s];
    layoutAxes(2, this.dimOrdering).spatial.forEach((ax, i) => {
      const d = s[ax];
      out[ax] = d === null || d === undefined ? null : d + this.pads[i]![0] + this.pads[i]![1];
    });
    return out;
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const [h, w] = this.pads;
    const p: [number, number][] = this.dimOrdering === 'tf' ? [[0, 0], h, w, [0, 0]] : [[0, 0], [0, 0], h, w];
    return pad(inputs as Tensor, p);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.pads, data_format: this.dimOrdering === 'th' ? 'channels_first' : 'channels_last' };
  }
}

/** Repeats rows and columns (nearest-neighbour upsampling). */
class UpSampling2DImpl extends Layer {
  static override readonly OPTIONS = ['size', 'dimOrdering'];
  static kerasName = 'UpSampling2D';
  readonly size: [number, number];
  readonly dimOrdering: DimOrdering;
  constructor(...args: [size?: number | [number, number], options?: LayerOptions & { dimOrdering?: DimOrdering }] | [options: LayerOptions & { size?: number | [number, number] }]) {
    const o = Layer.parse('UpSampling2D', positional('UpSampling2D', args, ['size']), UpSampling2DImpl.OPTIONS);
    super(o);
    const s = (o.size as number | [number, number] | undefined) ?? 2;
    this.size = typeof s === 'number' ? [s, s] : s;
    this.dimOrdering = resolveOrdering(o.dimOrdering);
  }
  override computeOutputShape(s: Shape): Shape {
    if (s.length !== 4) throw new ShapeError(`UpSampling2D expects rank 4 inputs, got ${fmtShape(s)}`);
    const out = [...s];
    layoutAxes(2, this.dimOrdering).spatial.forEach((ax, i) => {
      const d = s[ax];
      out[ax] = d === null || d === undefined ? null : d * this.size[i]!;
    });
    return out;
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    const [sh, sw] = this.size;
    // View as [.., h, 1, w, 1, ..], tile the unit axes, fold back.
    if (this.dimOrdering === 'tf') {
      const [b, h, w, c] = x.shape as [number, number, number, number];
      return reshape(tile(reshape(x, [b, h, 1, w, 1, c]), [1, 1, sh, 1, sw, 1]), [b, h * sh, w * sw, c]);
    }
    const [b, c, h, w] = x.shape as [number, number, number, number];
    return reshape(tile(reshape(x, [b, c, h, 1, w, 1]), [1, 1, 1, sh, 1, sw]), [b, c, h * sh, w * sw]);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size, data_format: this.dimOrdering === 'th' ? 'channels_first' : 'channels_last' };
  }
}

export const ZeroPadding2D = registerLayer(ZeroPadding2DImpl);
export type ZeroPadding2D = ZeroPadding2DImpl;
export const UpSampling2D = registerLayer(UpSampling2DImpl);
export type UpSampling2D = UpSampling2DImpl;
