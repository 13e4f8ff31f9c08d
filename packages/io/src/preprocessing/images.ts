import { readFileSync, writeFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Decoded pixels: height x width x 4 (RGBA) bytes. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'bmp'];

/** Decodes a PNG or JPEG file (by its signature, not its name). */
export function decodeImage(path: string): Rgba {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: img.width, height: img.height, data: img.data };
  }
  throw new Error(`${path}: not a PNG or JPEG image`);
}

/**
 * Keras 1's load_img: resized to (height, width) with nearest-neighbour sampling (PIL's default),
 * as float32 HWC with 3 channels (rgb) or 1 (grayscale, PIL's L = (299 R + 587 G + 114 B) / 1000).
 */
export function loadImage(path: string, target: readonly [number, number] | null, grayscale: boolean): { data: Float32Array; shape: [number, number, number] } {
  const img = decodeImage(path);
  const [h, w] = target ?? [img.height, img.width];
  const c = grayscale ? 1 : 3;
  const out = new Float32Array(h * w * c);
  for (let r = 0; r < h; r++) {
    const sr = Math.min(img.height - 1, Math.floor(((r + 0.5) * img.height) / h));
    for (let col = 0; col < w; col++) {
      const sc = Math.min(img.width - 1, Math.floor(((col + 0.5) * img.width) / w));
      const p = (sr * img.width + sc) * 4;
      const [R, G, B] = [img.data[p]!, img.data[p + 1]!, img.data[p + 2]!];
      if (grayscale) out[r * w + col] = Math.floor((R * 299 + G * 587 + B * 114) / 1000);
      else out.set([R, G, B], (r * w + col) * 3);
    }
  }
  return { data: out, shape: [h, w, c] };
}

/** Keras's array_to_img scaling: shift to non-negative, scale the maximum to 255. */
function toBytes(img: Float32Array): Uint8Array {
  let lo = Infinity, hi = -Infinity;
  for (const v of img) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const shift = Math.max(-lo, 0);
  const scale = hi + shift === 0 ? 0 : 255 / (hi + shift);
  return Uint8Array.from(img, (v) => Math.round((v + shift) * scale));
}

/** Writes one HWC image (1 or 3 channels) as PNG or JPEG. */
export function saveImage(path: string, img: Float32Array, h: number, w: number, c: number, format: 'png' | 'jpeg' | 'jpg'): void {
  const bytes = toBytes(img);
  const rgba = Buffer.alloc(h * w * 4);
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < 3; k++) rgba[i * 4 + k] = bytes[i * c + (c === 1 ? 0 : k)]!;
    rgba[i * 4 + 3] = 255;
  }
  const encoded = format === 'png' ? PNG.sync.write(Object.assign(new PNG({ width: w, height: h }), { data: rgba })) : jpeg.encode({ data: rgba, width: w, height: h }, 95).data;
  writeFileSync(path, encoded);
}
