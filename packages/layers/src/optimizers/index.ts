import { ValueError } from '../utils/errors.js';
import { Registry } from '../utils/registry.js';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam, Adamax, Nadam } from './adam.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export { Optimizer, SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam };

/** Optimizer names ('rmsprop', 'adam', ...) to factories taking Keras options; extend with register. */
export const optimizers = new Registry<(options?: Record<string, unknown>) => Optimizer>('optimizer');
const TABLE: [string, (o?: Record<string, unknown>) => Optimizer][] = [
  ['sgd', (o) => new SGD(o)], ['rmsprop', (o) => new RMSprop(o)], ['adagrad', (o) => new Adagrad(o)],
  ['adadelta', (o) => new Adadelta(o)], ['adam', (o) => new Adam(o)], ['adamax', (o) => new Adamax(o)], ['nadam', (o) => new Nadam(o)],
];
for (const [n, f] of TABLE) optimizers.register(n, f);

export function getOptimizer(id: string | Optimizer | { class_name: string; config: Record<string, unknown> }): Optimizer {
  if (id instanceof Optimizer) return id;
  if (typeof id === 'string') return (optimizers.has(id) ? optimizers.get(id) : optimizers.get(id.toLowerCase()))();
  if (id && typeof id === 'object' && 'class_name' in id) return optimizers.get(id.class_name.toLowerCase())(id.config);
  throw new ValueError(`unknown optimizer ${String(id)}`);
}
