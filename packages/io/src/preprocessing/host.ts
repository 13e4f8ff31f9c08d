import { Tensor, tensor, type NestedArray } from '@kerasgpu/core';
import type { ArrayLike } from '@kerasgpu/layers';

/** A host array as batches are yielded (the analogue of Keras's numpy arrays; fit accepts it as is). */
export interface HostArray {
  data: Float32Array;
  shape: number[];
}

/** Reads any array the layers API accepts into host memory as float32. */
export async function toHost(x: ArrayLike): Promise<HostArray> {
  if (x instanceof Tensor) return { data: Float32Array.from(await x.data()), shape: [...x.shape] };
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && 'data' in x) return { data: Float32Array.from(x.data), shape: [...x.shape] };
  const t = tensor(x as NestedArray);
  try {
    return { data: Float32Array.from(await t.data()), shape: [...t.shape] };
  } finally {
    t.dispose();
  }
}

/** Rows `index` of `a` (along the first axis), in that order. */
export function takeRows(a: HostArray, index: readonly number[]): HostArray {
  const row = a.shape.slice(1).reduce((p, d) => p * d, 1);
  const data = new Float32Array(index.length * row);
  index.forEach((i, k) => data.set(a.data.subarray(i * row, (i + 1) * row), k * row));
  return { data, shape: [index.length, ...a.shape.slice(1)] };
}
