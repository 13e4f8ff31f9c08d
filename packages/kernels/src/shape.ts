/** Shape arithmetic shared by every kernel family (row-major, NumPy broadcasting). */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/**
 * Strides for reading `inShape` as if broadcast to `outShape` (right-aligned):
 * a broadcast dimension gets stride 0. Assumes the shapes are compatible.
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const inStrides = stridesOf(inShape);
  const offset = outShape.length - inShape.length;
  return outShape.map((_, i) => {
    const j = i - offset;
    return j < 0 || inShape[j] === 1 ? 0 : inStrides[j]!;
  });
}

/** Calls `fn(outIndex, ...inOffsets)` for every element of `outShape`, walking inputs by strides. */
export function forEachIndex(outShape: Shape, inStrides: readonly (readonly number[])[], fn: (out: number, offs: number[]) => void): void {
  const rank = outShape.length;
  const size = sizeOf(outShape);
  const idx = new Array<number>(rank).fill(0);
  const offs = inStrides.map(() => 0);
  for (let out = 0; out < size; out++) {
    fn(out, offs);
    // Odometer increment, updating every input offset incrementally.
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < offs.length; k++) offs[k]! += inStrides[k]![d]!;
      if (idx[d]! < outShape[d]!) break;
      for (let k = 0; k < offs.length; k++) offs[k]! -= inStrides[k]![d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}
