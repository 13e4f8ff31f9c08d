/**
 * PNG output depends on optional packages; without them, SVG still works and asking for a PNG
 * says what to install. A missing package is simulated by a module mock that fails to load, as
 * Node's resolver does when the package is not installed.
 */
import { Dense, Sequential } from '@kerasgpu/layers';
import { describe, expect, it, vi } from 'vitest';

vi.mock('@resvg/resvg-js', () => {
  throw new Error("Cannot find package '@resvg/resvg-js'");
});

describe('without @resvg/resvg-js', () => {
  const model = Sequential([Dense(2, { input_dim: 3 })]);

  it('SVG renders', async () => {
    const { modelToDot } = await import('../src/index.js');
    expect(await modelToDot(model).create({ format: 'svg' })).toMatch(/<svg/);
  });

  it('a PNG is refused with the packages to install', async () => {
    const { modelToDot, plotModel } = await import('../src/index.js');
    const install = /PNG output needs the optional packages @resvg\/resvg-js@2\.6\.2 dejavu-fonts-ttf@2\.37\.3 \(.*\); install them: npm install @resvg\/resvg-js@2\.6\.2 dejavu-fonts-ttf@2\.37\.3 \(SVG output needs neither\)/;
    await expect(modelToDot(model).create({ format: 'png' })).rejects.toThrow(install);
    await expect(plotModel(model, { toFile: 'never-written.png' })).rejects.toThrow(install);
  });
});
