/** A layer-level shape: null marks a dimension unknown until data arrives (the batch, mostly). */
export type Shape = (number | null)[];

export const fmtShape = (s: readonly (number | null)[]): string => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;

export const isShapeList = (s: Shape | Shape[]): s is Shape[] => Array.isArray(s[0]) || (s.length === 0 ? false : s[0] === undefined);

export const prodDims = (dims: readonly (number | null)[]): number | null =>
  dims.some((d) => d === null) ? null : dims.reduce<number>((a, b) => a * (b as number), 1);

export function shapesEqual(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
