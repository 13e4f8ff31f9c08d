import { lossName } from '../losses.js';
import { firstBadLabel } from '../utils/class-labels.js';
import { ShapeError, ValueError } from '../utils/errors.js';
import { fmtShape, type Shape } from '../utils/shape.js';
import type { Compiled } from './compile.js';

const SPARSE = 'sparse_categorical_crossentropy';

/**
 * Keras's check_loss_and_target_compatibility: a target must have its output's shape (a sparse
 * loss: the shape without the class axis, or with it as 1). Integer labels with
 * categorical_crossentropy get Keras's to_categorical hint instead of training silently.
 */
export function checkTargetShapes(owner: string, c: Compiled, names: readonly string[], outputs: readonly Shape[], targets: readonly { shape: readonly number[] }[]): void {
  targets.forEach((t, i) => {
    const out = outputs[i]!;
    const loss = lossName(c.losses[i]!);
    const classes = out[out.length - 1];
    if (loss === 'categorical_crossentropy' && t.shape[t.shape.length - 1] === 1 && classes !== 1) {
      throw new ValueError(
        `${owner}: you are passing a target array of shape ${fmtShape(t.shape)} while using as loss \`categorical_crossentropy\`. ` +
        '`categorical_crossentropy` expects targets to be binary matrices (1s and 0s) of shape (samples, classes). If your targets are ' +
        'integer classes, convert them with toCategorical(y, nbClasses) (Keras: to_categorical), or use the loss ' +
        '`sparse_categorical_crossentropy`, which expects integer targets.',
      );
    }
    const want = loss === SPARSE ? [out.slice(0, -1), [...out.slice(0, -1), 1]] : [out];
    const fits = (w: Shape) => t.shape.length === w.length && w.every((d, k) => k === 0 || d === null || d === t.shape[k]);
    if (!want.some(fits)) {
      throw new ShapeError(
        `${owner}: a target array of shape ${fmtShape(t.shape)} was passed for output ${names[i]} of shape ${fmtShape(out)} ` +
        `while using as loss \`${loss}\`; this loss expects targets of shape ${want.map(fmtShape).join(' or ')}`,
      );
    }
  });
}

/** Labels of a sparse loss, read on the host: integers in [0, classes). */
export function checkSparseLabels(owner: string, c: Compiled, names: readonly string[], outputs: readonly Shape[]) {
  return (i: number, values: ArrayLike<number>): void => {
    if (lossName(c.losses[i]!) !== SPARSE) return;
    const out = outputs[i]!;
    const classes = out[out.length - 1] ?? Infinity;
    const k = firstBadLabel(values, classes);
    if (k >= 0) {
      throw new ValueError(`${owner}: target ${names[i]} holds the label ${values[k]} at flat index ${k}; \`${SPARSE}\` needs integer class labels in [0, ${classes})`);
    }
  };
}
