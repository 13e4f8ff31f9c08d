import { KerasGpuError } from '@kerasgpu/core';

/** A file that cannot be read as HDF5: missing, not HDF5, truncated or corrupt. */
export class H5FileError extends KerasGpuError {}
/** A readable file that does not hold what Keras writes (a missing attribute, a bad layout, a hostile config), or a save that cannot be written. */
export class KerasFileError extends KerasGpuError {}
