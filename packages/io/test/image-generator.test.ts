import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Conv2D, Dense, Flatten, Sequential, setBackend, setSeed } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageDataGenerator, padSequences, type FlowBatch, type HostArray } from '../src/index.js';
import { decodeImage, saveImage } from '../src/preprocessing/images.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
beforeAll(async () => {
  await setBackend('cpu');
});

/** Deterministic pseudo-random data (a small LCG), so the tests need no tensors to build inputs. */
function randomImages(shape: number[], seed = 1, mix = false): HostArray {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rnd() * 4 + 1);
  if (mix) {
    // Correlate neighbouring features so whitening has something to undo.
    const d = data.length / shape[0]!;
    for (let i = 0; i < shape[0]!; i++) for (let j = d - 1; j > 0; j--) data[i * d + j] = data[i * d + j]! + 0.8 * data[i * d + j - 1]!;
  }
  return { data, shape };
}

async function first(it: AsyncIterator<FlowBatch>): Promise<FlowBatch> {
  return (await it.next()).value as FlowBatch;
}

async function take(it: AsyncIterator<FlowBatch>, n: number): Promise<FlowBatch[]> {
  const out: FlowBatch[] = [];
  for (let i = 0; i < n; i++) out.push((await it.next()).value as FlowBatch);
  return out;
}

/** Mean and covariance of the rows of an [n, d] array, in float64 (about zero instead of the mean: the second moment). */
function covariance(x: Float32Array, n: number, aboutZero = false): { mean: number[]; cov: number[][] } {
  const d = x.length / n;
  const mean = Array.from({ length: d }, (_, j) => { let s = 0; for (let i = 0; i < n; i++) s += x[i * d + j]!; return aboutZero ? 0 : s / n; });
  const cov = mean.map((mj, j) => mean.map((mk, k) => { let s = 0; for (let i = 0; i < n; i++) s += (x[i * d + j]! - mj) * (x[i * d + k]! - mk); return s / n; }));
  return { mean, cov };
}

describe('flow', () => {
  it('yields endless batches, the last of each pass smaller, x and y rows together', async () => {
    const n = 5;
    const x = { data: Float32Array.from({ length: n * 2 * 2 }, (_, i) => Math.floor(i / 4)), shape: [n, 2, 2, 1] };
    const y = { data: Float32Array.from({ length: n }, (_, i) => i), shape: [n] };
    const batches = await take(ImageDataGenerator().flow(x, y, { batch_size: 2, shuffle: true, seed: 3 }), 6);
    expect(batches.map(([b]) => b.shape[0])).toEqual([2, 2, 1, 2, 2, 1]);
    for (const [bx, by] of batches) for (let k = 0; k < bx.shape[0]!; k++) expect(bx.data[k * 4]).toBe(by!.data[k]);
    const pass = (i: number) => batches.slice(3 * i, 3 * i + 3).flatMap(([, by]) => Array.from(by!.data)).sort();
    expect(pass(0)).toEqual([0, 1, 2, 3, 4]);
    expect(pass(1)).toEqual([0, 1, 2, 3, 4]);
  });

  it('is reproducible for a seed, per sample whatever the batch size', async () => {
    const x = randomImages([6, 5, 5, 2]);
    const gen = ImageDataGenerator({ rotation_range: 30, width_shift_range: 0.2, height_shift_range: 0.2, shear_range: 0.3, zoom_range: [0.8, 1.2], horizontal_flip: true, vertical_flip: true, channel_shift_range: 0.5, fill_mode: 'reflect' });
    const all = (bs: number, seed: number) => take(gen.flow(x, null, { batchSize: bs, shuffle: false, seed }), 6 / bs).then((bs2) => bs2.flatMap(([b]) => Array.from(b.data)));
    const a = await all(2, 5);
    expect(await all(2, 5)).toEqual(a);
    expect(await all(3, 5)).toEqual(a);
    expect(await all(2, 6)).not.toEqual(a);
    expect(a).not.toEqual(Array.from(x.data));
  });

  it("'th' ordering gives the 'tf' results transposed", async () => {
    const tf = randomImages([4, 3, 5, 2]);
    const th = { data: new Float32Array(tf.data.length), shape: [4, 2, 3, 5] };
    for (let n = 0; n < 4; n++) for (let r = 0; r < 3; r++) for (let c = 0; c < 5; c++) for (let ch = 0; ch < 2; ch++) th.data[((n * 2 + ch) * 3 + r) * 5 + c] = tf.data[((n * 3 + r) * 5 + c) * 2 + ch]!;
    const opts = { rotationRange: 40, widthShiftRange: 0.3, fillMode: 'wrap' as const };
    const [a] = await first(ImageDataGenerator(opts).flow(tf, null, { batchSize: 4, shuffle: false, seed: 9 }));
    const [b] = await first(ImageDataGenerator({ ...opts, dim_ordering: 'th' }).flow(th, null, { batchSize: 4, shuffle: false, seed: 9 }));
    expect(b.shape).toEqual([4, 2, 3, 5]);
    for (let n = 0; n < 4; n++) for (let r = 0; r < 3; r++) for (let c = 0; c < 5; c++) for (let ch = 0; ch < 2; ch++) {
      expect(b.data[((n * 2 + ch) * 3 + r) * 5 + c]).toBe(a.data[((n * 3 + r) * 5 + c) * 2 + ch]);
    }
  });

  it('channel shift adds one value per channel in [-range, range], clipped to the image range', async () => {
    const x = randomImages([3, 4, 4, 3]);
    const [b] = await first(ImageDataGenerator({ channelShiftRange: 0.7 }).flow(x, null, { batchSize: 3, shuffle: false, seed: 1 }));
    for (let k = 0; k < 3; k++) {
      const img = x.data.subarray(k * 48, (k + 1) * 48);
      const [lo, hi] = [Math.min(...img), Math.max(...img)];
      for (let ch = 0; ch < 3; ch++) {
        const shifts = new Set<number>();
        for (let i = ch; i < 48; i += 3) {
          const got = b.data[k * 48 + i]!;
          expect(got).toBeGreaterThanOrEqual(lo - 1e-6);
          expect(got).toBeLessThanOrEqual(hi + 1e-6);
          if (got > lo + 1e-6 && got < hi - 1e-6) shifts.add(Math.round((got - img[i]!) * 1e4));
        }
        expect(shifts.size).toBeLessThanOrEqual(1);
        for (const s of shifts) expect(Math.abs(s / 1e4)).toBeLessThanOrEqual(0.7);
      }
    }
  });
});

describe('normalisation', () => {
  it('fit computes the per-channel mean and std of the data; flow then centres and scales each channel', async () => {
    const x = randomImages([20, 3, 4, 2], 7);
    const gen = ImageDataGenerator({ featurewise_center: true, featurewise_std_normalization: true });
    await gen.fit(x);
    for (let ch = 0; ch < 2; ch++) {
      const vals = Array.from(x.data).filter((_, i) => i % 2 === ch);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const std = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
      expect(gen.mean![ch]).toBeCloseTo(mean, 5);
      expect(gen.std![ch]).toBeCloseTo(std, 5);
    }
    const [b] = await first(gen.flow(x, null, { batchSize: 20, shuffle: false }));
    const { mean, cov } = covariance(b.data, b.data.length / 2);
    mean.forEach((m) => expect(m).toBeCloseTo(0, 4));
    cov.forEach((row, i) => expect(row[i]).toBeCloseTo(1, 3));
  });

  it('samplewise centring and std normalisation give every image mean 0 and std 1; rescale comes first', async () => {
    const x = randomImages([4, 3, 3, 2], 3);
    const [b] = await first(ImageDataGenerator({ samplewiseCenter: true, samplewiseStdNormalization: true, rescale: 1 / 255 }).flow(x, null, { batchSize: 4, shuffle: false }));
    for (let k = 0; k < 4; k++) {
      const img = Array.from(b.data.subarray(k * 18, (k + 1) * 18));
      const m = img.reduce((a, v) => a + v, 0) / 18;
      expect(m).toBeCloseTo(0, 5);
      expect(Math.sqrt(img.reduce((a, v) => a + (v - m) ** 2, 0) / 18)).toBeCloseTo(1, 3);
    }
    const [r] = await first(ImageDataGenerator({ rescale: 0.5 }).flow(x, null, { batchSize: 1, shuffle: false }));
    expect(Array.from(r.data)).toEqual(Array.from(x.data.subarray(0, 18), (v) => Math.fround(v * 0.5)));
  });

  // Keras centres per channel, not per feature, so what whitening makes the identity is the second
  // moment of the centred data (its covariance when the features share their channel's mean).
  it('ZCA whitening gives (nearly) identity covariance on correlated random data', async () => {
    const n = 400;
    const x = randomImages([n, 2, 2, 3], 11, true); // 12 features
    const before = covariance(x.data, n).cov;
    expect(Math.abs(before[0]![1]!)).toBeGreaterThan(0.3);
    const gen = ImageDataGenerator({ featurewise_center: true, zca_whitening: true });
    await gen.fit(x);
    const [b] = await first(gen.flow(x, null, { batchSize: n, shuffle: false }));
    const { cov } = covariance(b.data, n, true);
    cov.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - (i === j ? 1 : 0))).toBeLessThan(1e-3)));
  });

  it('statistics options without fit say to call fit', async () => {
    await expect(ImageDataGenerator({ zcaWhitening: true }).flow(randomImages([2, 2, 2, 1])).next()).rejects.toThrow(/call fit\(x\) first/);
    expect(() => ImageDataGenerator({ fill_mod: 'wrap' })).toThrow(/fill_mode/);
  });
});

describe('flowFromDirectory and saveToDir', () => {
  it('reads PNG and JPEG class folders, resizes, labels by folder; saveToDir writes the augmented images', async () => {
    const root = join(dir, 'images');
    const pixel = (v: number) => Float32Array.from({ length: 6 * 4 * 3 }, () => v);
    for (const [cls, v] of [['cats', 40], ['dogs', 200]] as const) {
      mkdirSync(join(root, cls), { recursive: true });
      saveImage(join(root, cls, 'a.png'), pixel(v), 6, 4, 3, 'png');
      saveImage(join(root, cls, 'b.jpg'), pixel(v), 6, 4, 3, 'jpeg');
      saveImage(join(root, cls, 'notes.txt'), pixel(v), 1, 1, 3, 'png'); // not an image extension: skipped
    }
    const out = join(dir, 'augmented');
    mkdirSync(out);
    const it = ImageDataGenerator({ rescale: 1 / 255 }).flowFromDirectory(root, { target_size: [3, 2], batch_size: 4, shuffle: false, save_to_dir: out, save_prefix: 'aug', save_format: 'png' });
    expect(it.classes).toEqual(['cats', 'dogs']);
    expect(it.filenames).toEqual(['cats/a.png', 'cats/b.jpg', 'dogs/a.png', 'dogs/b.jpg']);
    const [x, y] = await first(it);
    expect(x.shape).toEqual([4, 3, 2, 3]);
    expect(Array.from(y!.data)).toEqual([1, 0, 1, 0, 0, 1, 0, 1]);
    // saveImage scales the maximum to 255, so every stored pixel is 255; JPEG keeps it within a few levels.
    for (const v of x.data) expect(v).toBeGreaterThan(0.97);
    const saved = readdirSync(out).sort();
    expect(saved).toHaveLength(4);
    for (const f of saved) expect(f).toMatch(/^aug_\d_\d+\.png$/);
    expect(decodeImage(join(out, saved[0]!))).toMatchObject({ width: 2, height: 3 });
    const gray = ImageDataGenerator().flowFromDirectory(root, { targetSize: [2, 2], colorMode: 'grayscale', classMode: 'sparse', shuffle: false, batchSize: 4 });
    const [gx, gy] = await first(gray);
    expect(gx.shape).toEqual([4, 2, 2, 1]);
    expect(Array.from(gy!.data)).toEqual([0, 0, 1, 1]);
  });
});

describe('fitGenerator trains a small CNN on augmented batches', () => {
  it('runs and lowers the loss', async () => {
    setSeed(5);
    const n = 32;
    // Two classes: bright top half or bright bottom half; flips along columns keep the class.
    const x = { data: new Float32Array(n * 6 * 6), shape: [n, 6, 6, 1] };
    const y = { data: new Float32Array(n * 2), shape: [n, 2] };
    for (let i = 0; i < n; i++) {
      const top = i % 2 === 0;
      for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) x.data[i * 36 + r * 6 + c] = (r < 3) === top ? 1 : 0;
      y.data[i * 2 + (top ? 0 : 1)] = 1;
    }
    const model = Sequential([Conv2D(4, [3, 3], { input_shape: [6, 6, 1], activation: 'relu' }), Flatten(), Dense(2, { activation: 'softmax' })]);
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    const gen = ImageDataGenerator({ horizontal_flip: true, width_shift_range: 0.1, fill_mode: 'nearest' });
    const history = await model.fitGenerator(gen.flow(x, y, { batchSize: 8, seed: 1 }), { samples_per_epoch: n, nb_epoch: 4, verbose: 0 });
    const loss = history.history.loss!;
    expect(loss).toHaveLength(4);
    expect(loss.at(-1)!).toBeLessThan(loss[0]!);
  });
});

describe('padSequences', () => {
  const seqs = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]];
  it('pads and truncates at the start by default, to the longest length', async () => {
    const t = padSequences(seqs);
    expect(t.shape).toEqual([3, 5]);
    expect(t.dtype).toBe('int32');
    expect(await t.array()).toEqual([[0, 0, 1, 2, 3], [0, 0, 0, 4, 5], [6, 7, 8, 9, 10]]);
  });
  it('maxlen, padding/truncating post and value', async () => {
    expect(await padSequences(seqs, { maxlen: 3 }).array()).toEqual([[1, 2, 3], [0, 4, 5], [8, 9, 10]]);
    expect(await padSequences(seqs, { maxlen: 3, truncating: 'post', padding: 'post', value: -1 }).array()).toEqual([[1, 2, 3], [4, 5, -1], [6, 7, 8]]);
    expect(await padSequences([[0.5]], { maxlen: 2, dtype: 'float32' }).array()).toEqual([[0, 0.5]]);
    expect(padSequences([], { maxlen: 4 }).shape).toEqual([0, 4]);
    expect(() => padSequences(seqs, { padding: 'middle' as 'pre' })).toThrow(/padding must be 'pre' or 'post'/);
  });
});
