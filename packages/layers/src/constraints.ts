import { add, cast, clip, div, greaterEqual, mul, sqrt, square, sum, type Tensor } from '@kerasgpu/core';
import { helperArgs, nonNegative } from './utils/args.js';
import { callable } from './utils/callable.js';
import { ValueError } from './utils/errors.js';
import { Registry } from './utils/registry.js';
import { invalid } from './utils/option-readers.js';
import type { Options } from './utils/options.js';

const EPS = 1e-7;

/** Projects a weight after each optimizer update (Keras constraints). */
export abstract class Constraint {
  abstract apply(w: Tensor): Tensor;
  abstract getConfig(): { class_name: string; config: Record<string, unknown> };
}

const axisList = (axis: number | number[]) => (typeof axis === 'number' ? [axis] : axis);
type Axis = number | number[];
function checkAxis(owner: string, axis: unknown): Axis {
  const ok = Number.isInteger(axis) || (Array.isArray(axis) && axis.every((a) => Number.isInteger(a)));
  if (!ok) throw new ValueError(`${owner}: axis must be an integer or a list of integers, got ${JSON.stringify(axis)}`);
  return axis as Axis;
}

/** Keras 1 `maxnorm(m=2, axis=0)`, Keras 2 `max_norm(max_value=2, axis=0)`: positional, or one options object. */
type MaxNormArgs = [m?: number, axis?: Axis] | [options: { m?: number; maxValue?: number; max_value?: number; axis?: Axis }];

class MaxNormImpl extends Constraint {
  readonly maxValue: number;
  readonly axis: Axis;
  constructor(...args: MaxNormArgs) {
    super();
    const o = helperArgs('maxnorm', args, ['m', 'maxValue', 'axis'], { axis: 0 });
    if (o.m !== undefined && o.maxValue !== undefined) throw new ValueError("maxnorm: 'm' (Keras 1) and 'max_value' (Keras 2) name the same option; give one");
    this.maxValue = nonNegative('maxnorm', 'm (max_value)', o.m ?? o.maxValue ?? 2, true);
    this.axis = checkAxis('maxnorm', o.axis);
  }
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
  readonly axis: Axis;
  constructor(...args: [axis?: Axis] | [options: { axis?: Axis }]) {
    super();
    this.axis = checkAxis('unitnorm', helperArgs('unitnorm', args, ['axis'], { axis: 0 }).axis);
  }
  apply(w: Tensor): Tensor { return div(w, add(sqrt(sum(square(w), axisList(this.axis), true)), EPS)); }
  getConfig() { return { class_name: 'UnitNorm', config: { axis: this.axis } }; }
}

export const MaxNorm = callable(MaxNormImpl);
export const NonNeg = callable(NonNegImpl);
export const UnitNorm = callable(UnitNormImpl);
export const maxnorm = (...args: MaxNormArgs) => new MaxNorm(...args);
export const nonneg = () => new NonNeg();
export const unitnorm = (...args: [axis?: Axis] | [options: { axis?: Axis }]) => new UnitNorm(...args);

export const constraints = new Registry<(config: Record<string, unknown>) => Constraint>('constraint');
const maxNormFrom = (c: Record<string, unknown>) => new MaxNorm((c.max_value ?? c.m ?? 2) as number, (c.axis ?? 0) as Axis);
const unitNormFrom = (c: Record<string, unknown>) => new UnitNorm((c.axis ?? 0) as Axis);
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

/** A layer's constraint option: its kind is checked here, its object forms by getConstraint. */
export function constraintOption(owner: string, o: Options, key: string): Constraint | null {
  const v = o[key] ?? null;
  if (v !== null && typeof v !== 'string' && typeof v !== 'object') invalid(owner, key, 'a constraint, its name or its config', v);
  return getConstraint(v as ConstraintId | null);
}
