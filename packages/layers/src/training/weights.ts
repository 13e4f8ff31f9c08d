import { argMax, cast, gather, minimum, reshape, tensor, type Tensor } from '@kerasgpu/core';
import { ShapeError, ValueError } from '../utils/errors.js';
import { fmtShape } from '../utils/shape.js';
import { loadAll, standardize, type DataInput, type Rows } from './data.js';

/**
 * Per-sample (or per-timestep, mode 'temporal') weights for each output, from `sampleWeight`
 * and `classWeight` (class = argmax of a one-hot target, else the target value), on the device.
 */
export function sampleWeights(
  owner: string, ys: readonly Rows[], names: readonly string[], modes: readonly ('temporal' | null)[],
  sampleWeight: DataInput | undefined, classWeight: Record<number, number> | undefined, owned: Tensor[],
): (Tensor | null)[] {
  const sws = sampleWeight === undefined ? names.map(() => null)
    : loadAll(standardize('sample_weight', sampleWeight, names, names.map(() => []), owned, { owner, checkShapes: false }), owned);
  return ys.map((y, i) => {
    const sw = sws[i] ?? null;
    if (sw) {
      const temporal = modes[i] === 'temporal';
      if (!temporal && sw.rank !== 1) {
        // Keras 1's wording: a 2-D array usually means timestep-wise weights, which need the mode.
        throw new ShapeError(`sample_weight for ${names[i]} has shape ${fmtShape(sw.shape)}: for timestep-wise weights, compile with sampleWeightMode: 'temporal' (Keras: sample_weight_mode='temporal'); for sample-wise weights, pass a 1-D array (samples,)`);
      }
      if (temporal && sw.rank !== 2) {
        throw new ShapeError(`sample_weight for ${names[i]} must have rank 2 (samples, timesteps) with sampleWeightMode 'temporal', got ${fmtShape(sw.shape)}`);
      }
      if (sw.shape[0] !== y.shape[0]) throw new ValueError(`sample_weight has ${sw.shape[0]} samples, y has ${y.shape[0]}`);
      return sw;
    }
    if (!classWeight) return null;
    if (modes[i] === 'temporal') throw new ValueError('classWeight is not supported for temporal (3D) outputs');
    // Classes the dict leaves out weigh 1 (Keras): the table covers every class, the last entry
    // standing for labels beyond the largest key.
    const [t] = loadAll([y], owned) as [Tensor];
    const last = t.shape[t.rank - 1]!;
    const oneHot = t.rank > 1 && last > 1;
    const maxKey = Math.max(-1, ...Object.keys(classWeight).map(Number));
    const size = Math.max(maxKey + 2, oneHot ? last : 0);
    const table = tensor(Array.from({ length: size }, (_, k) => classWeight[k] ?? 1));
    owned.push(table);
    const labels = oneHot ? argMax(t, -1) : cast(reshape(t, [t.shape[0]!]), 'int32');
    const classes = oneHot ? labels : minimum(labels, size - 1);
    if (classes !== labels) owned.push(labels);
    const w = gather(table, classes);
    owned.push(classes, w);
    return w;
  });
}
