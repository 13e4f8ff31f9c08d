/** Reads what a test needs back out of Graphviz's SVG and a PNG file. */

const unescape = (s: string): string =>
  s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** The <title> of every <g class="..."> group of one class (node ids, "a->b" for edges, cluster ids). */
const titles = (svg: string, cls: 'node' | 'edge' | 'cluster'): string[] =>
  [...svg.matchAll(new RegExp(`<g id="[^"]*" class="${cls}">\\s*<title>([^<]*)</title>`, 'g'))].map((m) => unescape(m[1]!));

export interface ParsedSvg {
  nodes: string[];
  edges: [string, string][];
  clusters: string[];
  /** All drawn text, in document order. */
  texts: string[];
  widthPt: number;
  heightPt: number;
}

export function parseSvg(svg: string): ParsedSvg {
  const size = /<svg width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg);
  if (!size) throw new Error('not a Graphviz SVG: no <svg width="..pt" height="..pt">');
  return {
    nodes: titles(svg, 'node'),
    edges: titles(svg, 'edge').map((t) => t.split('->') as [string, string]),
    clusters: titles(svg, 'cluster'),
    texts: [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => unescape(m[1]!)),
    widthPt: Number(size[1]),
    heightPt: Number(size[2]),
  };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The PNG signature and the IHDR chunk (which must come first) with its width and height. */
export function parsePngHeader(bytes: Uint8Array): { width: number; height: number; bitDepth: number; colorType: number } {
  if (bytes.length < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('not a PNG: bad signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (view.getUint32(8) !== 13 || type !== 'IHDR') throw new Error(`not a PNG: first chunk is ${type} (${view.getUint32(8)} bytes)`);
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: bytes[24]!, colorType: bytes[25]! };
}
