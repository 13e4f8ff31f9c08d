import { createRequire } from 'node:module';
import { renderAsync } from '@resvg/resvg-js';
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

const fontFile = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

/**
 * Rasterises Graphviz's SVG with resvg, using the DejaVu Sans file shipped as a package (the font
 * the layout was measured with), so the PNG is the same on every machine. The SVG is sized in
 * points; resvg maps 72 pt to 96 px, which is Graphviz's own PNG resolution, so `dpi` scales from 96.
 */
export async function svgToPng(svg: string, dpi: number): Promise<Uint8Array> {
  if (!(dpi > 0) || !Number.isFinite(dpi)) throw new ValueError(`modelToDot.create: dpi must be a positive number, got ${dpi}`);
  const image = await renderAsync(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: dpi / 96 },
    font: { loadSystemFonts: false, fontFiles: [fontFile], defaultFontFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(image.asPng());
}
