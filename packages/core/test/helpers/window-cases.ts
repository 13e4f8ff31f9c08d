import fc from 'fast-check';
import { windowAxis, type Padding } from '@kerasgpu/kernels';

/** Geometry of a sliding-window op (conv2d or pooling) on an NHWC input. */
export interface WindowCase {
  xShape: [number, number, number, number];
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
}

const pair = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));

/**
 * Small windows with every padding mode, strides up to 3 and (when `dilate`) dilation up to 2,
 * over odd and even image sizes; only geometries with a non-empty output.
 */
export function windowCaseArb(channels: fc.Arbitrary<number>, dilate: boolean): fc.Arbitrary<WindowCase> {
  return fc
    .record({
      xShape: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), channels),
      kernel: pair(1, 3),
      strides: pair(1, 3),
      dilations: dilate ? pair(1, 2) : fc.constant<[number, number]>([1, 1]),
      padding: fc.constantFrom<Padding>('valid', 'same', 'full'),
    })
    .filter((c) => [0, 1].every((a) => windowAxis(c.xShape[a + 1]!, c.kernel[a]!, c.strides[a]!, c.dilations[a]!, c.padding).out > 0));
}

/** Output height and width of a window case. */
export function outputSize(c: WindowCase): [number, number] {
  const axis = (a: 0 | 1) => windowAxis(c.xShape[a + 1]!, c.kernel[a]!, c.strides[a]!, c.dilations[a]!, c.padding);
  return [axis(0).out, axis(1).out];
}
