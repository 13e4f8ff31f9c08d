import { beforeAll, describe, expect, it } from 'vitest';
import {
  Attention, Embedding, Input, Model, deserializeLayer, randomUniform, reshape, slice, tensor, type Tensor,
} from '@kerasgpu/layers';
import type { CallArgs } from '../src/engine/symbolic.js';
import type { Shape } from '../src/utils/shape.js';
import { checkLayerGrad } from './grad-check.js';
import { expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

interface RefOptions { scale?: number; concatWeight?: number; causal?: boolean; vMask?: number[][]; qMask?: number[][] }

/**
 * tf.keras 2.11's dense_attention.Attention on numbers, batch by batch: q [B][Tq][D], v [B][Tv][Dv],
 * k [B][Tv][D]. Score 'dot' = scale·q·k, 'concat' = w·Σ tanh(scale·(q + k)); masked steps −1e9.
 */
function reference(q: number[][][], v: number[][][], k: number[][][], o: RefOptions = {}): number[] {
  const scale = o.scale ?? 1;
  const out: number[] = [];
  q.forEach((qb, b) => qb.forEach((qi, i) => {
    const scores = k[b]!.map((kj, j) => {
      const s = o.concatWeight === undefined
        ? scale * qi.reduce((a, x, d) => a + x * kj[d]!, 0)
        : o.concatWeight * qi.reduce((a, x, d) => a + Math.tanh(scale * (x + kj[d]!)), 0);
      const keep = (o.vMask?.[b]![j] ?? 1) * (o.causal && j > i ? 0 : 1);
      return s - (1 - keep) * 1e9;
    });
    const top = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - top));
    const total = e.reduce((a, x) => a + x, 0);
    const qm = o.qMask?.[b]![i] ?? 1;
    v[b]![0]!.forEach((_, d) => out.push(qm * e.reduce((a, w, j) => a + (w / total) * v[b]![j]![d]!, 0)));
  }));
  return out;
}

const nest = (flat: number[], [b, t, d]: number[]): number[][][] =>
  Array.from({ length: b! }, (_, i) => Array.from({ length: t! }, (_, j) => flat.slice((i * t! + j) * d!, (i * t! + j + 1) * d!)));

async function draw(shape: number[]): Promise<[Tensor, number[][][]]> {
  const t = randomUniform(shape, -1.5, 1.5);
  return [t, nest(await values(t), shape)];
}

describe('Attention: values (tf.keras 2.11 dense_attention formulas)', () => {
  it('dot scores, [query, value] and [query, value, key], Tq ≠ Tv, value dim ≠ key dim', async () => {
    const [q, qs] = await draw([2, 3, 4]);
    const [v, vs] = await draw([2, 5, 6]);
    const [k, ks] = await draw([2, 5, 4]);
    expectClose(await values(Attention().apply([q, k]) as Tensor), reference(qs, ks, ks));
    expectClose(await values(Attention().apply([q, v, k]) as Tensor), reference(qs, vs, ks));
  });

  it('use_scale multiplies the scores by a learned scalar; concat scores use tanh and a second scalar', async () => {
    const [q, qs] = await draw([2, 3, 4]);
    const [v, vs] = await draw([2, 4, 4]);
    const scaled = Attention({ use_scale: true, weights: [0.7] });
    expectClose(await values(scaled.apply([q, v]) as Tensor), reference(qs, vs, vs, { scale: 0.7 }));
    expect(scaled.weightNames).toEqual([`${scaled.name}/scale:0`]);
    expect(scaled.weights[0]!.shape).toEqual([]);
    const concatMode = Attention({ score_mode: 'concat', use_scale: true, weights: [0.5, 1.3] });
    expectClose(await values(concatMode.apply([q, v]) as Tensor), reference(qs, vs, vs, { scale: 0.5, concatWeight: 1.3 }));
    expect(concatMode.weightNames).toEqual(['scale', 'concat_score_weight'].map((n) => `${concatMode.name}/${n}:0`));
    const fresh = Attention({ score_mode: 'concat' });
    expectClose(await values(fresh.apply([q, v]) as Tensor), reference(qs, vs, vs, { concatWeight: 1 }));
  });

  it('causal: step i attends to value steps j <= i only', async () => {
    const [q, qs] = await draw([2, 4, 3]);
    const [v, vs] = await draw([2, 4, 3]);
    expectClose(await values(Attention({ causal: true }).apply([q, v]) as Tensor), reference(qs, vs, vs, { causal: true }));
  });

  it('masks: value padding is never attended, padded query steps give 0, the query mask passes on', async () => {
    const ids = Input({ shape: [4], dtype: 'int32' });
    const e = Embedding(6, 3, { mask_zero: true }).apply(ids);
    const model = Model({ inputs: ids, outputs: Attention().apply([e, e]) });
    const x = [[1, 2, 3, 0], [4, 5, 0, 0]];
    const y = model.predict(tensor(x, [2, 4], 'int32')) as Tensor;
    const table = nest(await values(model.layers[1]!.weights[0]!), [1, 6, 3])[0]!;
    const emb = x.map((row) => row.map((id) => table[id]!));
    const mask = x.map((row) => row.map((id) => (id === 0 ? 0 : 1)));
    expectClose(await values(y), reference(emb, emb, emb, { vMask: mask, qMask: mask }));
    const layer = model.layers[2]!;
    expect(layer.computeMask([], [tensor([1]), tensor([0])])).not.toBeNull();
    expect(layer.computeMask([], null)).toBeNull();
  });

  it('rank-2 inputs are one sequence of length batch, as in Keras (the softmax runs across the batch)', async () => {
    const [q, qs] = await draw([1, 3, 4]);
    expectClose(await values(Attention().apply([reshape(q, [3, 4]), reshape(q, [3, 4])]) as Tensor), reference(qs, qs, qs));
  });

  it('dropout acts on the attention weights in training only', async () => {
    const [q] = await draw([2, 3, 4]);
    const layer = Attention({ dropout: 0.5, seed: 3 });
    const inference = await values(layer.call([q, q], { training: false }) as Tensor);
    expect(inference).toEqual(await values(Attention().call([q, q], { training: false }) as Tensor));
    expect(await values(layer.call([q, q], { training: true }) as Tensor)).not.toEqual(inference);
  });
});

describe('Attention: configs and errors', () => {
  it('reads tf.keras 2.4 (causal), 2.11 (score_mode) and Keras 3 configs; getConfig round-trips', () => {
    const configs = [
      { name: 'a', trainable: true, dtype: 'float32', causal: false, dropout: 0, use_scale: false },
      { name: 'attention', trainable: true, dtype: 'float32', dropout: 0.2, use_scale: false, score_mode: 'dot' },
      { name: 'c', trainable: true, dropout: 0.1, use_scale: true, score_mode: 'concat', causal: true, seed: 7 },
    ];
    for (const config of configs) {
      const layer = deserializeLayer({ class_name: 'Attention', config });
      const cfg = layer.getConfig();
      expect(cfg).toMatchObject({ dropout: config.dropout, use_scale: config.use_scale, score_mode: config.score_mode ?? 'dot' });
      expect(deserializeLayer({ class_name: 'Attention', config: cfg }).getConfig()).toEqual(cfg);
    }
    expect(deserializeLayer({ class_name: 'Attention', config: configs[2]! }).getConfig()).toMatchObject({ causal: true, seed: 7 });
  });

  it('refuses bad options and inputs, naming the layer and shapes', () => {
    expect(() => Attention({ score_mode: 'additive' as 'dot' })).toThrow(/score_mode must be 'dot' or 'concat'/);
    expect(() => Attention({ dropout: 1 })).toThrow(/dropout must be in \[0, 1\)/);
    const q = Input({ shape: [3, 4] });
    expect(() => Attention({ name: 'att' }).apply(q)).toThrow(/att \(Attention\) takes a list \[query, value\]/);
    expect(() => Attention({ name: 'att' }).apply([q, Input({ shape: [5, 2] })])).toThrow(/att \(Attention\): query and key need the same last axis.*\(None, 3, 4\).*\(None, 5, 2\)/);
    expect(() => Attention().apply([q, Input({ shape: [5, 4] }), Input({ shape: [6, 4] })])).toThrow(/same number of steps Tv/);
  });
});

/**
 * The gradient check feeds one tensor: this Attention splits it along the steps into a query
 * (the first 2 steps) and a value (the other 3), so q and v differ (Tq ≠ Tv).
 */
function splitAttention(options: ConstructorParameters<typeof Attention>[0]) {
  return class extends Attention {
    constructor() { super(options); }
    override build(_s: Shape | Shape[]): void { super.build([[null, 2, 3], [null, 3, 3]]); }
    override call(x: Tensor | Tensor[], args: CallArgs): Tensor {
      const t = x as Tensor;
      return super.call([slice(t, [0, 0, 0], [t.shape[0]!, 2, 3]), slice(t, [0, 2, 0], [t.shape[0]!, 3, 3])], args);
    }
  };
}
checkLayerGrad('Attention (dot, use_scale)', () => new (splitAttention({ use_scale: true, weights: [0.8] }))(), [2, 5, 3]);
checkLayerGrad('Attention (concat, use_scale)', () => new (splitAttention({ score_mode: 'concat', use_scale: true, weights: [0.6, 1.2] }))(), [2, 5, 3]);
checkLayerGrad('Attention (causal)', () => new (splitAttention({ causal: true }))(), [2, 5, 3]);
