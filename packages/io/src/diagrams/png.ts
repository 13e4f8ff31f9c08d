import { createRequire } from 'node:module';
import { renderAsync } from '@resvg/resvg-js';

/**
 * PNG rendering, imported by `render.ts` only when a PNG is asked for: its imports are the
 * optional packages (a native addon and a 12 MB font package). Resolving the font here makes a
 * missing font package fail the import, like a missing resvg.
 */
const fontFile = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

/**
 * Rasterises Graphviz's SVG with resvg, using the DejaVu Sans file shipped as a package (the font
 * the layout was measured with), so the PNG is the same on every machine. The SVG is sized in
 * points; resvg maps 72 pt to 96 px, which is Graphviz's own PNG resolution, so `dpi` scales from 96.
 */
export async function rasterize(svg: string, dpi: number): Promise<Uint8Array> {
  const image = await renderAsync(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: dpi / 96 },
    font: { loadSystemFonts: false, fontFiles: [fontFile], defaultFontFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(image.asPng());
}
