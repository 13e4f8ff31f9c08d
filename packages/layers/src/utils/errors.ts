import { KerasGpuError } from '@kerasgpu/core';

/** A bad argument to a Keras-level call: unknown option or name, wrong data, misuse (fit before compile). */
export class ValueError extends KerasGpuError {}
/** Data or layer shapes that do not fit together; names the layers and shapes. */
export { ShapeError } from '@kerasgpu/core';
