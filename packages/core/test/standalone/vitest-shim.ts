/**
 * The part of vitest's API that the webgpu-vs-cpu tests use (describe, it, hooks, expect), for
 * running them where vitest cannot go: the GPU machine has no Node.js, npm or network, so
 * scripts/gpu-bench.sh bundles the test files with `vitest` aliased to this module. Tests register
 * into a tree here; `runTests` walks it in order. `expect` is vitest's own (its Jest matchers as a
 * chai plugin), so assertions read and fail exactly as under vitest.
 */
import { chai, JestAsymmetricMatchers, JestChaiExpect, JestExtend } from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);
export const expect = chai.expect;

type Fn = () => unknown;
interface Suite {
  name: string;
  children: (Suite | Test)[];
  beforeAll: Fn[]; afterAll: Fn[]; beforeEach: Fn[]; afterEach: Fn[];
}
interface Test { name: string; fn: Fn }

const newSuite = (name: string): Suite => ({ name, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] });
const root = newSuite('');
let current = root;

function within(suite: Suite, body: () => void): void {
  const outer = current;
  current.children.push(suite);
  current = suite;
  try { body(); } finally { current = outer; }
}

export function describe(name: string, body: () => void): void { within(newSuite(name), body); }
export function it(name: string, fn: Fn): void { current.children.push({ name, fn }); }
export const test = it;
export const beforeAll = (fn: Fn) => void current.beforeAll.push(fn);
export const afterAll = (fn: Fn) => void current.afterAll.push(fn);
export const beforeEach = (fn: Fn) => void current.beforeEach.push(fn);
export const afterEach = (fn: Fn) => void current.afterEach.push(fn);

/** Registers one test file's tests in a suite of its own (its top-level hooks stay its own). */
export async function registerFile(name: string, load: () => Promise<unknown>): Promise<void> {
  const suite = newSuite(name);
  root.children.push(suite);
  const outer = current;
  current = suite;
  try { await load(); } finally { current = outer; }
}

export interface TestResult { name: string; status: 'passed' | 'failed' | 'not run'; seconds: number; error?: string }

/**
 * Runs every registered test in order, hooks as vitest runs them. Tests not started before
 * `deadline` (a performance.now() time) are reported as not run, so the whole stays in its budget.
 */
export async function runTests(deadline: number, report: (r: TestResult) => void): Promise<TestResult[]> {
  const results: TestResult[] = [];
  const emit = (r: TestResult) => { results.push(r); report(r); };
  const tests = (s: Suite): Test[] => s.children.flatMap((c) => ('children' in c ? tests(c) : [c]));
  async function walk(s: Suite, path: string[], each: { before: Fn[]; after: Fn[] }): Promise<void> {
    const here = s.name ? [...path, s.name] : path;
    const hooks = { before: [...each.before, ...s.beforeEach], after: [...s.afterEach, ...each.after] };
    const timeLeft = () => performance.now() < deadline;
    if (!timeLeft() || tests(s).length === 0) {
      for (const t of tests(s)) emit({ name: [...here, t.name].join(' > '), status: 'not run', seconds: 0 });
      return;
    }
    for (const h of s.beforeAll) await h();
    for (const c of s.children) {
      if ('children' in c) { await walk(c, here, hooks); continue; }
      const name = [...here, c.name].join(' > ');
      if (!timeLeft()) { emit({ name, status: 'not run', seconds: 0 }); continue; }
      const t0 = performance.now();
      let error: string | undefined;
      try {
        for (const h of hooks.before) await h();
        await c.fn();
      } catch (e) {
        error = e instanceof Error ? `${e.message}` : String(e);
      } finally {
        for (const h of hooks.after) await h();
      }
      emit({ name, status: error === undefined ? 'passed' : 'failed', seconds: (performance.now() - t0) / 1000, ...(error === undefined ? {} : { error }) });
    }
    for (const h of s.afterAll) await h();
  }
  await walk(root, [], { before: [], after: [] });
  return results;
}
