import { ValueError } from '../utils/errors.js';

export type Mode = 'auto' | 'min' | 'max';

/** Keras's monitor comparison: 'auto' maximises accuracies and minimises everything else. */
export function improvement(monitor: string, mode: Mode, minDelta: number): { better: (a: number, b: number) => boolean; worst: number } {
  if (!['auto', 'min', 'max'].includes(mode)) throw new ValueError(`mode must be 'auto', 'min' or 'max', got '${mode}'`);
  const max = mode === 'max' || (mode === 'auto' && (monitor.includes('acc') || monitor.startsWith('fmeasure')));
  return max
    ? { better: (a, b) => a - Math.abs(minDelta) > b, worst: -Infinity }
    : { better: (a, b) => a + Math.abs(minDelta) < b, worst: Infinity };
}
