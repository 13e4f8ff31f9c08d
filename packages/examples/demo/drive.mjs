// Drives the demo in headless Chromium (scripts/browser/chromium.mjs): serves it, waits for fit to
// finish, draws a 7 on the pad with mouse events and waits for the prediction. The demo's test and
// screenshot.mjs both run it.
import { launch, WEBGPU_FLAGS } from '../../../scripts/browser/chromium.mjs';
import { serveDemo } from './server.mjs';

/** A 7 in pad coordinates (280 × 280): the top bar, then the stem down to the lower left. */
const SEVEN = [[70, 60], [130, 58], [215, 62], [190, 120], [160, 180], [135, 235]];

/**
 * @param {{ query?: string, timeoutMs?: number, log?: (line: string) => void, withPage?: (page: any) => Promise<void>, flags?: string[] }} options
 * @returns {Promise<{ state: string, backend: string, note: string, fitSeconds: number, chartPoints: number, prediction: number[] | null, error: string, status: string }>}
 */
export async function driveDemo({ query = '', timeoutMs = 600_000, log = () => {}, withPage = async () => {}, flags = WEBGPU_FLAGS } = {}) {
  const server = await serveDemo(0);
  const browser = await launch({ width: 960, height: 760, flags });
  try {
    const page = await browser.open(`${server.url}${query}`, { onConsole: log });
    const done = await page.waitFor(`['trained', 'error'].includes(window.__demo?.state) || null`, timeoutMs);
    if (done && (await page.evaluate('window.__demo.state')) === 'trained') {
      const at = await page.evaluate(`(() => { const r = document.getElementById('pad').getBoundingClientRect(); return [r.left, r.top]; })()`);
      await page.drag(SEVEN.map(([x, y]) => [at[0] + x, at[1] + y]));
      await page.waitFor('window.__demo.prediction', 30_000);
    }
    await withPage(page);
    return await page.evaluate(`({ ...window.__demo, status: document.getElementById('status').textContent })`);
  } catch (e) {
    throw new Error(`${e.message}\nchromium stderr:\n${browser.stderr()}`);
  } finally {
    await browser.close();
    await server.close();
  }
}
