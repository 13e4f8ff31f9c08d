import { KerasGpuError } from '@kerasgpu/core';

/** A file that cannot be read as HDF5: missing, not HDF5, truncated or corrupt. */
export class H5FileError extends KerasGpuError {}
/** A readable file that does not hold what Keras writes (a missing attribute, a bad layout, a hostile config), or a save that cannot be written. */
export class KerasFileError extends KerasGpuError {}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
export const isHdf5Diagnostic = (e: unknown): boolean => errorText(e).includes('HDF5-DIAG');

/** The last "#NNN: … in FUNC(): reason" line of an HDF5 diagnostic stack: the innermost cause. */
export function hdf5Reason(e: unknown): string {
  const text = errorText(e);
  const reasons = [...text.matchAll(/#\d+:.* in \w+\(\): (.*)$/gm)].map((m) => m[1]!.trim());
  return reasons.at(-1) ?? text.split('\n')[0]!.trim();
}
