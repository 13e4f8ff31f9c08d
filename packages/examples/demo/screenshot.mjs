// The README's picture of the demo: trains in headless Chromium (default: the full demo run,
// 8,000 digits for 2 epochs; pass a query such as '?epochs=1' to change it), draws a 7, and saves
// the page as docs/demo.png. Prints how long fit took.  node packages/examples/demo/screenshot.mjs [query]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { driveDemo } from './drive.mjs';

const out = fileURLToPath(new URL('../../../docs/demo.png', import.meta.url));
let png;
const result = await driveDemo({ query: process.argv[2] ?? '', log: (l) => console.error('[page]', l), withPage: async (page) => { png = await page.screenshot(); } });
if (result.state !== 'trained' || !result.prediction) throw new Error(`the demo did not finish: ${result.status}\n${result.error}`);
writeFileSync(out, png);
const best = result.prediction.indexOf(Math.max(...result.prediction));
console.log(`${out}: ${(png.length / 1024).toFixed(0)} KB; ${result.backend}; fit ${result.fitSeconds.toFixed(1)} s; ${result.status}; the drawn 7 read as ${best}`);
