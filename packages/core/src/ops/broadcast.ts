import { ShapeError } from '../errors.js';
import { fmt, sameShape, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { reshape, tile } from './layout.js';
import { sum } from './reduce.js';

/** Sums a broadcast gradient back down to `shape` (the VJP of broadcasting). */
export function reduceToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  return reshape(sum(g, axes), shape);
}

/** Repeats x along size-1 (or missing leading) dims to `shape`. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  if (x.rank > shape.length) throw new ShapeError(`broadcastTo: cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
  const padded = [...new Array<number>(shape.length - x.rank).fill(1), ...x.shape];
  const reps = shape.map((d, i) => {
    if (padded[i] === d) return 1;
    if (padded[i] === 1) return d;
    throw new ShapeError(`broadcastTo: cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
  });
  return tile(reshape(x, padded), reps);
}
