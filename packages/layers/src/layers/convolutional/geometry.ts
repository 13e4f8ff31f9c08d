import { windowAxis, type Padding } from '@kerasgpu/core';
import { ShapeError, ValueError } from '../../utils/errors.js';
import type { DimOrdering } from '../../utils/image-ordering.js';
import type { Shape } from '../../utils/shape.js';

export type { Padding };

export function resolvePadding(owner: string, v: unknown): Padding {
  const p = v ?? 'valid';
  if (p !== 'valid' && p !== 'same' && p !== 'full') throw new ValueError(`${owner}: padding (border_mode) must be 'valid', 'same' or 'full', got '${String(p)}'`);
  return p;
}

/** A size per spatial axis from a number or an array (Keras accepts both). */
export function tupleOf(owner: string, what: string, v: unknown, rank: number, fallback: number[]): number[] {
  if (v === undefined || v === null) return fallback;
  const arr = typeof v === 'number' ? new Array<number>(rank).fill(v) : (v as number[]);
  if (!Array.isArray(arr) || arr.length !== rank || arr.some((d) => !(Number.isInteger(d) && d > 0))) {
    throw new ValueError(`${owner}: ${what} must be a positive integer or ${rank} of them, got ${JSON.stringify(v)}`);
  }
  return arr;
}

/** Spatial axes and channel axis of an input of rank 2 + spatial, under an ordering. */
export function layoutAxes(spatialRank: number, ordering: DimOrdering): { spatial: number[]; channel: number } {
  return ordering === 'tf'
    ? { spatial: Array.from({ length: spatialRank }, (_, i) => i + 1), channel: spatialRank + 1 }
    : { spatial: Array.from({ length: spatialRank }, (_, i) => i + 2), channel: 1 };
}

/** Axis permutations that put the channel axis last and back, for 'th' inputs around core's channels-last ops. */
export const toChannelsLast = (spatialRank: number): number[] => [0, ...Array.from({ length: spatialRank }, (_, i) => i + 2), 1];
export const toChannelsFirst = (spatialRank: number): number[] => [0, spatialRank + 1, ...Array.from({ length: spatialRank }, (_, i) => i + 1)];

/** Output shape of a sliding window over `inputShape` (Keras shapes, null batch). */
export function windowOutputShape(owner: string, inputShape: Shape, kernel: number[], strides: number[], dilation: number[], padding: Padding, ordering: DimOrdering, channelsOut: number | null): Shape {
  const { spatial, channel } = layoutAxes(kernel.length, ordering);
  if (inputShape.length !== kernel.length + 2) {
    throw new ShapeError(`${owner} expects inputs of rank ${kernel.length + 2}, got shape with rank ${inputShape.length}`);
  }
  const out = [...inputShape];
  spatial.forEach((ax, i) => {
    const size = inputShape[ax];
    if (size === null || size === undefined) return;
    const o = windowAxis(size, kernel[i]!, strides[i]!, dilation[i]!, padding).out;
    if (o <= 0) throw new ShapeError(`${owner}: window ${kernel.join('x')} does not fit the input's spatial size ${size} with padding '${padding}'`);
    out[ax] = o;
  });
  if (channelsOut !== null) out[channel] = channelsOut;
  return out;
}
