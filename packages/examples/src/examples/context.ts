import type { RunOptions } from '../cli.js';

/** What an example gets: its flags and where its own lines go (Keras's progress goes through layers' setOutput). */
export interface ExampleContext {
  opts: RunOptions;
  log: (line: string) => void;
}

/** What an example reports back (the smoke tests check it): named figures such as test accuracy. */
export type ExampleResult = Record<string, number>;

export type Example = (ctx: ExampleContext) => Promise<ExampleResult>;

/** Seconds since `start` (a performance.now() value), one decimal. */
export const secondsSince = (start: number): string => ((performance.now() - start) / 1000).toFixed(1);
