import { add, cast, dropout, expandDims, matMul, mul, nextKey, softmax, sub, sum, tanh, tensor, type DType, type Tensor, type Variable } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { ShapeError } from '../../utils/errors.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import type { LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { bool, fraction, int, oneOf } from '../../utils/option-readers.js';

export type ScoreMode = 'dot' | 'concat';
export interface AttentionOptions extends LayerOptions {
  useScale?: boolean; scoreMode?: ScoreMode; dropout?: number; causal?: boolean; seed?: number | null;
}
const SCORE_MODES: readonly ScoreMode[] = ['dot', 'concat'];
/** What Keras subtracts from masked scores before the softmax (float32). */
const MASKED = 1e9;

/** [Tq, Tv] lower-triangular 0/1 matrix: query step i sees value steps j <= i. */
function lowerTriangular(tq: number, tv: number, dtype: DType): Tensor {
  const data = new Float64Array(tq * tv);
  for (let i = 0; i < tq; i++) for (let j = 0; j <= Math.min(i, tv - 1); j++) data[i * tv + j] = 1;
  return tensor(data, [tq, tv], dtype);
}

/**
 * Keras's dot-product (Luong) `Attention` layer (tf.keras ≥ 2.1 `dense_attention.Attention`,
 * Keras 3 `Attention`): inputs [query (…, Tq, dim), value (…, Tv, dim)] or [query, value, key];
 * scores = query·keyᵀ (times a learned `scale` when use_scale), or with score_mode 'concat'
 * Σ tanh(scale·(q + k))·concat_score_weight; softmax over Tv (masked value steps and, when
 * `causal`, future steps get −1e9); dropout on the weights in training; output weights·value,
 * zeroed where the query mask is 0. As in Keras, rank-2 inputs are one sequence of length
 * batch: the softmax then runs across the batch.
 */
class AttentionImpl extends Layer {
  static override readonly OPTIONS = ['useScale', 'scoreMode', 'dropout', 'causal', 'seed'];
  static kerasName = 'Attention';
  readonly useScale: boolean;
  readonly scoreMode: ScoreMode;
  readonly dropout: number;
  readonly causal: boolean;
  readonly seed: number | null;
  scale: Variable | null = null;
  concatScoreWeight: Variable | null = null;

  constructor(options: AttentionOptions = {}) {
    const o = Layer.parse('Attention', options, AttentionImpl.OPTIONS);
    super(o);
    this.supportsMasking = true;
    this.useScale = bool('Attention', o, 'useScale', false);
    this.scoreMode = oneOf('Attention', o, 'scoreMode', SCORE_MODES, 'dot', 'score_mode');
    this.dropout = fraction('Attention', o, 'dropout', { default: 0 });
    this.causal = bool('Attention', o, 'causal', false);
    this.seed = int('Attention', o, 'seed', { default: null });
  }

  /** Checks [query, value(, key)] and returns them with the key defaulting to the value. */
  private parts(shapes: Shape | Shape[]): [Shape, Shape, Shape] {
    if (!Array.isArray(shapes[0]) || (shapes.length !== 2 && shapes.length !== 3)) {
      throw new ShapeError(`${this.name} (Attention) takes a list [query, value] or [query, value, key], got ${Array.isArray(shapes[0]) ? `${shapes.length} inputs` : `one input ${fmtShape(shapes as Shape)}`}`);
    }
    const [q, v, k = v] = shapes as Shape[] as [Shape, Shape, Shape?];
    const desc = `query ${fmtShape(q)}, value ${fmtShape(v)}, key ${fmtShape(k)}`;
    const same = (a: number | null | undefined, b: number | null | undefined) => a === null || b === null || a === b;
    if (q.length < 2 || v.length !== q.length || k.length !== q.length) throw new ShapeError(`${this.name} (Attention): query, value and key need one rank >= 2, got ${desc}`);
    if (!same(q.at(-1), k.at(-1))) throw new ShapeError(`${this.name} (Attention): query and key need the same last axis (dim), got ${desc}`);
    if (!same(v.at(-2), k.at(-2))) throw new ShapeError(`${this.name} (Attention): value and key need the same number of steps Tv, got ${desc}`);
    return [q, v, k];
  }

  override build(shapes: Shape | Shape[]): void {
    this.parts(shapes);
    // Keras: both are scalars initialised to 1; the scale is written first.
    if (this.useScale) this.scale = this.addWeight('scale', [], 'ones', 'ones');
    if (this.scoreMode === 'concat') this.concatScoreWeight = this.addWeight('concat_score_weight', [], 'ones', 'ones');
  }

  override computeOutputShape(shapes: Shape | Shape[]): Shape {
    const [q, v] = this.parts(shapes);
    return [...q.slice(0, -1), v.at(-1)!];
  }

  override computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null | (Tensor | null)[] | undefined): Tensor | null {
    return Array.isArray(mask) ? (mask[0] ?? null) : null;
  }

  /** [..., Tq, Tv] scores of the query against the key. */
  private scores(q: Tensor, k: Tensor): Tensor {
    if (this.scoreMode === 'dot') {
      const s = matMul(q, k, false, true);
      return this.scale ? mul(s, this.scale) : s;
    }
    // [..., Tq, 1, dim] + [..., 1, Tv, dim] → Σ over dim.
    const pairs = add(expandDims(q, q.rank - 1), expandDims(k, k.rank - 2));
    return mul(sum(tanh(this.scale ? mul(pairs, this.scale) : pairs), -1), this.concatScoreWeight!);
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const xs = inputs as Tensor[];
    this.parts(xs.map((x) => [...x.shape]));
    const [q, v, k = v] = xs as [Tensor, Tensor, Tensor?];
    const masks = Array.isArray(args.mask) ? args.mask : [];
    let scores = this.scores(q, k);
    const [tq, tv] = scores.shape.slice(-2) as [number, number];
    // 1 where a value step may be attended: its mask [batch, 1, Tv], times the causal triangle.
    const vMask = masks[1] ? expandDims(masks[1], masks[1].rank - 1) : null;
    const triangle = this.causal ? lowerTriangular(tq, tv, scores.dtype) : null;
    const keep = vMask && triangle ? mul(vMask, triangle) : (vMask ?? triangle);
    if (keep) scores = sub(scores, mul(sub(1, cast(keep, scores.dtype)), MASKED));
    let weights = softmax(scores);
    if (args.training && this.dropout > 0) weights = dropout(weights, this.dropout, this.seed ?? nextKey());
    const out = matMul(weights, v);
    return masks[0] ? mul(out, cast(expandDims(masks[0], masks[0].rank), out.dtype)) : out;
  }

  /** tf.keras 2.11 / Keras 3 keys; `causal` (tf.keras < 2.11's option, now a call argument) only when set. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), dropout: this.dropout, use_scale: this.useScale, score_mode: this.scoreMode,
      ...(this.causal ? { causal: true } : {}), ...(this.seed === null ? {} : { seed: this.seed }),
    };
  }
}

export const Attention = registerLayer(AttentionImpl);
export type Attention = AttentionImpl;
