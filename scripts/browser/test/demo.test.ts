/**
 * The browser demo (packages/examples/demo, `npm run demo`) cannot silently rot: its MNIST-style
 * preprocessing of a drawing, and the page itself in headless Chromium on a tiny run (4 batches
 * of 64 digits through fit): the chart gets its points, and a 7 drawn with the mouse gets ten
 * probabilities; without WebGPU it trains on cpu and says so. With CI=true a missing Chromium fails; elsewhere it skips with a message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIDE, toMnist } from '../../../packages/examples/demo/mnist-style.js';
import { driveDemo } from '../../../packages/examples/demo/drive.mjs';
import { chromiumPath, hasChromium } from '../chromium.mjs';

/** The ink's bounding box and centre of mass in a SIDE × SIDE digit. */
function measure(d: Float32Array) {
  let [x0, y0, x1, y1, m, mx, my] = [SIDE, SIDE, -1, -1, 0, 0, 0];
  d.forEach((v, i) => {
    const [x, y] = [i % SIDE, Math.floor(i / SIDE)];
    if (v > 0) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    [m, mx, my] = [m + v, mx + v * x, my + v * y];
  });
  return { w: x1 - x0 + 1, h: y1 - y0 + 1, cx: mx / m, cy: my / m };
}

const canvas = (w: number, h: number, ink: (x: number, y: number) => number) => Float32Array.from({ length: w * h }, (_, i) => ink(i % w, Math.floor(i / w)));

describe("the demo's MNIST-style preprocessing", () => {
  it('returns null for an empty pad', () => {
    expect(toMnist(new Float32Array(280 * 280), 280, 280)).toBeNull();
  });

  it('fits a drawn box into 20 × 20 (aspect kept) with its centre of mass at the centre', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 }), fc.nat(79), fc.nat(79), (w, h, left, top) => {
      const d = toMnist(canvas(280, 280, (x, y) => (x >= left && x < left + w && y >= top && y < top + h ? 1 : 0)), 280, 280)!;
      const m = measure(d);
      const long = Math.max(w, h), short = Math.max(1, Math.round((Math.min(w, h) * 20) / long));
      expect([m.w, m.h]).toEqual(w >= h ? [20, short] : [short, 20]);
      expect(Math.abs(m.cx - 13.5)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(m.cy - 13.5)).toBeLessThanOrEqual(0.5);
      expect(d.every((v) => v >= 0 && v <= 1)).toBe(true);
    }), { numRuns: 40 });
  });

  it('keeps the ink of thin strokes when shrinking (a box average, no stroke between samples)', () => {
    // One-pixel lines mirrored about the middle: the centre of mass is the box's, so nothing is cut off.
    const drawing = fc.record({ h: fc.integer({ min: 40, max: 280 }), w: fc.integer({ min: 40, max: 280 }) })
      .chain(({ h, w }) => fc.tuple(fc.constant(h), fc.constant(w), fc.uniqueArray(fc.integer({ min: 1, max: Math.floor(h / 2) - 1 }), { maxLength: 6 })));
    fc.assert(fc.property(drawing, ([h, w, rows]) => {
      const lines = new Set([0, ...rows, ...rows.map((r) => h - 1 - r), h - 1]);
      const image = canvas(w, h, (_, y) => (lines.has(y) ? 1 : 0));
      const scale = 20 / Math.max(w, h);
      const ink = toMnist(image, w, h)!.reduce((a, b) => a + b, 0);
      const expected = lines.size * w * scale * scale;
      expect(ink / expected).toBeGreaterThan(0.6);
      expect(ink / expected).toBeLessThan(2);
    }), { numRuns: 40 });
  });

  it('reads the same digit wherever it is drawn', () => {
    const drawing = fc.integer({ min: 2, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n * n, maxLength: n * n })));
    fc.assert(fc.property(drawing, fc.nat(100), fc.nat(100), ([n, ink], dx, dy) => {
      fc.pre(ink.some((v) => v > 0.05));
      const at = (ox: number, oy: number) => toMnist(canvas(160, 160, (x, y) => (x >= ox && x < ox + n && y >= oy && y < oy + n ? ink[(y - oy) * n + x - ox]! : 0)), 160, 160);
      expect(at(dx, dy)).toEqual(at(0, 0));
    }), { numRuns: 30 });
  });
});

const ci = process.env.CI === 'true';
const skip = !ci && !hasChromium();
if (skip) console.warn(`demo test skipped: no Chromium at ${chromiumPath()} (apt-get install chromium, or set CHROME); with CI=true it fails instead`);

describe.skipIf(skip)('the demo page in headless Chromium', () => {
  it('trains through fit with a live chart, then predicts a digit drawn with the mouse', async () => {
    if (!hasChromium()) throw new Error(`CI=true: the demo test must run, and there is no Chromium at ${chromiumPath()} (apt-get install chromium)`);
    const page: string[] = [];
    const demo = await driveDemo({ query: '?train=256&val=64&epochs=1&batch=64', timeoutMs: 120_000, log: (line: string) => page.push(line) });
    expect(demo.error, `page console:\n${page.join('\n')}`).toBe('');
    expect(demo).toMatchObject({ state: 'trained', note: '', chartPoints: 4 });
    expect(demo.backend).toMatch(/^webgpu/);
    expect(demo.status).toMatch(/^epoch 1\/1: held-out accuracy \d\.\d{3} \(trained in/);
    expect(demo.prediction).toHaveLength(10);
    expect(demo.prediction!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('trains on cpu, and says so on the page, where the browser has no WebGPU', async () => {
    const demo = await driveDemo({ query: '?train=64&val=16&epochs=1&batch=64', timeoutMs: 120_000, flags: [] });
    expect(demo).toMatchObject({ state: 'trained', chartPoints: 1 });
    expect(demo.backend).toMatch(/^cpu/);
    expect(demo.note).toMatch(/^No WebGPU \(.+\): training on the cpu backend instead/);
    expect(demo.prediction).toHaveLength(10);
  });
});
