// Runs the browser test: bundles checks.ts for the browser, serves the repository, opens the page
// in headless Chromium and returns the page's result ({ ok, adapter, checks }). As a script it
// prints the checks and exits 1 on any failure: node scripts/browser/test/run.mjs [--runs N]
import { fileURLToPath } from 'node:url';
import { bundle } from '../build.mjs';
import { launch } from '../chromium.mjs';
import { serve } from '../serve.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

/** Node-only modules that must never reach the browser bundle. */
const NODE_ONLY = /^node:|h5wasm\/dist\/node|node_modules\/webgpu\/|platform\/node\.ts$|host\/node\.ts$/;

export async function runBrowserTest({ runs = 6, timeoutMs = 600_000, log = () => {} } = {}) {
  const meta = await bundle('scripts/browser/test/checks.ts', 'dist/browser-test/checks.js');
  const nodeOnly = Object.keys(meta.inputs).filter((i) => NODE_ONLY.test(i));
  if (nodeOnly.length > 0) throw new Error(`the browser bundle pulled in Node-only modules: ${nodeOnly.join(', ')}`);
  const server = await serve(root);
  const browser = await launch();
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
