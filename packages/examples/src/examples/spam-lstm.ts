/**
 * The quick-start's "sequence classification with LSTM" (Embedding → LSTM(128, sigmoid, inner
 * hard_sigmoid) → Dropout 0.5 → Dense 1 → sigmoid; RMSprop, binary cross-entropy) on the real
 * SpamAssassin corpus: bodies tokenised into word indices, padded to a fixed length.
 */
import { padSequences } from '@kerasgpu/io';
import { Activation, Dense, dispose, Dropout, Embedding, LSTM, Sequential, setSeed, tensor } from '@kerasgpu/layers';
import { epochsFor } from '../cli.js';
import { loadSpam, type Email } from '../data/spam.js';
import { Tokenizer } from '../data/tokenizer.js';
import { secondsSince, type ExampleContext, type ExampleResult } from './context.js';

export const SIZES = {
  full: { maxFeatures: 10000, maxlen: 64, embedding: 128, units: 128, train: Infinity, test: Infinity, epochs: 2, batch: 64 },
  quick: { maxFeatures: 500, maxlen: 16, embedding: 16, units: 16, train: 128, test: 64, epochs: 1, batch: 32 },
};

/** The quick-start's sequence classifier: Embedding, LSTM, Dropout, Dense, sigmoid. */
export function buildSpamLstm(s: { maxFeatures: number; embedding: number; maxlen: number; units: number }): Sequential {
  const model = Sequential();
  model.add(Embedding(s.maxFeatures, s.embedding, { input_length: s.maxlen }));
  model.add(LSTM({ output_dim: s.units, activation: 'sigmoid', inner_activation: 'hard_sigmoid' }));
  model.add(Dropout(0.5));
  model.add(Dense(1));
  model.add(Activation('sigmoid'));
  model.compile({ loss: 'binary_crossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] });
  return model;
}

export async function spamLstm({ opts, log }: ExampleContext): Promise<ExampleResult> {
  const started = performance.now();
  const s = opts.quick ? SIZES.quick : SIZES.full;
  setSeed(4);
  const split = loadSpam();
  const [train, test] = [split.train.slice(0, s.train), split.test.slice(0, s.test)];
  const tokenizer = new Tokenizer(train.map((e) => e.body), s.maxFeatures);
  // Keep each email's first words: the opening of a body says most about it.
  const encode = (set: Email[]) => ({
    x: padSequences(set.map((e) => tokenizer.encode(e.body)), { maxlen: s.maxlen, padding: 'post', truncating: 'post' }),
    y: tensor(Float32Array.from(set, (e) => e.spam), [set.length, 1]),
  });
  const [tr, te] = [encode(train), encode(test)];
  const spamShare = (set: Email[]) => ((100 * set.filter((e) => e.spam).length) / set.length).toFixed(1);
  log(`SpamAssassin: ${train.length} training emails (${spamShare(train)}% spam), ${test.length} test (${spamShare(test)}% spam); ` +
    `vocabulary ${tokenizer.vocabularySize} words, sequences of ${s.maxlen}`);

  const model = buildSpamLstm(s);

  await model.fit(tr.x, tr.y, { batch_size: s.batch, nb_epoch: epochsFor(opts, s.epochs), verbose: 1 });
  const [loss, acc] = (await model.evaluate(te.x, te.y, { batch_size: s.batch })) as number[];
  log(`test loss: ${loss!.toFixed(4)}`);
  log(`test accuracy: ${acc!.toFixed(4)}`);
  log(`total ${secondsSince(started)} s`);
  dispose([tr.x, tr.y, te.x, te.y]);
  return { testLoss: loss!, testAccuracy: acc! };
}
