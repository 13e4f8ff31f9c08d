/**
 * Character-level text generation (Keras's lstm_text_generation) on Moby Dick: windows of
 * `maxlen` characters, one-hot, predict the next character with LSTM(128) → Dense → softmax.
 * After each epoch it continues a seed sentence from the text at a few temperatures.
 */
import { Dense, LambdaCallback, dispose, LSTM, RandomStream, RMSprop, Sequential, setSeed, tensor, type Tensor } from '@kerasgpu/layers';
import { epochsFor } from '../cli.js';
import { loadMobyDick } from '../data/moby.js';
import { secondsSince, type ExampleContext, type ExampleResult } from './context.js';
import { lastOf } from './history.js';
import { sampleIndex } from './sampling.js';

export const SIZES = {
  full: { chars: 20000, maxlen: 40, step: 3, units: 128, generate: 120, epochs: 3 },
  quick: { chars: 600, maxlen: 10, step: 3, units: 16, generate: 10, epochs: 1 },
};
const TEMPERATURES = [0.2, 0.5, 1.0];
const BATCH = 128;

/** One-hot (n, maxlen, alphabet) windows and their next characters (n, alphabet). */
function windows(text: string, alphabet: Map<string, number>, maxlen: number, step: number): { x: Tensor; y: Tensor; n: number } {
  const a = alphabet.size;
  const starts = Array.from({ length: Math.floor((text.length - maxlen - 1) / step) + 1 }, (_, i) => i * step);
  const x = new Float32Array(starts.length * maxlen * a);
  const y = new Float32Array(starts.length * a);
  starts.forEach((s, i) => {
    for (let t = 0; t < maxlen; t++) x[(i * maxlen + t) * a + alphabet.get(text[s + t]!)!] = 1;
    y[i * a + alphabet.get(text[s + maxlen]!)!] = 1;
  });
  return { x: tensor(x, [starts.length, maxlen, a]), y: tensor(y, [starts.length, a]), n: starts.length };
}

/** One LSTM over one-hot characters, then a softmax over the next character. */
export function buildCharLstm(s: { maxlen: number; units: number }, alphabetSize: number): Sequential {
  const model = Sequential();
  model.add(LSTM(s.units, { input_shape: [s.maxlen, alphabetSize] }));
  model.add(Dense(alphabetSize, { activation: 'softmax' }));
  model.compile({ loss: 'categorical_crossentropy', optimizer: RMSprop({ lr: 0.01 }) });
  return model;
}

export async function mobyCharLstm({ opts, log }: ExampleContext): Promise<ExampleResult> {
  const started = performance.now();
  const s = opts.quick ? SIZES.quick : SIZES.full;
  setSeed(5);
  const text = loadMobyDick(s.chars);
  const chars = [...new Set(text)].sort();
  const alphabet = new Map(chars.map((c, i) => [c, i]));
  const data = windows(text, alphabet, s.maxlen, s.step);
  log(`Moby Dick: ${text.length} characters, ${chars.length} distinct, ${data.n} windows of ${s.maxlen}`);

  const model = buildCharLstm(s, chars.length);

  const draws = new RandomStream(); // a key from the global stream setSeed(5) started
  const rand = () => draws.uniform();
  /** Continues a seed window from the text, one predicted character at a time. */
  const generate = async (temperature: number): Promise<string> => {
    const start = Math.floor(rand() * (text.length - s.maxlen));
    let sentence = text.slice(start, start + s.maxlen);
    let out = '';
    for (let i = 0; i < s.generate; i++) {
      const x = new Float32Array(s.maxlen * chars.length);
      for (let t = 0; t < s.maxlen; t++) x[t * chars.length + alphabet.get(sentence[t]!)!] = 1;
      const input = tensor(x, [1, s.maxlen, chars.length]);
      const probs = model.predict(input) as Tensor;
      const next = chars[sampleIndex(await probs.data(), temperature, rand)]!;
      dispose([input, probs]);
      out += next;
      sentence = sentence.slice(1) + next;
    }
    return `"${text.slice(start, start + s.maxlen)}" + "${out}"`;
  };
  const sampler = LambdaCallback({
    onEpochEnd: async () => {
      for (const t of TEMPERATURES) log(`----- temperature ${t}: ${await generate(t)}`);
    },
  });

  const hist = await model.fit(data.x, data.y, { batch_size: BATCH, nb_epoch: epochsFor(opts, s.epochs), verbose: 1, callbacks: [sampler] });
  log(`total ${secondsSince(started)} s`);
  dispose([data.x, data.y]);
  return lastOf(hist);
}
