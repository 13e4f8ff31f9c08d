import { setBackend } from '@kerasgpu/layers';
import { AFFINE_ROW_VALUES, affineResampleCpu, type FillMode } from '@kerasgpu/kernels';
import { describe, expect, it } from 'vitest';
import { ImageDataGenerator } from '../src/index.js';
import { transformMatrix, type Mat3 } from '../src/preprocessing/affine.js';
import { Draws } from '../src/preprocessing/random.js';

/**
 * The generator resamples through core's affineResample on the active backend. Its output must be
 * what the host implementation it replaced computed (now the kernel's cpu reference, fed the
 * float64 matrices as before). The device gets float32 matrices and may round a sample position
 * that lies within float error of a half-pixel tie to the other pixel; only there may outputs differ.
 */
const SHAPE = [6, 13, 17, 3] as [number, number, number, number];
const IMAGES = Float32Array.from({ length: SHAPE.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 1.7) * 3);
const TIE = 1e-4;

/** Output pixels (b, row, col) whose sample position is within TIE of a rounding tie. */
function nearTies(ms: readonly Mat3[]): Set<number> {
  const [, h, w] = SHAPE;
  const near = (p: number) => Math.abs(p - Math.floor(p) - 0.5) < TIE;
  const out = new Set<number>();
  ms.forEach((m, b) => {
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
      if (near(m[0] * r + m[1] * c + m[2]) || near(m[3] * r + m[4] * c + m[5])) out.add((b * h + r) * w + c);
    }
  });
  return out;
}

describe('ImageDataGenerator augmentation on each backend = the host resampling it replaced', () => {
  for (const backend of ['cpu', 'webgpu'] as const) {
    for (const fillMode of ['constant', 'nearest', 'reflect', 'wrap'] as FillMode[]) {
      it(`${backend}, fill mode ${fillMode}`, async () => {
        await setBackend(backend);
        const gen = ImageDataGenerator({
          rotationRange: 40, widthShiftRange: 0.3, heightShiftRange: 0.3, shearRange: 0.5, zoomRange: 0.3,
          horizontalFlip: true, verticalFlip: true, fillMode, cval: -2,
        });
        const got = await gen.randomTransform({ data: IMAGES, shape: [...SHAPE] }, new Draws(5), 0);
        const [n, h, w, c] = SHAPE;
        const ms = Array.from({ length: n }, (_, k) => transformMatrix(gen.randomParams(new Draws(5), k, h, w), h, w));
        const want = new Float32Array(IMAGES.length);
        affineResampleCpu(IMAGES, SHAPE, Float64Array.from(ms.flatMap((m) => m.slice(0, AFFINE_ROW_VALUES))), { fillMode, cval: -2 }, want);
        const ties = nearTies(ms);
        expect(ties.size).toBeLessThan(n * h * w * 0.01);
        let filled = 0;
        for (let i = 0; i < want.length; i++) {
          if (want[i] === -2) filled++;
          if (got.data[i] !== want[i] && !ties.has(Math.floor(i / c))) throw new Error(`element ${i}: ${backend} ${got.data[i]} vs host ${want[i]}`);
        }
        // The transforms move pixels outside the image, so the fill mode matters.
        expect(filled > 0).toBe(fillMode === 'constant');
      });
    }
  }
});
