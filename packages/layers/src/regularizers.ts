import { abs, add, mul, square, sum, type Tensor } from '@kerasgpu/core';
import { callable } from './utils/callable.js';
import { ValueError } from './utils/errors.js';
import { helperArgs, nonNegative } from './utils/args.js';
import { parseOptions, type Options } from './utils/options.js';
import { Registry } from './utils/registry.js';
import { invalid } from './utils/option-readers.js';

/** Keras's L1L2 penalty: l1·Σ|w| + l2·Σw². Weight and activity regularizers are the same math. */
class L1L2Impl {
  readonly l1: number;
  readonly l2: number;
  constructor(options: { l1?: number; l2?: number } = {}) {
    const o = parseOptions('L1L2', options, ['l1', 'l2']);
    this.l1 = nonNegative('L1L2', 'l1', o.l1 ?? 0);
    this.l2 = nonNegative('L1L2', 'l2', o.l2 ?? 0);
  }
  /** The penalty for `x`, a scalar added to the training loss. */
  penalty(x: Tensor): Tensor {
    let p: Tensor | null = null;
    if (this.l1) p = mul(sum(abs(x)), this.l1);
    if (this.l2) {
      const q = mul(sum(square(x)), this.l2);
      p = p ? add(p, q) : q;
    }
    return p ?? mul(sum(x), 0);
  }
  getConfig(): { class_name: string; config: { l1: number; l2: number } } {
    return { class_name: 'L1L2', config: { l1: this.l1, l2: this.l2 } };
  }
}
export const L1L2 = callable(L1L2Impl);
export type L1L2 = L1L2Impl;
export type Regularizer = L1L2Impl;

// Keras's helpers, positional or with one options object: l2(0.01), l2({l: 0.01}), l1l2({l1, l2}).
type OneFactor = [l?: number] | [options: { l?: number }];
type TwoFactors = [l1?: number, l2?: number] | [options: { l1?: number; l2?: number }];
export const l1 = (...args: OneFactor): Regularizer => new L1L2({ l1: helperArgs('l1', args, ['l'], { l: 0.01 }).l as number });
export const l2 = (...args: OneFactor): Regularizer => new L1L2({ l2: helperArgs('l2', args, ['l'], { l: 0.01 }).l as number });
export const l1l2 = (...args: TwoFactors): Regularizer => new L1L2(helperArgs('l1l2', args, ['l1', 'l2'], { l1: 0.01, l2: 0.01 }));
// Keras 1's activity regularizers compute the same penalty on a layer's output.
export const activityL1 = l1;
export const activityL2 = l2;
export const activityL1l2 = l1l2;

export const regularizers = new Registry<() => Regularizer>('regularizer');
for (const [n, f] of Object.entries({ l1, l2, l1l2, l1_l2: l1l2, activity_l1: l1, activity_l2: l2, activity_l1l2: l1l2 })) regularizers.register(n, () => f());

/** A regularizer, its name, its Keras 2 config, or Keras 1's `{name: 'WeightRegularizer', l1, l2}`. */
export type RegularizerId = Regularizer | string | { class_name: string; config: { l1?: number; l2?: number } } | { name: string; l1?: number; l2?: number };

export function getRegularizer(id: RegularizerId | null | undefined): Regularizer | null {
  if (id === undefined || id === null) return null;
  if (id instanceof L1L2) return id;
  if (typeof id === 'string') return regularizers.get(id)();
  if (typeof id === 'object' && 'class_name' in id) return new L1L2({ l1: id.config.l1 ?? 0, l2: id.config.l2 ?? 0 });
  if (typeof id === 'object' && 'name' in id) return new L1L2({ l1: id.l1 ?? 0, l2: id.l2 ?? 0 });
  throw new ValueError(`unknown regularizer ${String(id)}`);
}

/** A layer's regularizer option: its kind is checked here, its object forms by getRegularizer and L1L2. */
export function regularizerOption(owner: string, o: Options, key: string): Regularizer | null {
  const v = o[key] ?? null;
  if (v !== null && typeof v !== 'string' && typeof v !== 'object') invalid(owner, key, 'a regularizer, its name or its config', v);
  return getRegularizer(v as RegularizerId | null);
}
