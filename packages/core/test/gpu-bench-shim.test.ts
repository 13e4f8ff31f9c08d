import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as shim from './standalone/vitest-shim.js';

// scripts/gpu-bench.sh bundles test/webgpu's files with `vitest` aliased to the shim (the GPU
// machine has no vitest): a test there may use only what the shim exports, or the bundle fails.
describe('the webgpu tests run under the GPU bundle’s vitest shim', () => {
  it('every name they import from vitest is one the shim exports, and no it.<modifier> is used', () => {
    const dir = join(import.meta.dirname, 'webgpu');
    const problems = readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((f) => {
      const src = readFileSync(join(dir, f), 'utf8');
      const imported = [...src.matchAll(/import\s*\{([^}]*)\}\s*from\s*'vitest'/g)].flatMap((m) => m[1]!.split(',').map((n) => n.trim()).filter(Boolean));
      const missing = imported.filter((n) => !n.startsWith('type ') && !(n in shim)).map((n) => `${f}: imports '${n}'`);
      const modifiers = [...src.matchAll(/\b(it|describe|test)\.(\w+)\(/g)].map((m) => `${f}: uses ${m[1]}.${m[2]}`);
      return [...missing, ...modifiers];
    });
    expect(problems).toEqual([]);
  });
});
