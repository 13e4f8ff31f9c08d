import { callable } from '../utils/callable.js';
import { hyper, Optimizer, type OptimizerUpdate } from './optimizer.js';

export interface AdagradOptions { lr?: number; epsilon?: number; decay?: number; clipnorm?: number; clipvalue?: number; [keras: string]: unknown }

/** a += g²;  w −= lr·g / (√a + ε). */
class AdagradImpl extends Optimizer {
  epsilon: number;
  constructor(options: AdagradOptions = {}) {
    const o = Optimizer.parse('Adagrad', options, []);
    super('Adagrad', o, { lr: 0.01 });
    this.epsilon = hyper('Adagrad', o, 'epsilon', 1e-8);
  }
  protected rule(lr: number): OptimizerUpdate {
    return { rule: 'adagrad', hyper: { lr, epsilon: this.epsilon } };
  }
  protected ownConfig() { return { epsilon: this.epsilon }; }
}
export const Adagrad = callable(AdagradImpl);
export type Adagrad = AdagradImpl;
