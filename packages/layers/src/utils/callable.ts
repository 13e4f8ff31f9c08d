/**
 * Makes a class usable both as `new Dense(32)` and as Keras's `Dense(32)`: a Proxy whose call
 * trap constructs. `instanceof`, static members and `class Mine extends Dense` keep working
 * because the Proxy forwards everything else to the class itself.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Callable<C extends abstract new (...args: any) => any> = C & ((...args: ConstructorParameters<C>) => InstanceType<C>);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function callable<C extends new (...args: any) => any>(cls: C): Callable<C> {
  return new Proxy(cls, {
    apply: (target, _this, args: unknown[]) => new target(...(args as ConstructorParameters<C>)),
  }) as Callable<C>;
}
