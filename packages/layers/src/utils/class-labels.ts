/**
 * Index of the first value that is not an integer class label in [0, classes), or -1. One rule
 * for to_categorical's input and sparse losses' targets: anything else would silently become an
 * all-zero row or an out-of-range gather.
 */
export function firstBadLabel(values: ArrayLike<unknown>, classes = Infinity): number {
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < classes)) return k;
  }
  return -1;
}
