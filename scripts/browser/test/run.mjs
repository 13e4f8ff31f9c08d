// Runs the browser test: bundles checks.ts for the browser, serves the repository, opens the page
// in headless Chromium and returns the page's result ({ ok, adapter, checks }). As a script it
// prints the checks and exits 1 on any failure: node scripts/browser/test/run.mjs [--runs N]
import { fileURLToPath } from 'node:url';
import { bundle } from '../build.mjs';
import { launch, WEBGPU_FLAGS } from '../chromium.mjs';
import { serve } from '../serve.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

/**
 * @param {{ runs?: number, timeoutMs?: number, log?: (line: string) => void, flags?: string[] }} [options]
 * @returns {Promise<import('./checks.js').PageResult>}
 */
export async function runBrowserTest({ runs = 6, timeoutMs = 600_000, log = () => {}, flags = WEBGPU_FLAGS } = {}) {
  await bundle('scripts/browser/test/checks.ts', 'dist/browser-test/checks.js');
  const server = await serve(root);
  const browser = await launch({ flags });
  try {
    const page = await browser.open(`${server.url}/scripts/browser/test/index.html?runs=${runs}`, { onConsole: log });
    return await page.waitFor('window.__kerasgpuResult', timeoutMs);
  } catch (e) {
    throw new Error(`${e.message}\nchromium stderr:\n${browser.stderr()}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--runs');
  const result = await runBrowserTest({ runs: at > 0 ? Number(process.argv[at + 1]) : 6, log: (l) => console.error('[page]', l) });
  console.log(`adapter: ${result.adapter}`);
  for (const c of result.checks) console.log(`${c.ok ? 'PASS' : 'FAIL'} ${c.name} (${c.ms} ms): ${c.detail}`);
  process.exit(result.ok ? 0 : 1);
}
