/**
 * Bundles the programs that scripts/gpu-bench.sh runs on the GPU machine (which has no npm) into
 * single .mjs files under the folder given: everything inlined (our packages from their sources,
 * tfjs, fast-check) except `webgpu`, whose native Dawn module travels beside them.
 *   node scripts/gpu-bench/bundle.mjs OUTDIR
 * - checks.mjs: the webgpu-vs-cpu kernel tests of packages/core/test/webgpu, run without vitest
 *   (`vitest` is aliased to packages/core/test/standalone/vitest-shim.ts; the file list is read
 *   here, so a new test file is included without being named anywhere).
 * - kernels.mjs, train.mjs, train-ours.mjs, train-tfjs.mjs: bench:kernels and bench:train.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rolldown } from 'rolldown';

const root = resolve(import.meta.dirname, '../..');
const out = resolve(process.argv[2] ?? '.gpu');
const standalone = join(root, 'packages/core/test/standalone');
const testDir = join(root, 'packages/core/test/webgpu');
const CHECKS = '\0gpu-bench-checks';

/** The checks entry: vitest's setup (property seed), then every test file, each registered as its own suite. */
function checksEntry() {
  const files = readdirSync(testDir).filter((f) => f.endsWith('.test.ts')).sort();
  return [
    `import ${JSON.stringify(join(root, 'vitest.setup.ts'))};`,
    `import { main } from ${JSON.stringify(join(standalone, 'run-checks.ts'))};`,
    `await main([${files.map((f) => `[${JSON.stringify(f)}, () => import(${JSON.stringify(join(testDir, f))})]`).join(',\n  ')}]);`,
  ].join('\n');
}

const entries = {
  checks: CHECKS,
  kernels: join(root, 'packages/examples/bench/kernels.ts'),
  train: join(root, 'packages/examples/bench/train.ts'),
  'train-ours': join(root, 'packages/examples/bench/train-ours.ts'),
  'train-tfjs': join(root, 'packages/examples/bench/train-tfjs.ts'),
};

// One build: the entries share chunks (tfjs is in both kernels.mjs's and train-tfjs.mjs's).
const bundle = await rolldown({
  input: entries,
  platform: 'node',
  external: ['webgpu'],
  resolve: {
    // Our packages from their TypeScript sources, as vitest and tsc see them.
    conditionNames: ['@kerasgpu/source', 'node', 'import', 'default'],
    alias: { vitest: join(standalone, 'vitest-shim.ts') },
  },
  plugins: [{
    name: 'gpu-bench-checks',
    resolveId: (id) => (id === CHECKS ? id : null),
    load: (id) => (id === CHECKS ? checksEntry() : null),
  }],
});
await bundle.write({
  dir: out,
  format: 'esm',
  entryFileNames: '[name].mjs',
  chunkFileNames: 'chunks/[name]-[hash].mjs',
  // Bundled CommonJS (tfjs's dependencies) calls require() for Node's built-ins.
  banner: "import { createRequire as __gpuBenchRequire } from 'node:module'; const require = __gpuBenchRequire(import.meta.url);",
});
await bundle.close();
console.log(`bundled ${Object.keys(entries).map((e) => `${e}.mjs`).join(', ')}`);
