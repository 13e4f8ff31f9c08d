import { add, cast, clip, div, greaterEqual, mul, sqrt, square, sum, type Tensor } from '@kerasgpu/core';
import { callable } from './utils/callable.js';
import { ValueError } from './utils/errors.js';
import { Registry } from './utils/registry.js';

const EPS = 1e-7;

/** Projects a weight after each optimizer update (Keras constraints). */
export abstract class Constraint {
  abstract apply(w: Tensor): Tensor;
  abstract getConfig(): { class_name: string; config: Record<string, unknown> };
}

const axisList = (axis: number | number[]) => (typeof axis === 'number' ? [axis] : axis);

class MaxNormImpl extends Constraint {
  constructor(readonly maxValue = 2, readonly axis: number | number[] = 0) { super(); }
  apply(w: Tensor): Tensor {
    const norms = sqrt(sum(square(w), axisList(this.axis), true));
    return mul(w, div(clip(norms, 0, this.maxValue), add(norms, EPS)));
  }
  getConfig() { return { class_name: 'MaxNorm', config: { max_value: this.maxValue, axis: this.axis } }; }
}
class NonNegImpl extends Constraint {
  apply(w: Tensor): Tensor { return mul(w, cast(greaterEqual(w, 0), w.dtype)); }
  getConfig() { return { class_name: 'NonNeg', config: {} }; }
}
class UnitNormImpl extends Constraint {
  constructor(readonly axis: number | number[] = 0) { super(); }
  apply(w: Tensor): Tensor { return div(w, add(sqrt(sum(square(w), axisList(this.axis), true)), EPS)); }
  getConfig() { return { class_name: 'UnitNorm', config: { axis: this.axis } }; }
}

export const MaxNorm = callable(MaxNormImpl);
export const NonNeg = callable(NonNegImpl);
export const UnitNorm = callable(UnitNormImpl);
export const maxnorm = (m = 2, axis: number | number[] = 0) => new MaxNorm(m, axis);
export const nonneg = () => new NonNeg();
export const unitnorm = (axis: number | number[] = 0) => new UnitNorm(axis);

export const constraints = new Registry<(config: Record<string, unknown>) => Constraint>('constraint');
const maxNormFrom = (c: Record<string, unknown>) => new MaxNorm((c.max_value ?? c.m ?? 2) as number, (c.axis ?? 0) as number);
const unitNormFrom = (c: Record<string, unknown>) => new UnitNorm((c.axis ?? 0) as number);
for (const n of ['maxnorm', 'max_norm', 'MaxNorm']) constraints.register(n, maxNormFrom);
for (const n of ['nonneg', 'non_neg', 'NonNeg']) constraints.register(n, () => new NonNeg());
for (const n of ['unitnorm', 'unit_norm', 'UnitNorm']) constraints.register(n, unitNormFrom);

export type ConstraintId = Constraint | string | { class_name: string; config: Record<string, unknown> };

export function getConstraint(id: ConstraintId | null | undefined): Constraint | null {
  if (id === undefined || id === null) return null;
  if (id instanceof Constraint) return id;
  if (typeof id === 'string') return constraints.get(id)({});
  if (typeof id === 'object' && 'class_name' in id) return constraints.get(id.class_name)(id.config);
  throw new ValueError(`unknown constraint ${String(id)}`);
}
