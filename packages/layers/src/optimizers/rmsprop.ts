import { add, div, mul, sqrt, square, sub, type Tensor, type Variable } from '@kerasgpu/core';
import { callable } from '../utils/callable.js';
import { Optimizer } from './optimizer.js';

export interface RMSpropOptions { lr?: number; rho?: number; epsilon?: number; decay?: number; clipnorm?: number; clipvalue?: number; [keras: string]: unknown }

/** a = ρa + (1 − ρ)g²;  w −= lr·g / (√a + ε). */
class RMSpropImpl extends Optimizer {
  rho: number;
  epsilon: number;
  constructor(options: RMSpropOptions = {}) {
    const o = Optimizer.parse('RMSprop', options, ['rho']);
    super(o, { lr: 0.001 });
    this.rho = (o.rho as number | undefined) ?? 0.9;
    this.epsilon = (o.epsilon as number | undefined) ?? 1e-8;
  }
  protected update(w: Variable, g: Tensor, lr: number): Tensor {
    const [a] = this.slotsFor(w, 1) as [Variable];
    const aNew = add(mul(a, this.rho), mul(square(g), 1 - this.rho));
    a.assign(aNew);
    return sub(w, div(mul(g, lr), add(sqrt(aNew), this.epsilon)));
  }
  protected ownConfig() { return { rho: this.rho, epsilon: this.epsilon }; }
}
export const RMSprop = callable(RMSpropImpl);
export type RMSprop = RMSpropImpl;
