import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every .ts file under a folder. */
const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

describe('WebGPU flag globals', () => {
  // Browsers define GPUBufferUsage, GPUMapMode, ...; Dawn in Node does not (and vitest's test
  // processes may have them from elsewhere, so a use passes tests and fails in a plain node
  // program): sources use the constants of kernels/src/webgpu/flags.ts.
  it('no package source reads a browser-only WebGPU flag global', () => {
    const root = join(import.meta.dirname, '../..');
    const uses = readdirSync(root).flatMap((p) => sources(join(root, p, 'src')))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((line, i) =>
        /\bGPU(BufferUsage|MapMode|ShaderStage|TextureUsage|ColorWrite)\./.test(line) && !/^\s*(\*|\/\/)/.test(line) ? [`${f}:${i + 1}`] : []));
    expect(uses).toEqual([]);
  });
});
