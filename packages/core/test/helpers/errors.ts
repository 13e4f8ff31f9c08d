import { expect } from 'vitest';

type ErrorClass = new (...args: never[]) => Error;

/**
 * Asserts that `fn` throws an instance of `type` whose message contains every fragment (the op's
 * name and the shapes involved), so that errors stay typed and say what went wrong where.
 */
export function expectOpError(fn: () => unknown, type: ErrorClass, fragments: readonly string[]): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected an error').toBeInstanceOf(type);
  const message = (thrown as Error).message;
  for (const f of fragments) expect(message).toContain(f);
}
