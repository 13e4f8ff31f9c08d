/**
 * Image augmentation as Keras does it: one affine map per image from output pixel (row, col) to
 * the input position it samples. Matrices are 3x3 row-major, acting on (row, col, 1); the
 * resampling itself (nearest pixel, fill modes) is core's affineResample kernel.
 */
export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];

export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function matmul3(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i * 3 + j] = a[i * 3]! * b[j]! + a[i * 3 + 1]! * b[3 + j]! + a[i * 3 + 2]! * b[6 + j]!;
  return out as unknown as Mat3;
}

/** The random parameters of one image's transform (Keras 1's random_transform draws these). */
export interface TransformParams {
  /** Rotation in degrees. */
  theta: number;
  /** Shifts in pixels along rows (tx, Keras's height shift) and columns (ty, width shift). */
  tx: number;
  ty: number;
  /** Shear angle in radians (Keras 1 passes the drawn value straight to sin/cos). */
  shear: number;
  /** Zoom factors along rows and columns (> 1 shows less of the image: the map scales sample positions). */
  zx: number;
  zy: number;
  flipRows: boolean;
  flipCols: boolean;
}

export const NO_TRANSFORM: TransformParams = { theta: 0, tx: 0, ty: 0, shear: 0, zx: 1, zy: 1, flipRows: false, flipCols: false };

/**
 * Keras 1's transform matrix, rotation · translation · shear · zoom, centred on the image, with
 * the flips folded in so that the whole geometric augmentation is a single resampling pass.
 * The centre is the image's geometric centre ((h-1)/2, (w-1)/2), so a 90° rotation is exactly a
 * transpose and a flip; Keras's transform_matrix_offset_center uses h/2 + 0.5, one pixel off,
 * which shifts rotated and zoomed images by a pixel or two.
 */
export function transformMatrix(p: TransformParams, h: number, w: number): Mat3 {
  const t = (p.theta * Math.PI) / 180;
  const rotation: Mat3 = [Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1];
  const translation: Mat3 = [1, 0, p.tx, 0, 1, p.ty, 0, 0, 1];
  const shear: Mat3 = [1, -Math.sin(p.shear), 0, 0, Math.cos(p.shear), 0, 0, 0, 1];
  const zoom: Mat3 = [p.zx, 0, 0, 0, p.zy, 0, 0, 0, 1];
  const m = matmul3(matmul3(matmul3(rotation, translation), shear), zoom);
  const [ox, oy] = [(h - 1) / 2, (w - 1) / 2];
  const centred = matmul3(matmul3([1, 0, ox, 0, 1, oy, 0, 0, 1], m), [1, 0, -ox, 0, 1, -oy, 0, 0, 1]);
  // A flip of the output, x'[r, c] = x[r, w-1-c], samples the transform at the mirrored position.
  const flip: Mat3 = [p.flipRows ? -1 : 1, 0, p.flipRows ? h - 1 : 0, 0, p.flipCols ? -1 : 1, p.flipCols ? w - 1 : 0, 0, 0, 1];
  return matmul3(centred, flip);
}
