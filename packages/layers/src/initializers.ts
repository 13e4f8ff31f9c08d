import { eye, fill, randomNormal, RandomStream, randomUniform, tensor, truncatedNormal, type Seed, type Tensor } from '@kerasgpu/core';
import { ValueError } from './utils/errors.js';
import { Registry } from './utils/registry.js';

/** Makes a weight of `shape` (Keras 2 layout: conv kernels [kH, kW, in, out]). */
export type InitializerFn = (shape: number[], seed?: Seed) => Tensor;
export type InitializerId = string | InitializerFn;

/** Keras's fan computation: the last axis is fan-out, the one before fan-in, the rest the receptive field. */
export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2]! * receptive, shape[shape.length - 1]! * receptive];
}

const uniformScaled = (scale: (fanIn: number, fanOut: number) => number): InitializerFn => (shape, seed) => {
  const [fi, fo] = computeFans(shape);
  const s = scale(fi, fo);
  return randomUniform(shape, -s, s, seed);
};
const normalScaled = (std: (fanIn: number, fanOut: number) => number, truncated = false): InitializerFn => (shape, seed) => {
  const [fi, fo] = computeFans(shape);
  return (truncated ? truncatedNormal : randomNormal)(shape, 0, std(fi, fo), seed);
};

/** A random orthogonal matrix (Saxe et al.), via Gram–Schmidt on normals drawn on the host from core's stream. */
const orthogonal: InitializerFn = (shape, seed) => {
  if (shape.length < 2) throw new ValueError(`orthogonal: needs a shape of rank >= 2, got [${shape.join(', ')}]`);
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const cols = shape[shape.length - 1]!;
  // Orthonormalise the vectors of the longer side, then lay them out as rows x cols.
  const [n, m] = rows >= cols ? [cols, rows] : [rows, cols];
  const draws = new RandomStream(seed);
  const g = Float64Array.from({ length: n * m }, () => draws.normal());
  for (let i = 0; i < n; i++) {
    const vi = g.subarray(i * m, (i + 1) * m);
    for (let j = 0; j < i; j++) {
      const vj = g.subarray(j * m, (j + 1) * m);
      let dot = 0;
      for (let k = 0; k < m; k++) dot += vi[k]! * vj[k]!;
      for (let k = 0; k < m; k++) vi[k]! -= dot * vj[k]!;
    }
    let norm = 0;
    for (let k = 0; k < m; k++) norm += vi[k]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < m; k++) vi[k]! /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = rows >= cols ? g[c * m + r]! : g[r * m + c]!;
  return tensor(out, shape);
};

const identity: InitializerFn = (shape) => {
  if (shape.length !== 2 || shape[0] !== shape[1]) throw new ValueError(`identity: needs a square 2-D shape, got [${shape.join(', ')}]`);
  return eye(shape[0]!);
};

/** Keras 1 names and their Keras 2 spellings; extend with `initializers.register`. */
export const initializers = new Registry<InitializerFn>('initializer');
const BUILTIN: [string[], InitializerFn][] = [
  [['uniform', 'random_uniform', 'RandomUniform'], (s, seed) => randomUniform(s, -0.05, 0.05, seed)],
  [['normal', 'random_normal', 'RandomNormal'], (s, seed) => randomNormal(s, 0, 0.05, seed)],
  [['truncated_normal', 'TruncatedNormal'], (s, seed) => truncatedNormal(s, 0, 0.05, seed)],
  [['lecun_uniform'], uniformScaled((fi) => Math.sqrt(3 / fi))],
  [['lecun_normal'], normalScaled((fi) => Math.sqrt(1 / fi), true)],
  [['glorot_uniform', 'GlorotUniform'], uniformScaled((fi, fo) => Math.sqrt(6 / (fi + fo)))],
  [['glorot_normal', 'GlorotNormal'], normalScaled((fi, fo) => Math.sqrt(2 / (fi + fo)), true)],
  [['he_uniform'], uniformScaled((fi) => Math.sqrt(6 / fi))],
  [['he_normal'], normalScaled((fi) => Math.sqrt(2 / fi), true)],
  [['orthogonal', 'Orthogonal'], orthogonal],
  [['identity', 'Identity'], identity],
  [['zero', 'zeros', 'Zeros'], (s) => fill(s, 0)],
  [['one', 'ones', 'Ones'], (s) => fill(s, 1)],
];
for (const [names, fn] of BUILTIN) for (const n of names) initializers.register(n, fn);

export interface Initializer { name: string; fn: InitializerFn }

export function getInitializer(id: InitializerId | { className?: string; class_name?: string } | undefined, fallback: string): Initializer {
  if (id === undefined) return { name: fallback, fn: initializers.get(fallback) };
  if (typeof id === 'function') return { name: id.name || 'custom', fn: id };
  const name = typeof id === 'string' ? id : (id.className ?? id.class_name ?? '');
  return { name, fn: initializers.get(name) };
}

/** The Keras 2 config form of an initializer name. */
export function initializerConfig(name: string): unknown {
  const k2: Record<string, string> = {
    uniform: 'RandomUniform', random_uniform: 'RandomUniform', normal: 'RandomNormal', random_normal: 'RandomNormal',
    zero: 'Zeros', zeros: 'Zeros', one: 'Ones', ones: 'Ones', orthogonal: 'Orthogonal', identity: 'Identity',
    truncated_normal: 'TruncatedNormal',
  };
  const vs: Record<string, [number, string, string]> = {
    glorot_uniform: [1, 'fan_avg', 'uniform'], glorot_normal: [1, 'fan_avg', 'normal'], he_uniform: [2, 'fan_in', 'uniform'],
    he_normal: [2, 'fan_in', 'normal'], lecun_uniform: [1, 'fan_in', 'uniform'], lecun_normal: [1, 'fan_in', 'normal'],
  };
  const v = vs[name];
  if (v) return { class_name: 'VarianceScaling', config: { scale: v[0], mode: v[1], distribution: v[2], seed: null } };
  if (name === 'uniform' || name === 'random_uniform') return { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } };
  if (name === 'normal' || name === 'random_normal') return { class_name: 'RandomNormal', config: { mean: 0, stddev: 0.05, seed: null } };
  return { class_name: k2[name] ?? name, config: {} };
}
