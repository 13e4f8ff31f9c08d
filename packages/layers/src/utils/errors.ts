import { KerasGpuError } from '@kerasgpu/core';

/** A bad argument to a Keras-level call: unknown option or name, wrong data, misuse (fit before compile). */
export class ValueError extends KerasGpuError {}
/**
 * An options object holds a key its owner does not know. Typed so that tolerant readers (config
 * files, API.md) can drop the key and retry without parsing the message.
 */
export class UnknownOptionError extends ValueError {
  constructor(readonly owner: string, readonly key: string, nearest: string | undefined) {
    super(`${owner}: unknown option '${key}'${nearest === undefined ? '' : `; did you mean '${nearest}'?`}`);
  }
}
/** Data or layer shapes that do not fit together; names the layers and shapes. */
export { ShapeError } from '@kerasgpu/core';
