import { callable } from '../utils/callable.js';
import { bool } from '../utils/option-readers.js';
import { hyper, Optimizer, type OptimizerUpdate } from './optimizer.js';

export interface SGDOptions { lr?: number; momentum?: number; decay?: number; nesterov?: boolean; clipnorm?: number; clipvalue?: number; [keras: string]: unknown }

/** v = m·v − lr·g;  w += v, or with Nesterov w += m·v − lr·g (Keras 1). */
class SGDImpl extends Optimizer {
  momentum: number;
  nesterov: boolean;
  constructor(options: SGDOptions = {}) {
    const o = Optimizer.parse('SGD', options, ['momentum', 'nesterov']);
    super('SGD', o, { lr: 0.01 });
    this.momentum = hyper('SGD', o, 'momentum', 0);
    this.nesterov = bool('SGD', o, 'nesterov', false);
  }
  protected rule(lr: number): OptimizerUpdate {
    // Plain SGD keeps no velocity slot (nothing to save), so it is not the momentum rule.
    return this.momentum === 0 && !this.nesterov ? { rule: 'gd', hyper: { lr } } : { rule: 'sgd', hyper: { lr, momentum: this.momentum, nesterov: this.nesterov } };
  }
  protected ownConfig() { return { momentum: this.momentum, nesterov: this.nesterov }; }
}
export const SGD = callable(SGDImpl);
export type SGD = SGDImpl;
