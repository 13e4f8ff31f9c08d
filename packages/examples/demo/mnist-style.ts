/**
 * A drawing made to look like an MNIST digit, the way MNIST's were made: the ink's bounding box
 * scaled (aspect kept) to fit 20 × 20 with grey anti-aliased edges, then placed in 28 × 28 so
 * that its centre of mass sits at the centre. A model trained on MNIST reads a digit drawn
 * anywhere on the pad, at any size, only after this.
 */
export const SIDE = 28;
const BOX = 20;
const INK = 0.05;

/** `image`: width × height ink values in [0, 1], row-major. Null when nothing is drawn. */
export function toMnist(image: ArrayLike<number>, width: number, height: number): Float32Array | null {
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (image[y * width + x]! > INK) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  if (x1 < 0) return null;
  const [bw, bh] = [x1 - x0 + 1, y1 - y0 + 1];
  const scale = BOX / Math.max(bw, bh);
  const [tw, th] = [Math.max(1, Math.round(bw * scale)), Math.max(1, Math.round(bh * scale))];
  // Each axis maps the whole box onto its rounded size. Sub-samples per target pixel are at most
  // one source pixel apart: a box average that counts every source row and column when shrinking
  // (no thin stroke falls between samples).
  const [kx, ky] = [tw / bw, th / bh];
  const [nx, ny] = [Math.max(2, Math.ceil(1 / kx)), Math.max(2, Math.ceil(1 / ky))];
  const box = new Float32Array(tw * th);
  let [mass, mx, my] = [0, 0, 0];
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      let sum = 0;
      for (let sy = 0; sy < ny; sy++) {
        for (let sx = 0; sx < nx; sx++) {
          const x = x0 + Math.floor((tx + (sx + 0.5) / nx) / kx);
          const y = y0 + Math.floor((ty + (sy + 0.5) / ny) / ky);
          sum += image[y * width + x]!;
        }
      }
      const v = sum / (nx * ny);
      box[ty * tw + tx] = v;
      [mass, mx, my] = [mass + v, mx + v * tx, my + v * ty];
    }
  }
  // Shift so the centre of mass lands on the middle of the 28 × 28 grid (index 13.5).
  const [ox, oy] = [Math.round((SIDE - 1) / 2 - mx / mass), Math.round((SIDE - 1) / 2 - my / mass)];
  const out = new Float32Array(SIDE * SIDE);
  for (let ty = 0; ty < th; ty++) {
    for (let tx = 0; tx < tw; tx++) {
      const [x, y] = [tx + ox, ty + oy];
      if (x >= 0 && x < SIDE && y >= 0 && y < SIDE) out[y * SIDE + x] = box[ty * tw + tx]!;
    }
  }
  return out;
}
