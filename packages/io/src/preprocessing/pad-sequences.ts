import { tensor, type Tensor } from '@kerasgpu/core';
import { parseOptions, ValueError } from '@kerasgpu/layers';

export interface PadSequencesOptions {
  maxlen?: number | null;
  dtype?: 'int32' | 'float32';
  padding?: 'pre' | 'post';
  truncating?: 'pre' | 'post';
  value?: number;
  [keras: string]: unknown;
}

/**
 * Keras's pad_sequences: a [samples, maxlen] tensor; sequences longer than maxlen lose their
 * start ('pre') or end ('post'), shorter ones are filled with `value` before or after.
 */
export function padSequences(sequences: readonly (readonly number[])[], options: PadSequencesOptions = {}): Tensor {
  const o = parseOptions('padSequences', options, ['maxlen', 'dtype', 'padding', 'truncating', 'value']);
  const padding = (o.padding as string | undefined) ?? 'pre';
  const truncating = (o.truncating as string | undefined) ?? 'pre';
  for (const [k, v] of [['padding', padding], ['truncating', truncating]] as const) {
    if (v !== 'pre' && v !== 'post') throw new ValueError(`padSequences: ${k} must be 'pre' or 'post', got '${v}'`);
  }
  const maxlen = (o.maxlen as number | null | undefined) ?? Math.max(0, ...sequences.map((s) => s.length));
  const value = (o.value as number | undefined) ?? 0;
  const dtype = (o.dtype as 'int32' | 'float32' | undefined) ?? 'int32';
  const out = (dtype === 'int32' ? new Int32Array(sequences.length * maxlen) : new Float32Array(sequences.length * maxlen)).fill(value);
  sequences.forEach((s, i) => {
    const kept = s.length <= maxlen ? s : truncating === 'pre' ? s.slice(s.length - maxlen) : s.slice(0, maxlen);
    out.set(kept, i * maxlen + (padding === 'post' ? 0 : maxlen - kept.length));
  });
  return tensor(out, [sequences.length, maxlen], dtype);
}
