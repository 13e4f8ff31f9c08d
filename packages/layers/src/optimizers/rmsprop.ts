import type { Tensor, Variable } from '@kerasgpu/core';
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
  protected update(w: Variable, g: Tensor, lr: number): void {
    this.fused('rmsprop', { lr, rho: this.rho, epsilon: this.epsilon }, w, g);
  }
  protected ownConfig() { return { rho: this.rho, epsilon: this.epsilon }; }
}
export const RMSprop = callable(RMSpropImpl);
export type RMSprop = RMSpropImpl;
