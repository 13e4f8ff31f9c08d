/**
 * Everything the library prints (progress bar, summary, callback messages) goes through `write`,
 * so tests and users can redirect it with `setOutput`.
 */
const toProcessStdout = (s: string): void => { process.stdout.write(s); };
let sink = toProcessStdout;

export function write(s: string): void { sink(s); }
export function setOutput(fn: (s: string) => void): void { sink = fn; }

/** Redrawing a line in place (`\r`) only makes sense on a terminal that output has not been redirected from. */
export const writesToTerminal = (): boolean => process.stdout.isTTY === true && sink === toProcessStdout;
