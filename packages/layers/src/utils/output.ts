import { platform } from '@kerasgpu/core/platform';

/**
 * Everything the library prints (progress bar, summary, callback messages) goes through `write`,
 * so tests and users can redirect it with `setOutput`. By default it is the platform's program
 * output: stdout in Node, the console in a browser.
 */
const toPlatform = (s: string): void => platform.writeOut(s);
let sink = toPlatform;

export function write(s: string): void { sink(s); }
export function setOutput(fn: (s: string) => void): void { sink = fn; }

/** Redrawing a line in place (`\r`) only makes sense on a terminal that output has not been redirected from. */
export const writesToTerminal = (): boolean => platform.outIsTerminal() && sink === toPlatform;
