/**
 * Smoke tests: every example runs end to end in --quick mode (tiny subsets, one short epoch) on
 * the default backend (KERASGPU_BACKEND overrides), printing what Keras prints.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import '@kerasgpu/io';
import { init, setOutput } from '@kerasgpu/layers';
import { examples } from '../src/examples/index.js';
import { exampleNames, type ExampleName } from '../src/examples/names.js';
import type { ExampleResult } from '../src/examples/context.js';

// KERASGPU_BACKEND if set, else webgpu when an adapter exists, as for `npm start`.
beforeAll(() => init());

/** Runs one example quickly; returns its result and everything it printed (its lines and Keras's). */
async function quick(name: ExampleName): Promise<{ result: ExampleResult; text: string }> {
  let text = '';
  setOutput((s) => { text += s; });
  try {
    const example = await examples[name]();
    const result = await example({ opts: { quick: true }, log: (line) => { text += `${line}\n`; } });
    return { result, text };
  } finally {
    setOutput((s) => { process.stdout.write(s); });
  }
}

const progressLine = /^\d+\/\d+ \[=+\] - \d+s - loss: \d+\.\d{4}/m;
const verbose2Line = /^\d+s - loss: \d\.\d{4} - acc: \d\.\d{4}$/;
const probability = (x: number | undefined) => expect(x).toSatisfy((v: number) => v >= 0 && v <= 1);

describe('examples in --quick mode', () => {
  it('lists every example', () => {
    expect(Object.keys(examples).sort()).toEqual([...exampleNames].sort());
  });

  it('mnist-mlp (the main job) trains, reports test accuracy, and reloads from HDF5 with identical predictions', async () => {
    const { result, text } = await quick('mnist-mlp');
    expect(text).toMatch(progressLine);
    expect(text).toMatch(/^test accuracy: \d\.\d{4}$/m);
    probability(result.testAccuracy);
    expect(result.sameClasses).toBe(1);
    expect(result.maxPredictionDiff).toBe(0);
  });

  it('mnist-cnn trains through fitGenerator on augmented batches', async () => {
    const { result, text } = await quick('mnist-cnn');
    expect(text).toMatch(progressLine);
    probability(result.testAccuracy);
  });

  it('spam-lstm tokenises, pads and classifies emails', async () => {
    const { result, text } = await quick('spam-lstm');
    expect(text).toMatch(/SpamAssassin: 128 training emails/);
    probability(result.testAccuracy);
  });

  it('moby-char-lstm samples text at each temperature after the epoch', async () => {
    const { result, text } = await quick('moby-char-lstm');
    for (const t of ['0.2', '0.5', '1']) expect(text).toMatch(new RegExp(`^----- temperature ${t.replace('.', '\\.')}: ".{10}" \\+ ".{10}"$`, 'm'));
    expect(result.loss).toBeGreaterThan(0);
  });

  it('multi-input-merge fits on [data1, data2] and prints the history', async () => {
    const { result, text } = await quick('multi-input-merge');
    expect(text).toMatch(/^\{'loss': \[\d\.\d{4}, \d\.\d{4}\], 'acc': \[\d\.\d{4}, \d\.\d{4}\]\}$/m);
    probability(result.acc);
  });

  it.each(['binary-mlp', 'dummy-binary'] as const)('%s prints one verbose-2 line per epoch', async (name) => {
    const { text } = await quick(name);
    const lines = text.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual(['Epoch 1/2', expect.stringMatching(verbose2Line), 'Epoch 2/2', expect.stringMatching(verbose2Line)]);
  });
});
