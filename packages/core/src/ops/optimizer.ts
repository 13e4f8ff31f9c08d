import { OPTIMIZER_SLOTS, type OptimizerHyper, type OptimizerRuleName } from '@kerasgpu/kernels';
import { engine } from '../engine.js';
import { KerasGpuError, ShapeError } from '../errors.js';
import { fmt, sameShape } from '../shape.js';
import { Variable, type Tensor } from '../tensor.js';
import { assertFloat, assertSameDType } from './convert.js';
import { run1 } from './run.js';

export type { OptimizerHyper, OptimizerRuleName } from '@kerasgpu/kernels';
export { OPTIMIZER_SLOTS, nadamMomentumCache } from '@kerasgpu/kernels';


/**
 * Gives `v` storage of its own before it is written in place: a Variable shares its DataRef with
 * the tensor it was made from and with reshape views of it, which must keep their values.
 */
function unshare(op: string, v: Variable): void {
  v.storageFor(op);
  if (v.ref!.refCount === 1) return;
  const copy = engine.withoutRecording(() => run1(op, 'cast', { x: v }, { dtype: v.dtype }, v.shape, v.dtype));
  v.assign(copy);
  copy.dispose();
}

/** One variable's part of an optimizer step: the parameter and slots it writes in place, from the gradient. */
export interface OptimizerUpdate { param: Variable; grad: Tensor; slots: readonly Variable[] }

/**
 * One fused optimizer step (`rule`, Keras formulas, defined in the kernels' `OPTIMIZER_RULES`) of
 * every variable in `updates`: updates each `param` and its `slots` (`OPTIMIZER_SLOTS[rule]`, in
 * that order) in place from its `grad`, in as few kernels as the device's bindings allow (one for
 * a small model). Not differentiable and not recorded on a gradient tape.
 */
export function applyOptimizerUpdates<R extends OptimizerRuleName>(rule: R, hyper: OptimizerHyper[R], updates: readonly OptimizerUpdate[]): void {
  const op = `applyOptimizerUpdate(${rule})`;
  const names = OPTIMIZER_SLOTS[rule];
  if (!names) throw new KerasGpuError(`applyOptimizerUpdate: unknown rule '${rule}' (known: ${Object.keys(OPTIMIZER_SLOTS).join(', ')})`);
  const written = updates.flatMap(({ param, slots }) => [param, ...slots]);
  for (const { param, grad, slots } of updates) {
    if (slots.length !== names.length) {
      throw new KerasGpuError(`${op}: expected ${names.length} slot variable(s) (${names.join(', ')}), got ${slots.length}`);
    }
    if (![param, ...slots].every((v) => v instanceof Variable)) throw new KerasGpuError(`${op}: the parameter and the slots must be Variables (they are updated in place)`);
    assertFloat(op, param);
    assertSameDType(op, param, grad, ...slots);
    for (const t of [grad, ...slots]) {
      if (!sameShape(t.shape, param.shape)) throw new ShapeError(`${op}: parameter ${param.name} is ${fmt(param.shape)} but a gradient or slot is ${fmt(t.shape)}`);
    }
  }
  if (new Set(written).size !== written.length) throw new KerasGpuError(`${op}: the parameters and the slots must be distinct Variables`);
  for (const v of written) unshare(op, v);
  engine.updatesInPlace(rule, hyper, updates, op);
}

/** applyOptimizerUpdates of one variable. */
export function applyOptimizerUpdate<R extends OptimizerRuleName>(rule: R, hyper: OptimizerHyper[R], param: Variable, grad: Tensor, slots: readonly Variable[]): void {
  applyOptimizerUpdates(rule, hyper, [{ param, grad, slots }]);
}
