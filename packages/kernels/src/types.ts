/** Element types. `float64` exists on the CPU backend only (gradient checks). */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

export type FloatArray = Float32Array | Float64Array;
export type DataArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export function allocArray(dtype: DType, size: number): DataArray {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'bool': return new Uint8Array(size);
  }
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'bool' ? 1 : 4;
}
