import { pad, reshape, slice, tile, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import { positional } from '../../utils/args.js';
import type { Callable } from '../../utils/callable.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import { resolveOrdering, type DimOrdering } from '../../utils/image-ordering.js';
import type { Options } from '../../utils/options.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import type { LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { layoutAxes, tupleOf } from './geometry.js';

/**
 * Padding, cropping and upsampling over 1, 2 or 3 spatial axes, from one template per kind:
 * ZeroPadding1D/2D/3D, Cropping1D/2D/3D, UpSampling1D/2D/3D. 1-D layers work on (batch, steps,
 * features) and have no ordering; 2-D and 3-D take `dim_ordering` / `data_format`.
 */
type Rank = 1 | 2 | 3;
type Pair = [number, number];

/** Keras 1 ZeroPadding1D/2D dictionaries: their keys per spatial axis, (before, after). */
const PAD_KEYS: Record<number, [string, string][]> = { 1: [['left_pad', 'right_pad']], 2: [['top_pad', 'bottom_pad'], ['left_pad', 'right_pad']] };

/**
 * (before, after) per spatial axis from what Keras 1 and 2 accept: an int; one int per axis
 * (symmetric); one pair per axis; for 1-D, one pair; Keras 1's 2-D (top, bottom, left, right)
 * and `{top_pad, ...}` dictionaries.
 */
function pairsOf(owner: string, what: string, v: unknown, rank: Rank): Pair[] {
  const bad = () => new ValueError(`${owner}: ${what} must be a non-negative integer, ${rank} of them or ${rank} (before, after) pairs, got ${JSON.stringify(v)}`);
  let pairs: unknown[];
  if (typeof v === 'number') pairs = Array.from({ length: rank }, () => [v, v]);
  else if (v !== null && typeof v === 'object' && !Array.isArray(v) && PAD_KEYS[rank]) {
    const d = v as Record<string, unknown>;
    const keys = PAD_KEYS[rank].flat();
    if (Object.keys(d).some((k) => !keys.includes(k))) throw new ValueError(`${owner}: ${what} dictionary keys must be among ${keys.join(', ')}, got ${Object.keys(d).join(', ')}`);
    pairs = PAD_KEYS[rank].map(([a, b]) => [d[a] ?? 0, d[b] ?? 0]);
  } else if (!Array.isArray(v)) throw bad();
  else if (rank === 1 && v.length === 2 && v.every((x) => typeof x === 'number')) pairs = [v];
  else if (rank === 2 && v.length === 4 && v.every((x) => typeof x === 'number')) pairs = [[v[0], v[1]], [v[2], v[3]]];
  else if (v.length === rank) pairs = v.map((x) => (typeof x === 'number' ? [x, x] : x));
  else throw bad();
  if (pairs.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((x) => !(Number.isInteger(x) && (x as number) >= 0)))) throw bad();
  return pairs as Pair[];
}

abstract class SpatialResize extends Layer {
  readonly dimOrdering: DimOrdering;
  readonly spatial: number[];
  constructor(readonly rank: Rank, o: Options) {
    super(o);
    this.dimOrdering = rank === 1 ? 'tf' : resolveOrdering(o.dimOrdering);
    this.spatial = layoutAxes(rank, this.dimOrdering).spatial;
  }
  protected override get temporalInput(): boolean { return this.rank === 1; }
  /** The new size of spatial axis i (of size d); throws when nothing would remain. */
  protected abstract resize(d: number, i: number): number;
  override computeOutputShape(s: Shape): Shape {
    if (s.length !== this.rank + 2) throw new ShapeError(`${this.className} expects inputs of rank ${this.rank + 2}, got ${fmtShape(s)}`);
    const out = [...s];
    this.spatial.forEach((ax, i) => {
      const d = s[ax];
      if (d === null || d === undefined) return;
      const n = this.resize(d, i);
      if (n <= 0) throw new ShapeError(`${this.className}: input ${fmtShape(s)} leaves nothing along spatial axis ${i + 1} (size ${n})`);
      out[ax] = n;
    });
    return out;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...(this.rank === 1 ? {} : { data_format: this.dimOrdering === 'th' ? 'channels_first' : 'channels_last' }) };
  }
  /** Keras 2 writes 1-D paddings and croppings as one pair, the others as pairs per axis. */
  protected pairsConfig(p: Pair[]): unknown { return this.rank === 1 ? p[0] : p; }
  /** Per-axis (before, after) over all axes of x, zeros off the spatial ones. */
  protected fullPairs(x: Tensor, p: Pair[]): Pair[] {
    return x.shape.map((_, ax) => { const i = this.spatial.indexOf(ax); return i < 0 ? [0, 0] : p[i]!; });
  }
}

type ResizeArgs<V> = [value?: V, options?: LayerOptions] | [options: LayerOptions];
const KEYS = ['dimOrdering'];

/** Adds zeros before and after each spatial axis. */
class ZeroPadding extends SpatialResize {
  readonly padding: Pair[];
  constructor(rank: Rank, owner: string, args: unknown[]) {
    const o = Layer.parse(owner, positional(owner, args, ['padding']), ['padding', ...KEYS]);
    super(rank, o);
    this.padding = pairsOf(owner, 'padding', o.padding ?? 1, rank);
  }
  protected resize(d: number, i: number): number { return d + this.padding[i]![0] + this.padding[i]![1]; }
  override call(inputs: Tensor | Tensor[]): Tensor { const x = inputs as Tensor; return pad(x, this.fullPairs(x, this.padding)); }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), padding: this.pairsConfig(this.padding) }; }
}

/** Removes rows before and after each spatial axis (Keras 1 defaults: 1-D (1, 1), 2-D none, 3-D one each side). */
class Cropping extends SpatialResize {
  readonly cropping: Pair[];
  constructor(rank: Rank, owner: string, args: unknown[]) {
    const o = Layer.parse(owner, positional(owner, args, ['cropping']), ['cropping', ...KEYS]);
    super(rank, o);
    this.cropping = pairsOf(owner, 'cropping', o.cropping ?? (rank === 2 ? 0 : 1), rank);
  }
  protected resize(d: number, i: number): number { return d - this.cropping[i]![0] - this.cropping[i]![1]; }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = inputs as Tensor;
    const p = this.fullPairs(x, this.cropping);
    const size = x.shape.map((d, ax) => d - p[ax]![0] - p[ax]![1]);
    if (size.some((d) => d <= 0)) throw new ShapeError(`${this.className}: cropping ${JSON.stringify(this.cropping)} leaves nothing of input [${x.shape.join(', ')}]`);
    return slice(x, p.map((q) => q[0]), size);
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), cropping: this.pairsConfig(this.cropping) }; }
}

/** Repeats each step / row / column `size` times (nearest neighbour). Keras 1's UpSampling1D calls the factor `length`. */
class UpSampling extends SpatialResize {
  readonly size: number[];
  constructor(rank: Rank, owner: string, args: unknown[]) {
    const o = Layer.parse(owner, positional(owner, args, ['size']), ['size', 'length', ...KEYS]);
    super(rank, o);
    if (o.length !== undefined && rank !== 1) throw new ValueError(`${owner}: 'length' is UpSampling1D's option; use size`);
    this.size = tupleOf(owner, 'size', o.size ?? o.length, rank, new Array<number>(rank).fill(2));
  }
  protected resize(d: number, i: number): number { return d * this.size[i]!; }
  override call(inputs: Tensor | Tensor[]): Tensor {
    // View each spatial axis d as (d, 1), tile the unit axes by the factors, fold back.
    const x = inputs as Tensor;
    const split = x.shape.flatMap((d, ax) => (this.spatial.includes(ax) ? [d, 1] : [d]));
    const reps = x.shape.flatMap((_, ax) => { const i = this.spatial.indexOf(ax); return i < 0 ? [1] : [1, this.size[i]!]; });
    const out = x.shape.map((d, ax) => { const i = this.spatial.indexOf(ax); return i < 0 ? d : d * this.size[i]!; });
    return reshape(tile(reshape(x, split), reps), out);
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), size: this.rank === 1 ? this.size[0] : this.size }; }
}

function family<B extends SpatialResize, V>(base: new (rank: Rank, owner: string, args: unknown[]) => B, keys: readonly string[], name: string, rank: Rank): Callable<new (...args: ResizeArgs<V>) => B> {
  // Typed as one concrete member of the family (the class expression must not be abstract).
  const cls = class extends (base as unknown as new (rank: Rank, owner: string, args: unknown[]) => ZeroPadding) {
    static readonly OPTIONS = rank === 1 ? keys : [...keys, ...KEYS];
    static kerasName = name;
    constructor(...args: ResizeArgs<V>) { super(rank, name, args); }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return registerLayer(cls) as unknown as Callable<new (...args: ResizeArgs<V>) => B>;
}

type PadSpec = number | number[] | number[][] | Record<string, number>;
export const ZeroPadding1D = family<ZeroPadding, PadSpec>(ZeroPadding, ['padding'], 'ZeroPadding1D', 1);
export const ZeroPadding2D = family<ZeroPadding, PadSpec>(ZeroPadding, ['padding'], 'ZeroPadding2D', 2);
export const ZeroPadding3D = family<ZeroPadding, PadSpec>(ZeroPadding, ['padding'], 'ZeroPadding3D', 3);
export const Cropping1D = family<Cropping, PadSpec>(Cropping, ['cropping'], 'Cropping1D', 1);
export const Cropping2D = family<Cropping, PadSpec>(Cropping, ['cropping'], 'Cropping2D', 2);
export const Cropping3D = family<Cropping, PadSpec>(Cropping, ['cropping'], 'Cropping3D', 3);
export const UpSampling1D = family<UpSampling, number>(UpSampling, ['size', 'length'], 'UpSampling1D', 1);
export const UpSampling2D = family<UpSampling, number | number[]>(UpSampling, ['size'], 'UpSampling2D', 2);
export const UpSampling3D = family<UpSampling, number | number[]>(UpSampling, ['size'], 'UpSampling3D', 3);
export type { ZeroPadding, Cropping, UpSampling, SpatialResize };
