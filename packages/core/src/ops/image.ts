import { AFFINE_ROW_VALUES, FILL_MODES, type FillMode } from '@kerasgpu/kernels';
import { GradientError, KerasGpuError, ShapeError } from '../errors.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, assertSameDType, toTensor, type TensorLike } from './convert.js';
import { run1, type Vjp } from './run.js';

export interface AffineResampleOptions { fillMode?: FillMode; cval?: number }

/**
 * Image augmentation in one pass: image b of `images` [n, h, w, c] resampled through its own
 * affine map, `matrices` [n, 6] = rows 0 and 1 of the 3x3 matrix taking an output (row, col, 1)
 * to the input position it samples (nearest pixel, round half up). Positions outside the image
 * follow `fillMode` (Keras: 'constant' with `cval`, 'nearest', 'reflect', 'wrap'; default 'nearest').
 */
export function affineResample(images: TensorLike, matrices: TensorLike, options: AffineResampleOptions = {}): Tensor {
  const x = toTensor('affineResample', images);
  const m = toTensor('affineResample', matrices, x.dtype);
  assertFloat('affineResample', x);
  assertSameDType('affineResample', x, m);
  if (x.rank !== 4 || fmt(m.shape) !== fmt([x.shape[0]!, AFFINE_ROW_VALUES])) {
    throw new ShapeError(`affineResample: expected images [n, h, w, c] and matrices [n, ${AFFINE_ROW_VALUES}], got images ${fmt(x.shape)} and matrices ${fmt(m.shape)}`);
  }
  const fillMode = options.fillMode ?? 'nearest';
  if (!FILL_MODES.includes(fillMode)) throw new KerasGpuError(`affineResample: fillMode must be one of ${FILL_MODES.join(', ')}, got '${String(fillMode)}'`);
  return run1('affineResample', 'affineResample', { images: x, matrices: m }, { fillMode, cval: options.cval ?? 0 }, x.shape, x.dtype);
}

/** Nearest-pixel sampling is piecewise constant in the matrices and a selection of pixels; augmentation needs no gradient. */
export const affineResampleVjp: Vjp<'affineResample'> = () => {
  throw new GradientError('affineResample: gradients are not supported (augmentation runs outside the tape)');
};
