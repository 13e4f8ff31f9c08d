import { describe, expect, it } from 'vitest';
import { RandomStream } from '@kerasgpu/core';
import { parseRunOptions, UsageError, epochsFor } from '../src/cli.js';
import { loadMnist, MNIST_TEST, MNIST_TRAIN } from '../src/data/mnist.js';
import { OOV, Tokenizer, words } from '../src/data/tokenizer.js';
import { sampleIndex } from '../src/examples/sampling.js';

describe('MNIST split', () => {
  it('is a fixed 8,000 / 2,000 split of all 10,000 digits, the same on every load', () => {
    const a = loadMnist();
    expect([a.train.n, a.test.n]).toEqual([MNIST_TRAIN, MNIST_TEST]);
    expect(a.train.x.length).toBe(MNIST_TRAIN * 784);
    const counts = new Array<number>(10).fill(0);
    for (const l of [...a.train.labels, ...a.test.labels]) counts[l]!++;
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    // every class is in both parts (the split is a shuffle, not the package's digit order)
    expect(new Set(a.test.labels).size).toBe(10);
    const b = loadMnist({ train: 10, test: 5 });
    expect(Array.from(b.train.labels)).toEqual(Array.from(a.train.labels.subarray(0, 10)));
    expect(Array.from(b.test.x)).toEqual(Array.from(a.test.x.subarray(0, 5 * 784)));
    expect(Math.min(...a.test.x.subarray(0, 784))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.test.x.subarray(0, 784))).toBeLessThanOrEqual(1);
  });
});

describe('sampleIndex', () => {
  it('sampleIndex: low temperature is greedy, temperature 1 follows the probabilities', () => {
    const draws = new RandomStream(1);
    const rand = () => draws.uniform();
    const probs = [0.1, 0.6, 0.3];
    for (let i = 0; i < 50; i++) expect(sampleIndex(probs, 0.01, rand)).toBe(1);
    const counts = [0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) counts[sampleIndex(probs, 1, rand)]!++;
    counts.forEach((c, i) => expect(Math.abs(c / n - probs[i]!)).toBeLessThan(0.02));
  });
});

describe('Tokenizer', () => {
  it('indexes the most frequent words from 2, keeps 0 for padding and 1 for unknown words', () => {
    const t = new Tokenizer(['The cat, the hat.', "the cat's HAT hat"], 5);
    expect(words("It's 2 o'clock!")).toEqual(["it's", '2', "o'clock"]);
    expect(t.vocabularySize).toBe(5);
    // the: 3, hat: 3 (ties alphabetical), cat: 1, cat's: 1
    expect(t.encode('the hat cat dog')).toEqual([3, 2, 4, OOV]);
  });
});

describe('command-line flags', () => {
  it('parses --epochs, --backend, --quick and rejects anything else', () => {
    expect(parseRunOptions([])).toEqual({ quick: false });
    expect(parseRunOptions(['--epochs', '3', '--backend', 'cpu', '--quick'])).toEqual({ epochs: 3, backend: 'cpu', quick: true });
    expect(() => parseRunOptions(['--epochs', '0'])).toThrow(UsageError);
    expect(() => parseRunOptions(['--backend', 'tpu'])).toThrow(/cpu or webgpu/);
    expect(() => parseRunOptions(['--fast'])).toThrow(UsageError);
    expect(epochsFor({ quick: true }, 10)).toBe(1);
    expect(epochsFor({ quick: false }, 10)).toBe(10);
    expect(epochsFor({ quick: true, epochs: 4 }, 10)).toBe(4);
  });
});

describe('entry', () => {
  it('rejects an unknown example or a bad flag with exit code 2 before loading the library', async () => {
    const { main } = await import('../src/entry.js');
    const errors: string[] = [];
    const original = console.error;
    console.error = (s: string) => { errors.push(s); };
    try {
      expect(await main('nope', [])).toBe(2);
      expect(await main('mnist-mlp', ['--epochs', 'two'])).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors[0]).toMatch(/unknown example 'nope'; examples: mnist-mlp, mnist-cnn/);
    expect(errors[1]).toMatch(/--epochs must be a positive integer/);
  });
});
