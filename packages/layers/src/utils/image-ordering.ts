import { ValueError } from './errors.js';

export type DimOrdering = 'th' | 'tf';
let ordering: DimOrdering = 'tf';

/** Keras's image_dim_ordering: 'tf' (channels last, the default) or 'th' (channels first). */
export function setImageDimOrdering(o: DimOrdering | 'channels_first' | 'channels_last'): void {
  const v = o === 'channels_first' ? 'th' : o === 'channels_last' ? 'tf' : o;
  if (v !== 'th' && v !== 'tf') throw new ValueError(`setImageDimOrdering: expected 'th' or 'tf', got '${String(o)}'`);
  ordering = v;
}
export const imageDimOrdering = (): DimOrdering => ordering;

export function resolveOrdering(v: unknown): DimOrdering {
  if (v === undefined || v === 'default') return ordering;
  if (v !== 'th' && v !== 'tf') throw new ValueError(`dimOrdering must be 'th' or 'tf' (data_format 'channels_first' / 'channels_last'), got '${String(v)}'`);
  return v;
}

/**
 * The ordering of a layer that Keras 1 gave none (1-D conv and pooling, Flatten): Keras 2's
 * `data_format` when the config names one, else channels_last whatever the image ordering.
 */
export const explicitOrdering = (v: unknown): DimOrdering => (v === undefined ? 'tf' : resolveOrdering(v));

/** The `data_format` a config writes for an ordering. */
export const dataFormat = (o: DimOrdering): 'channels_first' | 'channels_last' => (o === 'th' ? 'channels_first' : 'channels_last');
