import { callable } from '../utils/callable.js';
import { hyper, Optimizer, type OptimizerUpdate } from './optimizer.js';

export interface RMSpropOptions { lr?: number; rho?: number; epsilon?: number; decay?: number; clipnorm?: number; clipvalue?: number; [keras: string]: unknown }

/** a = ρa + (1 − ρ)g²;  w −= lr·g / (√a + ε). */
class RMSpropImpl extends Optimizer {
  rho: number;
  epsilon: number;
  constructor(options: RMSpropOptions = {}) {
    const o = Optimizer.parse('RMSprop', options, ['rho']);
    super('RMSprop', o, { lr: 0.001 });
    this.rho = hyper('RMSprop', o, 'rho', 0.9);
    this.epsilon = hyper('RMSprop', o, 'epsilon', 1e-8);
  }
  protected rule(lr: number): OptimizerUpdate {
    return { rule: 'rmsprop', hyper: { lr, rho: this.rho, epsilon: this.epsilon } };
  }
  protected ownConfig() { return { rho: this.rho, epsilon: this.epsilon }; }
}
export const RMSprop = callable(RMSpropImpl);
export type RMSprop = RMSpropImpl;
