import { callable } from '../utils/callable.js';
import { hyper, Optimizer, type OptimizerUpdate } from './optimizer.js';

export interface AdadeltaOptions { lr?: number; rho?: number; epsilon?: number; decay?: number; clipnorm?: number; clipvalue?: number; [keras: string]: unknown }

/** a = ρa + (1−ρ)g²;  u = g·√(d + ε)/√(a + ε);  w −= lr·u;  d = ρd + (1−ρ)u². */
class AdadeltaImpl extends Optimizer {
  rho: number;
  epsilon: number;
  constructor(options: AdadeltaOptions = {}) {
    const o = Optimizer.parse('Adadelta', options, ['rho']);
    super('Adadelta', o, { lr: 1.0 });
    this.rho = hyper('Adadelta', o, 'rho', 0.95);
    this.epsilon = hyper('Adadelta', o, 'epsilon', 1e-8);
  }
  protected rule(lr: number): OptimizerUpdate {
    return { rule: 'adadelta', hyper: { lr, rho: this.rho, epsilon: this.epsilon } };
  }
  protected ownConfig() { return { rho: this.rho, epsilon: this.epsilon }; }
}
export const Adadelta = callable(AdadeltaImpl);
export type Adadelta = AdadeltaImpl;
