import type { History } from '@kerasgpu/layers';

/** The last epoch's value of each history key (loss, acc, ...), for an example's result. */
export function lastOf(history: History): Record<string, number> {
  return Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[v.length - 1]!]));
}

/** Keras's `print(hist.history)`, values to 4 decimals. */
export const formatHistory = (history: History): string =>
  `{${Object.entries(history.history).map(([k, v]) => `'${k}': [${v.map((x) => x.toFixed(4)).join(', ')}]`).join(', ')}}`;
