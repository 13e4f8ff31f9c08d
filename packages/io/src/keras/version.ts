/** Keras versions as the files record them ('1.2.2', '2.1.3'); a missing version means Keras 1. */
export const KERAS1 = '1';

function parts(v: string): number[] {
  return v.split('.').map((p) => Number.parseInt(p, 10) || 0);
}

/** a < b, comparing dotted versions numerically. */
export function versionLess(a: string, b: string): boolean {
  const x = parts(a), y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

export const isKeras1 = (v: string | null): boolean => v === null || v.startsWith('1');

export type DimOrdering = 'th' | 'tf';

/**
 * A layer config's image ordering: Keras 1 `dim_ordering`, Keras 2 `data_format`. Absent keys
 * take the default of the Keras that wrote them: 'th' through 1.0.8, 'tf' from 1.1.0 and in Keras 2.
 */
export function dimOrderingOf(config: Record<string, unknown>, kerasVersion: string | null): DimOrdering {
  const d = config.dim_ordering ?? config.data_format;
  if (d === 'th' || d === 'channels_first') return 'th';
  if (d === 'tf' || d === 'channels_last') return 'tf';
  return isKeras1(kerasVersion) && versionLess(kerasVersion ?? '1.0.0', '1.1.0') ? 'th' : 'tf';
}
