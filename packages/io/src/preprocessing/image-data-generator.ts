import { affineResample, AFFINE_ROW_VALUES, FILL_MODES, nextKey, tensor, type FillMode } from '@kerasgpu/core';
import { callable, parseOptions, ValueError, type ArrayLike } from '@kerasgpu/layers';
import { transposeNd } from '../keras/ndarray.js';
import { transformMatrix, type TransformParams } from './affine.js';
import { toHost, type HostArray } from './host.js';
import { NumpyArrayIterator, DirectoryIterator, type FlowBatch, type FlowOptions, type DirectoryOptions } from './iterators.js';
import { Draws } from './random.js';
import { channelMoments, zcaMatrix } from './statistics.js';

export interface ImageDataGeneratorOptions {
  featurewiseCenter?: boolean; samplewiseCenter?: boolean;
  featurewiseStdNormalization?: boolean; samplewiseStdNormalization?: boolean;
  zcaWhitening?: boolean;
  rotationRange?: number; widthShiftRange?: number; heightShiftRange?: number; shearRange?: number;
  zoomRange?: number | [number, number]; channelShiftRange?: number;
  fillMode?: FillMode; cval?: number;
  horizontalFlip?: boolean; verticalFlip?: boolean;
  rescale?: number | null;
  dimOrdering?: 'th' | 'tf' | 'channels_first' | 'channels_last';
  [keras: string]: unknown;
}

const KEYS = ['featurewiseCenter', 'samplewiseCenter', 'featurewiseStdNormalization', 'samplewiseStdNormalization', 'zcaWhitening',
  'rotationRange', 'widthShiftRange', 'heightShiftRange', 'shearRange', 'zoomRange', 'channelShiftRange', 'fillMode', 'cval',
  'horizontalFlip', 'verticalFlip', 'rescale', 'dimOrdering'];

const EPSILON = 1e-7;

/** Draw slots per sample: the transform's parameters, then one channel shift per channel. */
const SLOT = { theta: 0, tx: 1, ty: 2, shear: 3, zx: 4, zy: 5, flipCols: 6, flipRows: 7, channel: 8 } as const;

/**
 * Keras 1's ImageDataGenerator: real-time augmentation (one affine transform per image, one
 * resampling pass on the active backend, seeded draws) and normalisation, with statistics from
 * `fit`. Images are NHWC ('tf') or NCHW ('th'); internally everything is NHWC.
 */
class ImageDataGeneratorImpl {
  readonly featurewiseCenter: boolean; readonly samplewiseCenter: boolean;
  readonly featurewiseStdNormalization: boolean; readonly samplewiseStdNormalization: boolean;
  readonly zcaWhitening: boolean;
  readonly rotationRange: number; readonly widthShiftRange: number; readonly heightShiftRange: number;
  readonly shearRange: number; readonly zoomRange: [number, number]; readonly channelShiftRange: number;
  readonly fillMode: FillMode; readonly cval: number;
  readonly horizontalFlip: boolean; readonly verticalFlip: boolean;
  readonly rescale: number | null;
  readonly dimOrdering: 'th' | 'tf';
  /** Statistics from fit: per-channel mean and std, and the ZCA matrix (D x D, row-major). */
  mean: Float64Array | null = null;
  std: Float64Array | null = null;
  principalComponents: Float64Array | null = null;

  constructor(options: ImageDataGeneratorOptions = {}) {
    const o = parseOptions('ImageDataGenerator', options, KEYS);
    const bool = (k: string) => (o[k] as boolean | undefined) ?? false;
    const num = (k: string, d: number) => (o[k] as number | undefined) ?? d;
    this.featurewiseCenter = bool('featurewiseCenter'); this.samplewiseCenter = bool('samplewiseCenter');
    this.featurewiseStdNormalization = bool('featurewiseStdNormalization'); this.samplewiseStdNormalization = bool('samplewiseStdNormalization');
    this.zcaWhitening = bool('zcaWhitening');
    this.rotationRange = num('rotationRange', 0); this.widthShiftRange = num('widthShiftRange', 0);
    this.heightShiftRange = num('heightShiftRange', 0); this.shearRange = num('shearRange', 0);
    this.channelShiftRange = num('channelShiftRange', 0); this.cval = num('cval', 0);
    const zoom = o.zoomRange ?? 0;
    if (typeof zoom === 'number') this.zoomRange = [1 - zoom, 1 + zoom];
    else if (Array.isArray(zoom) && zoom.length === 2) this.zoomRange = [zoom[0], zoom[1]];
    else throw new ValueError(`ImageDataGenerator: zoomRange should be a number or [lower, upper], got ${JSON.stringify(zoom)}`);
    this.fillMode = (o.fillMode as FillMode | undefined) ?? 'nearest';
    if (!FILL_MODES.includes(this.fillMode)) throw new ValueError(`ImageDataGenerator: fillMode must be one of ${FILL_MODES.join(', ')}, got '${this.fillMode}'`);
    this.horizontalFlip = bool('horizontalFlip'); this.verticalFlip = bool('verticalFlip');
    this.rescale = (o.rescale as number | null | undefined) ?? null;
    const ordering = (o.dimOrdering as string | undefined) ?? 'tf';
    if (ordering !== 'th' && ordering !== 'tf') throw new ValueError(`ImageDataGenerator: dimOrdering must be 'th' or 'tf', got '${ordering}'`);
    this.dimOrdering = ordering;
  }

  /** NHWC view of a batch in this generator's ordering (and back). */
  toNHWC(x: HostArray): HostArray {
    if (x.shape.length !== 4) throw new ValueError(`ImageDataGenerator: expected images of rank 4 (samples, ...), got shape [${x.shape.join(', ')}]`);
    return this.dimOrdering === 'th' ? transposeNd(x, [0, 2, 3, 1]) : x;
  }
  fromNHWC(x: HostArray): HostArray {
    return this.dimOrdering === 'th' ? transposeNd(x, [0, 3, 1, 2]) : x;
  }

  /** The parameters Keras 1's random_transform would draw, for sample number `sample` of a stream. */
  randomParams(draws: Draws, sample: number, h: number, w: number): TransformParams {
    const u = (slot: number, range: number) => (range ? draws.uniform(sample, slot, -range, range) : 0);
    const [z0, z1] = this.zoomRange;
    const zoomed = !(z0 === 1 && z1 === 1);
    return {
      theta: u(SLOT.theta, this.rotationRange),
      tx: u(SLOT.tx, this.heightShiftRange) * h,
      ty: u(SLOT.ty, this.widthShiftRange) * w,
      shear: u(SLOT.shear, this.shearRange),
      zx: zoomed ? draws.uniform(sample, SLOT.zx, z0, z1) : 1,
      zy: zoomed ? draws.uniform(sample, SLOT.zy, z0, z1) : 1,
      flipCols: this.horizontalFlip && draws.unit(sample, SLOT.flipCols) < 0.5,
      flipRows: this.verticalFlip && draws.unit(sample, SLOT.flipRows) < 0.5,
    };
  }

  private get augments(): boolean {
    return !!(this.rotationRange || this.widthShiftRange || this.heightShiftRange || this.shearRange || this.horizontalFlip || this.verticalFlip
      || this.zoomRange[0] !== 1 || this.zoomRange[1] !== 1);
  }

  /**
   * Augments NHWC images: sample k of the batch gets the transform drawn for stream position
   * `first + k`, all in one resampling pass (the affineResample kernel of the active backend),
   * then Keras's channel shift.
   */
  async randomTransform(x: HostArray, draws: Draws, first: number): Promise<HostArray> {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    let data = x.data;
    if (this.augments) {
      // Rows 0 and 1 of each image's 3x3 map: the kernel's matrices input.
      const matrices = new Float32Array(n * AFFINE_ROW_VALUES);
      for (let k = 0; k < n; k++) matrices.set(transformMatrix(this.randomParams(draws, first + k, h, w), h, w).slice(0, AFFINE_ROW_VALUES), k * AFFINE_ROW_VALUES);
      const [images, maps] = [tensor(x.data, [n, h, w, c]), tensor(matrices, [n, AFFINE_ROW_VALUES])];
      const out = affineResample(images, maps, { fillMode: this.fillMode, cval: this.cval });
      images.dispose();
      maps.dispose();
      data = (await out.data()) as Float32Array; // a float32 tensor reads back as a fresh Float32Array
      out.dispose();
    } else {
      data = Float32Array.from(data);
    }
    if (this.channelShiftRange) {
      const size = h * w * c;
      for (let k = 0; k < n; k++) {
        const img = data.subarray(k * size, (k + 1) * size);
        let lo = Infinity, hi = -Infinity;
        for (const v of img) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        const shifts = Array.from({ length: c }, (_, ch) => draws.uniform(first + k, SLOT.channel + ch, -this.channelShiftRange, this.channelShiftRange));
        for (let i = 0; i < size; i++) img[i] = Math.min(hi, Math.max(lo, img[i]! + shifts[i % c]!));
      }
    }
    return { data, shape: [...x.shape] };
  }

  /** Keras's standardize, in place on NHWC images: rescale, sample-wise then feature-wise normalisation, ZCA. */
  standardize(x: HostArray): HostArray {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const size = h * w * c;
    const d = x.data;
    if (this.rescale) for (let i = 0; i < d.length; i++) d[i]! *= this.rescale;
    for (let k = 0; k < n; k++) {
      const img = d.subarray(k * size, (k + 1) * size);
      if (this.samplewiseCenter || this.samplewiseStdNormalization) {
        let mean = 0;
        for (const v of img) mean += v;
        mean /= size;
        if (this.samplewiseCenter) for (let i = 0; i < size; i++) img[i]! -= mean;
        if (this.samplewiseStdNormalization) {
          const m = this.samplewiseCenter ? 0 : mean;
          let sq = 0;
          for (const v of img) sq += (v - m) ** 2;
          const std = Math.sqrt(sq / size);
          for (let i = 0; i < size; i++) img[i]! /= std + EPSILON;
        }
      }
      if (this.featurewiseCenter) {
        const mean = this.need(this.mean, 'featurewiseCenter');
        for (let i = 0; i < size; i++) img[i]! -= mean[i % c]!;
      }
      if (this.featurewiseStdNormalization) {
        const std = this.need(this.std, 'featurewiseStdNormalization');
        for (let i = 0; i < size; i++) img[i]! /= std[i % c]! + EPSILON;
      }
      if (this.zcaWhitening) {
        const pc = this.need(this.principalComponents, 'zcaWhitening');
        const flat = Float64Array.from(img);
        for (let j = 0; j < size; j++) {
          let s = 0;
          for (let i = 0; i < size; i++) s += flat[i]! * pc[i * size + j]!;
          img[j] = s;
        }
      }
    }
    return x;
  }

  private need<T>(v: T | null, option: string): T {
    if (v === null) throw new ValueError(`ImageDataGenerator: ${option} needs the dataset statistics: call fit(x) first`);
    return v;
  }

  /**
   * Computes the dataset statistics that featurewise centering / normalisation and ZCA whitening
   * use (Keras 1's fit): optionally on `rounds` augmented copies of x.
   */
  async fit(x: ArrayLike, options: { augment?: boolean; rounds?: number; seed?: number; [keras: string]: unknown } = {}): Promise<void> {
    const o = parseOptions('ImageDataGenerator.fit', options, ['augment', 'rounds', 'seed']);
    let data = this.toNHWC(await toHost(x));
    if (o.augment) {
      const rounds = (o.rounds as number | undefined) ?? 1;
      const draws = new Draws((o.seed as number | undefined) ?? nextKey());
      const n = data.shape[0]!;
      const copies = await Promise.all(Array.from({ length: rounds }, (_, r) => this.randomTransform(data, draws, r * n)));
      data = { data: Float32Array.from(copies.flatMap((cp) => Array.from(cp.data))), shape: [rounds * n, ...data.shape.slice(1)] };
    } else {
      data = { data: Float32Array.from(data.data), shape: data.shape };
    }
    const c = data.shape[3]!;
    const { mean, std } = channelMoments(data);
    if (this.featurewiseCenter) {
      this.mean = mean;
      for (let i = 0; i < data.data.length; i++) data.data[i]! -= mean[i % c]!;
    }
    if (this.featurewiseStdNormalization) {
      this.std = std;
      for (let i = 0; i < data.data.length; i++) data.data[i]! /= std[i % c]! + EPSILON;
    }
    if (this.zcaWhitening) this.principalComponents = zcaMatrix(data);
  }

  /** Endless batches of augmented, standardised [x, y] (or [x] without y) from arrays (Keras's flow). */
  flow(x: ArrayLike, y: ArrayLike, options?: FlowOptions): NumpyArrayIterator<[HostArray, HostArray]>;
  flow(x: ArrayLike, y?: null, options?: FlowOptions): NumpyArrayIterator<[HostArray]>;
  flow(x: ArrayLike, y?: ArrayLike | null, options: FlowOptions = {}): NumpyArrayIterator<FlowBatch> {
    return new NumpyArrayIterator(this, x, y ?? null, options);
  }

  /** Endless batches from class sub-folders of PNG / JPEG images (Keras's flow_from_directory). */
  flowFromDirectory(directory: string, options: DirectoryOptions = {}): DirectoryIterator {
    return new DirectoryIterator(this, directory, options);
  }
}

export const ImageDataGenerator = callable(ImageDataGeneratorImpl);
export type ImageDataGenerator = ImageDataGeneratorImpl;
