/** The examples' names, in README order (`npm run example -- NAME`); examples/index.ts maps each to its code. */
export const exampleNames = ['mnist-mlp', 'mnist-cnn', 'spam-lstm', 'moby-char-lstm', 'multi-input-merge', 'binary-mlp', 'dummy-binary'] as const;
export type ExampleName = (typeof exampleNames)[number];

export const isExampleName = (name: string | undefined): name is ExampleName => (exampleNames as readonly (string | undefined)[]).includes(name);
