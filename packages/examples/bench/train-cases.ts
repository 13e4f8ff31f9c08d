/**
 * The end-to-end training cases, shared by our side (train.ts) and the TensorFlow.js side
 * (train-tfjs.ts): names, batch sizes and identical synthetic data. No library imports here, so
 * the tfjs child process loads nothing of ours.
 */
export type CaseName = 'mlp' | 'cnn' | 'lstm';

export interface CaseSpec {
  name: CaseName;
  title: string;
  batch: number;
  /** Input shape without the batch dimension, and the target width. */
  xShape: number[];
  yWidth: number;
  /** Most batches one timed repeat may hold (the data is made for this many). */
  maxBatches: number;
}

export const VOCAB = 20000;
export const SEQ_LEN = 80;

export const CASES: Record<CaseName, CaseSpec> = {
  mlp: { name: 'mlp', title: 'MLP 784-512-512-10, RMSprop, batch 128', batch: 128, xShape: [784], yWidth: 10, maxBatches: 16 },
  cnn: { name: 'cnn', title: 'CNN Conv(32)-Conv(64)-MaxPool-Dense(128)-Dense(10), RMSprop, batch 128', batch: 128, xShape: [28, 28, 1], yWidth: 10, maxBatches: 8 },
  lstm: { name: 'lstm', title: `Embedding(${VOCAB},128)-LSTM(128)-Dense(1), length ${SEQ_LEN}, RMSprop, batch 32`, batch: 32, xShape: [SEQ_LEN], yWidth: 1, maxBatches: 16 },
};

/** A tiny LCG: the same bytes in both processes. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** `batches` batches of synthetic data: pixels in [0, 1) or word ids in [0, VOCAB), one-hot or 0/1 labels. */
export function syntheticData(c: CaseSpec, batches: number): { x: Float32Array; y: Float32Array; n: number; xShape: number[]; yShape: number[] } {
  const n = c.batch * batches;
  const rand = lcg(17);
  const row = c.xShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * row);
  for (let i = 0; i < x.length; i++) x[i] = c.name === 'lstm' ? Math.floor(rand() * VOCAB) : rand();
  const y = new Float32Array(n * c.yWidth);
  for (let i = 0; i < n; i++) {
    if (c.yWidth === 1) y[i] = i % 2;
    else y[i * c.yWidth + ((i * 7) % c.yWidth)] = 1;
  }
  return { x, y, n, xShape: [n, ...c.xShape], yShape: [n, c.yWidth] };
}

/** One library on one backend: trains `batches` batches (one epoch, no shuffling, silent) and resolves when done. */
export interface Trainer {
  fit(batches: number): Promise<void>;
  dispose(): void;
}

export interface Measurement {
  case: CaseName;
  library: 'kerasgpu' | 'tfjs';
  backend: 'webgpu' | 'cpu';
  samplesPerSecond: number | null;
  /** Timed repeats (after the warm-up epoch) and batches in each; 0 repeats: the warm-up batch was the measurement. */
  repeats: number;
  batchesPerRepeat: number;
  warmupSeconds: number;
  repeatSeconds: number[];
  error?: string;
}

export interface MeasureOptions {
  /** Aim for about this many seconds per timed repeat. */
  secondsPerRepeat: number;
  repeats: number;
  /** A warm-up batch slower than this is the measurement itself (no timed repeats). */
  maxBatchSeconds: number;
}

/** The adapter's description as Dawn gives it. */
export function describeAdapter(info: { description?: string; vendor?: string; architecture?: string; device?: string } | undefined): string {
  return info ? [info.description, info.vendor, info.architecture, info.device].filter((s) => s).join(' / ') : 'none';
}
