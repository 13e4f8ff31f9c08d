import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { nextKey } from '@kerasgpu/core';
import { parseOptions, ValueError, type ArrayLike } from '@kerasgpu/layers';
import { takeRows, toHost, type HostArray } from './host.js';
import type { ImageDataGenerator } from './image-data-generator.js';
import { IMAGE_EXTENSIONS, loadImage, saveImage } from './images.js';
import { Draws } from './random.js';

export interface FlowOptions {
  batchSize?: number;
  shuffle?: boolean;
  seed?: number;
  saveToDir?: string | null;
  savePrefix?: string;
  saveFormat?: 'png' | 'jpeg' | 'jpg';
  [keras: string]: unknown;
}
const FLOW_KEYS = ['batchSize', 'shuffle', 'seed', 'saveToDir', 'savePrefix', 'saveFormat'];

export interface DirectoryOptions extends FlowOptions {
  targetSize?: [number, number];
  colorMode?: 'rgb' | 'grayscale';
  classes?: string[];
  classMode?: 'categorical' | 'binary' | 'sparse' | null;
}

/** A batch: x alone, or (x, y), as Keras's iterators yield. */
export type FlowBatch = [HostArray, HostArray] | [HostArray];

/**
 * Keras's Iterator: endless batches over n samples, reshuffled at the start of each pass, the last
 * batch of a pass smaller. Async, because images may be decoded and resampled on a device.
 */
abstract class BaseIterator<T extends FlowBatch> implements AsyncIterableIterator<T> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  protected readonly draws: Draws;
  protected readonly saveToDir: string | null;
  protected readonly savePrefix: string;
  protected readonly saveFormat: 'png' | 'jpeg' | 'jpg';
  private order: number[] = [];
  private batchIndex = 0;
  private pass = 0;
  /** Samples yielded so far: the stream position that seeds each sample's transform. */
  private seen = 0;

  constructor(protected readonly gen: ImageDataGenerator, owner: string, options: FlowOptions, extraKeys: readonly string[] = []) {
    const o = parseOptions(owner, options, [...FLOW_KEYS, ...extraKeys]);
    this.batchSize = (o.batchSize as number | undefined) ?? 32;
    this.shuffle = (o.shuffle as boolean | undefined) ?? true;
    this.draws = new Draws((o.seed as number | undefined) ?? nextKey());
    this.saveToDir = (o.saveToDir as string | null | undefined) ?? null;
    this.savePrefix = (o.savePrefix as string | undefined) ?? '';
    this.saveFormat = (o.saveFormat as 'png' | 'jpeg' | 'jpg' | undefined) ?? 'jpeg';
    this.options = o;
  }
  protected readonly options: Record<string, unknown>;

  /** Number of samples. */
  abstract get n(): number;
  /** The NHWC images and labels (or null) of the given samples. */
  protected abstract load(index: number[]): Promise<{ x: HostArray; y: HostArray | null }>;

  [Symbol.asyncIterator](): this {
    return this;
  }

  private nextIndex(): number[] {
    const n = this.n;
    if (n === 0) throw new ValueError('ImageDataGenerator: there are no samples to iterate over');
    if (this.batchIndex === 0) this.order = this.shuffle ? this.draws.permutation(n, this.pass++) : Array.from({ length: n }, (_, i) => i);
    const start = (this.batchIndex * this.batchSize) % n;
    const size = Math.min(this.batchSize, n - start);
    this.batchIndex = start + size >= n ? 0 : this.batchIndex + 1;
    return this.order.slice(start, start + size);
  }

  async next(): Promise<IteratorResult<T>> {
    const index = this.nextIndex();
    const { x, y } = await this.load(index);
    const first = this.seen;
    this.seen += index.length;
    const out = this.gen.standardize(await this.gen.randomTransform(x, this.draws, first));
    if (this.saveToDir) this.save(out, first);
    const batch = this.gen.fromNHWC(out);
    return { value: (y ? [batch, y] : [batch]) as T, done: false };
  }

  /** Keras's save_to_dir: '<prefix>_<index>_<random>.<format>' per image. */
  private save(x: HostArray, first: number): void {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    for (let k = 0; k < n; k++) {
      const tag = Math.floor(this.draws.unit(first + k, 999) * 1e4);
      saveImage(join(this.saveToDir!, `${this.savePrefix}_${first + k}_${tag}.${this.saveFormat}`), x.data.subarray(k * h * w * c, (k + 1) * h * w * c), h, w, c, this.saveFormat);
    }
  }
}

/** flow(x, y): batches from arrays in memory; [x, y], or [x] when there is no y. */
export class NumpyArrayIterator<T extends FlowBatch = [HostArray, HostArray]> extends BaseIterator<T> {
  private data: Promise<{ x: HostArray; y: HostArray | null }>;
  private count: number;

  constructor(gen: ImageDataGenerator, x: ArrayLike, y: ArrayLike | null, options: FlowOptions) {
    super(gen, 'flow', options);
    this.count = -1;
    this.data = (async () => {
      const xs = gen.toNHWC(await toHost(x));
      const ys = y === null ? null : await toHost(y);
      if (ys && ys.shape[0] !== xs.shape[0]) throw new ValueError(`flow: x and y must have the same length, got ${xs.shape[0]} and ${ys.shape[0]}`);
      this.count = xs.shape[0]!;
      return { x: xs, y: ys };
    })();
  }

  get n(): number {
    return this.count;
  }

  override async next(): Promise<IteratorResult<T>> {
    await this.data;
    return super.next();
  }

  protected async load(index: number[]): Promise<{ x: HostArray; y: HostArray | null }> {
    const { x, y } = await this.data;
    return { x: takeRows(x, index), y: y ? takeRows(y, index) : null };
  }
}

/** flowFromDirectory: one class per sub-folder (sorted), labels by classMode ([x] alone for classMode null). */
export class DirectoryIterator<T extends FlowBatch = [HostArray, HostArray]> extends BaseIterator<T> {
  readonly classes: string[];
  readonly classIndices: Record<string, number>;
  readonly filenames: string[];
  readonly labels: number[];
  private readonly target: [number, number];
  private readonly grayscale: boolean;
  private readonly classMode: DirectoryOptions['classMode'];

  constructor(gen: ImageDataGenerator, readonly directory: string, options: DirectoryOptions) {
    super(gen, 'flowFromDirectory', options, ['targetSize', 'colorMode', 'classes', 'classMode', 'followLinks']);
    const o = this.options;
    this.target = (o.targetSize as [number, number] | undefined) ?? [256, 256];
    const colorMode = (o.colorMode as string | undefined) ?? 'rgb';
    if (colorMode !== 'rgb' && colorMode !== 'grayscale') throw new ValueError(`flowFromDirectory: colorMode must be 'rgb' or 'grayscale', got '${colorMode}'`);
    this.grayscale = colorMode === 'grayscale';
    this.classMode = o.classMode === undefined ? 'categorical' : (o.classMode as DirectoryOptions['classMode']);
    this.classes = (o.classes as string[] | undefined) ?? readdirSync(directory).filter((d) => statSync(join(directory, d)).isDirectory()).sort();
    this.classIndices = Object.fromEntries(this.classes.map((c, i) => [c, i]));
    this.filenames = [];
    this.labels = [];
    this.classes.forEach((cls, i) => {
      for (const f of readdirSync(join(directory, cls)).sort()) {
        if (!IMAGE_EXTENSIONS.includes(f.split('.').pop()!.toLowerCase())) continue;
        this.filenames.push(join(cls, f));
        this.labels.push(i);
      }
    });
    console.log(`Found ${this.filenames.length} images belonging to ${this.classes.length} classes.`);
  }

  get n(): number {
    return this.filenames.length;
  }

  protected load(index: number[]): Promise<{ x: HostArray; y: HostArray | null }> {
    const [h, w] = this.target;
    const c = this.grayscale ? 1 : 3;
    const x = new Float32Array(index.length * h * w * c);
    index.forEach((i, k) => x.set(loadImage(join(this.directory, this.filenames[i]!), this.target, this.grayscale).data, k * h * w * c));
    const labels = index.map((i) => this.labels[i]!);
    let y: HostArray | null = null;
    if (this.classMode === 'sparse' || this.classMode === 'binary') y = { data: Float32Array.from(labels), shape: [labels.length] };
    else if (this.classMode === 'categorical') {
      const k = this.classes.length;
      const data = new Float32Array(labels.length * k);
      labels.forEach((l, r) => { data[r * k + l] = 1; });
      y = { data, shape: [labels.length, k] };
    }
    return Promise.resolve({ x: { data: x, shape: [index.length, h, w, c] }, y });
  }
}
