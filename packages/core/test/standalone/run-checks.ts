/**
 * Runs the webgpu-vs-cpu kernel tests (test/webgpu/*.test.ts) without vitest, for the GPU machine
 * (scripts/gpu-bench.sh bundles this with the test files and `vitest` aliased to vitest-shim.ts).
 *   node checks.mjs [--seconds S] [--json FILE]
 * Each test file runs in a process of its own, as under vitest (module state such as the pool and
 * the live-tensor count starts fresh per file). Prints one line per test and a summary; exits 1 if
 * a test failed. Tests not started within S seconds are reported as not run.
 * KERASGPU_PROPERTY_RUNS sets the property runs as under vitest.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { registerFile, runTests, type TestResult } from './vitest-shim.js';

type TestFiles = [string, () => Promise<unknown>][];

/** In a child: runs one file's tests and sends each result to the parent. */
async function runFile(files: TestFiles, name: string, deadline: number): Promise<never> {
  const file = files.find(([f]) => f === name);
  if (!file) throw new Error(`checks: no test file ${name}`);
  await registerFile(...file);
  await runTests(deadline, (r) => process.send!(r));
  process.exit(0); // Dawn keeps the event loop alive
}

/** In the parent: one child per file, in order; a child that dies fails its file. */
function runChild(name: string, secondsLeft: number, report: (r: TestResult) => void): Promise<void> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ['--file', name, '--seconds', String(secondsLeft)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const t0 = performance.now();
    child.on('message', (r: TestResult) => report(r));
    child.on('exit', (code, signal) => {
      if (code !== 0) report({ name, status: 'failed', seconds: (performance.now() - t0) / 1000, error: `the test process stopped (${signal ?? `exit ${code}`})` });
      resolve();
    });
  });
}

export async function main(files: TestFiles): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '240' }, json: { type: 'string' }, file: { type: 'string' } } });
  const start = performance.now();
  const deadline = start + Number(values.seconds) * 1000;
  if (values.file) await runFile(files, values.file, deadline);
  const results: TestResult[] = [];
  const report = (r: TestResult) => {
    results.push(r);
    const mark = { passed: 'ok  ', failed: 'FAIL', 'not run': 'skip' }[r.status];
    console.log(`${mark} ${r.name}${r.status === 'not run' ? ' (time budget spent)' : ` (${r.seconds.toFixed(1)} s)`}`);
    if (r.error) console.log(`     ${r.error.split('\n').slice(0, 6).join('\n     ')}`);
  };
  for (const [name] of files) {
    const left = (deadline - performance.now()) / 1000;
    if (left > 0) await runChild(name, left, report);
    else report({ name, status: 'not run', seconds: 0 });
  }
  const count = (s: TestResult['status']) => results.filter((r) => r.status === s).length;
  const seconds = (performance.now() - start) / 1000;
  console.log(`\nwebgpu vs cpu checks: ${count('passed')} passed, ${count('failed')} failed, ${count('not run')} not run, in ${seconds.toFixed(0)} s`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ seconds, results }, null, 2));
  process.exit(count('failed') ? 1 : 0);
}
