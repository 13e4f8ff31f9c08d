import { oneOf } from '../utils/option-readers.js';
import type { Options } from '../utils/options.js';

export const MODES = ['auto', 'min', 'max'] as const;
export type Mode = (typeof MODES)[number];

/** A callback's `mode` option ('auto' when not given). */
export const modeOption = (owner: string, o: Options): Mode => oneOf(owner, o, 'mode', MODES, 'auto');

/** Keras's monitor comparison: 'auto' maximises accuracies and minimises everything else. */
export function improvement(monitor: string, mode: Mode, minDelta: number): { better: (a: number, b: number) => boolean; worst: number } {
  const max = mode === 'max' || (mode === 'auto' && (monitor.includes('acc') || monitor.startsWith('fmeasure')));
  return max
    ? { better: (a, b) => a - Math.abs(minDelta) > b, worst: -Infinity }
    : { better: (a, b) => a + Math.abs(minDelta) < b, worst: Infinity };
}
