/**
 * The library as a user gets it: `npm pack` of each publishable package, installed into a scratch
 * project outside the repository (from the local npm cache where it can), then loaded by plain
 * `node` with `import` and with `require`, and trained on cpu and webgpu. Importing must print
 * nothing: the backend is chosen by `init()`, not at import.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const PUBLISHED = ['kernels', 'core', 'layers', 'io'] as const;
const ALL = [...PUBLISHED, 'examples'] as const;
/** Dawn's WebGPU backend, an optional peer of core: a user who wants the GPU installs it. */
const DAWN = 'webgpu@0.6.2';

interface PackageJson { name: string; version: string; private?: boolean; license?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
const manifest = (dir: string): PackageJson => JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')) as PackageJson;

/** The environment of a user's shell: none of this test run's library switches or npm's workspace context. */
const userEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KERASGPU_') && !/^npm_(package|lifecycle|config_workspace)/.test(k)));

function run(cmd: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env: userEnv(), maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${stderr}\n${stdout}`));
      else resolve({ stdout, stderr });
    });
  });
}
const node = (cwd: string, ...args: string[]) => run(process.execPath, args, cwd);

let scratch = '';
let project = '';
let packed: { name: string; files: { path: string }[] }[] = [];

beforeAll(async () => {
  // npm test runs `tsc -b` first; the tarballs hold dist/.
  for (const p of PUBLISHED) expect(existsSync(join(repoRoot, 'packages', p, 'dist/index.js')), `packages/${p}/dist is missing: run \`npm run build\``).toBe(true);
  scratch = mkdtempSync(join(tmpdir(), 'kerasgpu-install-'));
  project = join(scratch, 'project');
  const workspaces = PUBLISHED.flatMap((p) => ['-w', `packages/${p}`]);
  packed = JSON.parse((await run('npm', ['pack', ...workspaces, '--pack-destination', scratch, '--json'], repoRoot)).stdout) as typeof packed;
  const tarballs = PUBLISHED.map((p) => join(scratch, `kerasgpu-${p}-${manifest(p).version}.tgz`));
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
  await run('npm', ['install', ...tarballs, DAWN, '--prefer-offline', '--no-audit', '--no-fund'], project);
}, 240_000);
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packages as published', () => {
  it('versions move together: one version everywhere, siblings pinned to it; examples stay private', () => {
    const version = manifest('core').version;
    for (const p of ALL) {
      const m = manifest(p);
      expect(m.version, m.name).toBe(version);
      expect(m.license, m.name).toBe('Apache-2.0');
      for (const [dep, spec] of Object.entries({ ...m.dependencies, ...m.devDependencies })) {
        if (dep.startsWith('@kerasgpu/')) expect(spec, `${m.name} → ${dep}`).toBe(version);
      }
    }
    expect(manifest('examples').private).toBe(true);
  });

  it('each tarball holds exactly the compiled code, its types, the README and the licence', () => {
    expect(packed.map((p) => p.name)).toEqual(PUBLISHED.map((p) => `@kerasgpu/${p}`));
    for (const p of packed) {
      const files = p.files.map((f) => f.path).sort();
      const extra = files.filter((f) => !['LICENSE', 'README.md', 'package.json'].includes(f) && !/^dist\/.*\.(js|d\.ts)$/.test(f));
      expect(extra, p.name).toEqual([]);
      expect(files, p.name).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist/index.js', 'dist/index.d.ts']));
    }
  });
});

describe('a scratch project with the tarballs installed', () => {
  it('`require` (CommonJS) loads every package and prints nothing', async () => {
    const out = await node(project, '-e', `
      const L = require('@kerasgpu/layers'), io = require('@kerasgpu/io');
      require('@kerasgpu/core'); require('@kerasgpu/kernels');
      if (typeof L.Sequential !== 'function' || typeof io.loadModel !== 'function') throw new Error('exports missing');`);
    expect(out).toEqual({ stdout: '', stderr: '' });
  });

  it('`import` (ESM) loads every package and prints nothing', async () => {
    const out = await node(project, '--input-type=module', '-e', `
      import { Sequential } from '@kerasgpu/layers';
      import { loadModel } from '@kerasgpu/io';
      import '@kerasgpu/core'; import '@kerasgpu/kernels';
      if (typeof Sequential !== 'function' || typeof loadModel !== 'function') throw new Error('exports missing');`);
    expect(out).toEqual({ stdout: '', stderr: '' });
  });

  // XOR with a small MLP: the loss falls, and the model saved to bytes reloads predicting the same.
  const TRAIN = `
    await init({ backend: process.argv[1] });
    const m = Sequential([Dense(8, { input_dim: 2, activation: 'tanh' }), Dense(1, { activation: 'sigmoid' })]);
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y = tensor([[0], [1], [1], [0]]);
    const h = await m.fit(x, y, { epochs: 20, batch_size: 4, verbose: 0 });
    const back = await loadModel(await m.save());
    const same = Array.from(await m.predict(x).data()).join() === Array.from(await back.predict(x).data()).join();
    console.log(JSON.stringify({ backend: getBackend(), first: h.history.loss[0], last: h.history.loss.at(-1), same }));`;

  async function train(backend: 'cpu' | 'webgpu', moduleSystem: 'require' | 'import') {
    const script = moduleSystem === 'require'
      ? `const { init, Sequential, Dense, tensor, getBackend } = require('@kerasgpu/layers'); const { loadModel } = require('@kerasgpu/io');
         (async () => { ${TRAIN} })().catch((e) => { console.error(e); process.exitCode = 1; });`
      : `import { init, Sequential, Dense, tensor, getBackend } from '@kerasgpu/layers'; import { loadModel } from '@kerasgpu/io'; ${TRAIN}`;
    const { stdout } = await node(project, ...(moduleSystem === 'import' ? ['--input-type=module'] : []), '-e', script, backend);
    const r = JSON.parse(stdout) as { backend: string; first: number; last: number; same: boolean };
    expect(r.backend).toBe(backend);
    expect(r.last).toBeLessThan(r.first);
    expect(r.same).toBe(true);
  }

  it('trains on cpu (CommonJS)', () => train('cpu', 'require'));
  // Without an adapter this fails, as every WebGPU test: CI installs the CPU Vulkan driver.
  it('trains on webgpu with Dawn installed beside it (ESM)', () => train('webgpu', 'import'));
});
