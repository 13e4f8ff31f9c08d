/** Typed errors; every message names the op (or layer) and the shapes involved. */
export class KerasGpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** Incompatible shapes: broadcasting, matmul inner dims, conv channels, reshape sizes, axes. */
export class ShapeError extends KerasGpuError {}
/** A dtype the op does not accept, or two operands of different dtypes. */
export class DTypeError extends KerasGpuError {}
/** A tensor was used after `dispose()` (or after the `tidy` that owned it ended). */
export class DisposedTensorError extends KerasGpuError {}
/** Backend trouble: no adapter, a GPU validation or out-of-memory error, an unsupported feature. */
export class BackendError extends KerasGpuError {}
/** A gradient that this library does not define (e.g. second order through a pooling backward). */
export class GradientError extends KerasGpuError {}
