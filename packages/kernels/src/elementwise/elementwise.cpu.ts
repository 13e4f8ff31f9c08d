import { BINARY, UNARY, type BinaryOp, type UnaryOp } from './ops.js';
import { broadcastStrides, forEachIndex, type Shape } from '../shape.js';
import type { DataArray } from '../types.js';

export function unaryCpu(op: UnaryOp, x: DataArray, out: DataArray): void {
  const f = UNARY[op].cpu;
  for (let i = 0; i < out.length; i++) out[i] = f(x[i]!);
}

/** out[i] = op(a[i'], b[i'']) with NumPy broadcasting of a and b to outShape. */
export function binaryCpu(op: BinaryOp, a: DataArray, aShape: Shape, b: DataArray, bShape: Shape, out: DataArray, outShape: Shape): void {
  const f: (a: number, b: number) => number = BINARY[op].cpu;
  const strides = [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)];
  forEachIndex(outShape, strides, (o, [ia, ib]) => {
    out[o] = f(a[ia!]!, b[ib!]!);
  });
}

/** out = cond ? a : b, all three broadcast to outShape. */
export function whereCpu(cond: DataArray, cShape: Shape, a: DataArray, aShape: Shape, b: DataArray, bShape: Shape, out: DataArray, outShape: Shape): void {
  const strides = [cShape, aShape, bShape].map((s) => broadcastStrides(s, outShape));
  forEachIndex(outShape, strides, (o, [ic, ia, ib]) => {
    out[o] = cond[ic!] ? a[ia!]! : b[ib!]!;
  });
}

/** Numeric conversion; to int32 truncates toward zero, to bool tests non-zero. */
export function castCpu(x: DataArray, out: DataArray): void {
  if (out instanceof Uint8Array) for (let i = 0; i < out.length; i++) out[i] = x[i] !== 0 ? 1 : 0;
  else if (out instanceof Int32Array) for (let i = 0; i < out.length; i++) out[i] = Math.trunc(x[i]!);
  else for (let i = 0; i < out.length; i++) out[i] = x[i]!;
}
