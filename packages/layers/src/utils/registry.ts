import { didYouMean } from './closest.js';
import { ValueError } from './errors.js';

/**
 * Keras's string identifiers ('relu', 'glorot_uniform', 'rmsprop', ...) resolve here. Lookup is
 * by the Keras snake_case name and its camelCase form; user code extends a registry with `register`.
 */
export class Registry<T> {
  private readonly entries = new Map<string, T>();
  /**
   * `builtins` fills the registry on first use, for entries that cannot be listed while their
   * modules are still loading (a layer module that deserializes other layers imports the layer registry).
   */
  constructor(readonly kind: string, private builtins: (() => Iterable<[string, T]>) | null = null) {}

  private get items(): Map<string, T> {
    if (this.builtins) {
      const fill = this.builtins;
      this.builtins = null;
      for (const [name, item] of fill()) this.entries.set(name, item);
    }
    return this.entries;
  }

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
