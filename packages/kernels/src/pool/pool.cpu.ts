import type { Conv2DGeometry } from '../conv2d/geometry.js';
import type { DataArray } from '../types.js';

/**
 * Pooling uses the conv geometry with inC = outC = channels and a kH × kW window. Padded cells
 * never take part: max ignores them, average divides by the count of real cells (TensorFlow).
 */
function forEachWindow(g: Conv2DGeometry, fn: (yOff: number, cells: number[]) => void): void {
  const cells: number[] = [];
  for (let n = 0; n < g.batch; n++)
    for (let oh = 0; oh < g.outH; oh++)
      for (let ow = 0; ow < g.outW; ow++) {
        cells.length = 0;
        for (let kh = 0; kh < g.kH; kh++) {
          const ih = oh * g.strideH - g.padTop + kh * g.dilH;
          if (ih < 0 || ih >= g.inH) continue;
          for (let kw = 0; kw < g.kW; kw++) {
            const iw = ow * g.strideW - g.padLeft + kw * g.dilW;
            if (iw >= 0 && iw < g.inW) cells.push(((n * g.inH + ih) * g.inW + iw) * g.inC);
          }
        }
        fn(((n * g.outH + oh) * g.outW + ow) * g.inC, cells);
      }
}

/** Offset of the first maximal cell of each window and channel (-1 for an empty window). */
function argmaxCell(x: DataArray, cells: number[], c: number): number {
  let best = -1;
  for (const cell of cells) if (best < 0 || x[cell + c]! > x[best + c]!) best = cell;
  return best;
}

export function maxPoolCpu(x: DataArray, y: DataArray, g: Conv2DGeometry): void {
  forEachWindow(g, (yo, cells) => {
    for (let c = 0; c < g.inC; c++) {
      const best = argmaxCell(x, cells, c);
      y[yo + c] = best < 0 ? 0 : x[best + c]!;
    }
  });
}

/** Routes each dy to the first maximal input of its window. */
export function maxPoolGradCpu(dy: DataArray, x: DataArray, dx: DataArray, g: Conv2DGeometry): void {
  dx.fill(0);
  forEachWindow(g, (yo, cells) => {
    for (let c = 0; c < g.inC; c++) {
      const best = argmaxCell(x, cells, c);
      if (best >= 0) dx[best + c]! += dy[yo + c]!;
    }
  });
}

export function avgPoolCpu(x: DataArray, y: DataArray, g: Conv2DGeometry): void {
  forEachWindow(g, (yo, cells) => {
    for (let c = 0; c < g.inC; c++) {
      let s = 0;
      for (const cell of cells) s += x[cell + c]!;
      y[yo + c] = cells.length ? s / cells.length : 0;
    }
  });
}

export function avgPoolGradCpu(dy: DataArray, dx: DataArray, g: Conv2DGeometry): void {
  dx.fill(0);
  forEachWindow(g, (yo, cells) => {
    for (let c = 0; c < g.inC; c++) for (const cell of cells) dx[cell + c]! += dy[yo + c]! / cells.length;
  });
}
