import { didYouMean } from './closest.js';
import { ValueError } from './errors.js';

/**
 * Keras's string identifiers ('relu', 'glorot_uniform', 'rmsprop', ...) resolve here. Lookup is
 * by the Keras snake_case name and its camelCase form; user code extends a registry with `register`.
 */
export class Registry<T> {
  private readonly items = new Map<string, T>();
  constructor(readonly kind: string) {}

  register(name: string, item: T): void {
    this.items.set(name, item);
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  get(name: string): T {
    const item = this.items.get(name);
    if (item === undefined) throw new ValueError(`unknown ${this.kind} '${name}'${didYouMean(name, this.items.keys())}`);
    return item;
  }

  names(): string[] {
    return [...this.items.keys()];
  }
}
