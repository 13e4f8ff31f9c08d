import type { DataArray } from '../types.js';
import { optimizerStep, type OptimizerHyper, type OptimizerRuleName } from './rules.js';

/** One optimizer step over every element (the rule's statements, rules.ts), updating `param` and `slots` in place. */
export function optimizerUpdateCpu<R extends OptimizerRuleName>(rule: R, hyper: OptimizerHyper[R], param: DataArray, grad: DataArray, slots: DataArray[]): void {
  const { program, scalars } = optimizerStep(rule, hyper);
  program.cpu(param, grad, slots, scalars);
}
