import { instance, type Viz } from '@viz-js/viz';
import { ValueError } from '@kerasgpu/layers';

export type ImageFormat = 'svg' | 'png';
export const IMAGE_FORMATS: readonly ImageFormat[] = ['svg', 'png'];

let viz: Promise<Viz> | null = null;
/** Graphviz compiled to WebAssembly, started once per process (about 50 ms). */
const graphviz = (): Promise<Viz> => (viz ??= instance());

/** Graphviz lays out and draws the graph as SVG; `prog` is the layout engine (Keras uses 'dot'). */
export async function renderSvg(dot: string, prog: string): Promise<string> {
  const g = await graphviz();
  if (!g.engines.includes(prog)) throw new ValueError(`modelToDot.create: unknown prog '${prog}' (known: ${g.engines.join(', ')})`);
  const result = g.render(dot, { format: 'svg', engine: prog });
  if (result.status !== 'success') {
    throw new ValueError(`modelToDot.create: Graphviz failed: ${result.errors.map((e) => e.message.trim()).join('; ')}`);
  }
  return result.output;
}

/** The packages PNG output needs, at the versions this library is tested with. */
export const PNG_PACKAGES = '@resvg/resvg-js@2.6.2 dejavu-fonts-ttf@2.37.3';

/**
 * Rasterises Graphviz's SVG to PNG (see `png.ts`), which needs the optional packages
 * `@resvg/resvg-js` and `dejavu-fonts-ttf`: they are loaded only when a PNG is asked for, so that
 * SVG and everything else in this package work without them.
 */
export async function svgToPng(svg: string, dpi: number): Promise<Uint8Array> {
  if (!(dpi > 0) || !Number.isFinite(dpi)) throw new ValueError(`modelToDot.create: dpi must be a positive number, got ${dpi}`);
  let png: typeof import('./png.js');
  try {
    png = await import('./png.js');
  } catch (e) {
    throw new ValueError(`modelToDot.create: PNG output needs the optional packages ${PNG_PACKAGES} (${(e as Error).message.split('\n')[0]}); install them: npm install ${PNG_PACKAGES} (SVG output needs neither)`);
  }
  return png.rasterize(svg, dpi);
}
