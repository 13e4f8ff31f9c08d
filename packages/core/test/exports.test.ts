import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** A user's script: plain node, no TypeScript transform, no source condition, so it loads dist/. */
const SCRIPT = `
import { tensor, matMul, grad, sum, square, getBackend } from '@kerasgpu/core';
const x = tensor([[1, 2], [3, 4]]);
const g = grad((t) => sum(square(t)))(x);
console.log(JSON.stringify({ y: await matMul(x, x).array(), g: await g.array(), backend: getBackend() }));
`;

describe('the built package', () => {
  it('imports from a plain node script through the exports map', async () => {
    // npm test runs `tsc -b` before vitest; without a build there is nothing to import.
    expect(existsSync(dist), `${dist} is missing: run \`npm run build\` first`).toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: repoRoot,
      env: { ...process.env, KERASGPU_BACKEND: 'cpu' },
    });
    expect(JSON.parse(stdout)).toEqual({ y: [[7, 10], [15, 22]], g: [[2, 4], [6, 8]], backend: 'cpu' });
  });
});
