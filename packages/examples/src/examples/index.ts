import type { Example } from './context.js';
import type { ExampleName } from './names.js';

/** Every example by name, loaded on demand (each pulls its own data set). */
export const examples: Record<ExampleName, () => Promise<Example>> = {
  'mnist-mlp': async () => (await import('./mnist-mlp.js')).mnistMlp,
  'mnist-cnn': async () => (await import('./mnist-cnn.js')).mnistCnn,
  'spam-lstm': async () => (await import('./spam-lstm.js')).spamLstm,
  'moby-char-lstm': async () => (await import('./moby-char-lstm.js')).mobyCharLstm,
  'multi-input-merge': async () => (await import('./multi-input-merge.js')).multiInputMerge,
  'binary-mlp': async () => (await import('./binary-mlp.js')).binaryMlp,
  'dummy-binary': async () => (await import('./dummy-binary.js')).dummyBinary,
};
