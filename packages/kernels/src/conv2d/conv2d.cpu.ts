import type { Conv2DGeometry } from './geometry.js';
import type { DataArray } from '../types.js';

/**
 * Visits every (output cell, kernel tap) pair whose input cell lies inside the image, with flat
 * offsets into x (without channel), filter (without channels) and y (without channel). The three
 * conv kernels below are this one loop nest with a different multiply-accumulate.
 */
function forEachTap(g: Conv2DGeometry, fn: (xOff: number, wOff: number, yOff: number) => void): void {
  for (let n = 0; n < g.batch; n++)
    for (let oh = 0; oh < g.outH; oh++)
      for (let ow = 0; ow < g.outW; ow++)
        for (let kh = 0; kh < g.kH; kh++) {
          const ih = oh * g.strideH - g.padTop + kh * g.dilH;
          if (ih < 0 || ih >= g.inH) continue;
          for (let kw = 0; kw < g.kW; kw++) {
            const iw = ow * g.strideW - g.padLeft + kw * g.dilW;
            if (iw < 0 || iw >= g.inW) continue;
            fn(((n * g.inH + ih) * g.inW + iw) * g.inC, (kh * g.kW + kw) * g.inC * g.outC, ((n * g.outH + oh) * g.outW + ow) * g.outC);
          }
        }
}

/** y[n,oh,ow,f] = Σ x[n, oh·s − pad + kh·d, ow·s − pad + kw·d, c] · w[kh,kw,c,f] */
export function conv2dCpu(x: DataArray, w: DataArray, y: DataArray, g: Conv2DGeometry): void {
  y.fill(0);
  forEachTap(g, (xo, wo, yo) => {
    for (let c = 0; c < g.inC; c++)
      for (let f = 0; f < g.outC; f++) y[yo + f]! += x[xo + c]! * w[wo + c * g.outC + f]!;
  });
}

/** dx = the transpose of conv2d applied to dy. */
export function conv2dBackpropInputCpu(dy: DataArray, w: DataArray, dx: DataArray, g: Conv2DGeometry): void {
  dx.fill(0);
  forEachTap(g, (xo, wo, yo) => {
    for (let c = 0; c < g.inC; c++)
      for (let f = 0; f < g.outC; f++) dx[xo + c]! += dy[yo + f]! * w[wo + c * g.outC + f]!;
  });
}

/** dw = Σ over positions of x ⊗ dy. */
export function conv2dBackpropFilterCpu(x: DataArray, dy: DataArray, dw: DataArray, g: Conv2DGeometry): void {
  dw.fill(0);
  forEachTap(g, (xo, wo, yo) => {
    for (let c = 0; c < g.inC; c++)
      for (let f = 0; f < g.outC; f++) dw[wo + c * g.outC + f]! += x[xo + c]! * dy[yo + f]!;
  });
}
