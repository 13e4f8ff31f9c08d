/**
 * kerasgpu in a real browser: the library bundled for the browser (esbuild, `browser` condition)
 * runs in headless Chromium on the page's WebGPU (SwiftShader on a machine without a GPU). With
 * CI=true a missing Chromium or WebGPU fails; elsewhere a missing Chromium skips with a message.
 */
import { describe, expect, it } from 'vitest';
import { bundle } from '../build.mjs';
import { chromiumPath, hasChromium } from '../chromium.mjs';
import { runBrowserTest } from './run.mjs';

const ci = process.env.CI === 'true';
const skip = !ci && !hasChromium();
if (skip) console.warn(`browser test skipped: no Chromium at ${chromiumPath()} (apt-get install chromium, or set CHROME); with CI=true it fails instead`);

describe('the browser bundle', () => {
  it('builds from the browser entries (no Node built-in module reached)', async () => {
    const meta = await bundle('scripts/browser/kerasgpu.ts', 'dist/browser/kerasgpu.js');
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('packages/io/src/host/browser.ts');
    expect(inputs).toContain('packages/core/src/platform/browser.ts');
    expect(inputs.filter((i) => /node_modules\/h5wasm\//.test(i))).toEqual(['node_modules/h5wasm/dist/esm/hdf5_util.js', 'node_modules/h5wasm/dist/esm/hdf5_hl.js']);
  });
});

describe.skipIf(skip)('kerasgpu in headless Chromium', () => {
  it('webgpu kernels match cpu, fit trains, a Keras .h5 loads from bytes', async () => {
    if (!hasChromium()) throw new Error(`CI=true: the browser test must run, and there is no Chromium at ${chromiumPath()} (apt-get install chromium)`);
    const page: string[] = [];
    const result = await runBrowserTest({ runs: Number(process.env.KERASGPU_PROPERTY_RUNS ?? 6), log: (line: string) => page.push(line) });
    const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    expect(failed, `page console:\n${page.join('\n')}`).toEqual([]);
    expect(result.checks.map((c) => c.name)).toEqual(['webgpu matMul vs cpu', 'webgpu conv2d vs cpu', 'webgpu pooling vs cpu', 'webgpu lstmCell vs cpu', 'fit trains a model', 'Keras .h5 from bytes']);
    expect(result.adapter).toMatch(/^webgpu/);
  });

  it('fails, not skips, where the page has no WebGPU (Chromium without --enable-unsafe-webgpu)', async () => {
    const result = await runBrowserTest({ runs: 1, flags: [] });
    expect(result.ok).toBe(false);
    expect(result.checks).toEqual([expect.objectContaining({ name: 'WebGPU available', ok: false })]);
  });
});
