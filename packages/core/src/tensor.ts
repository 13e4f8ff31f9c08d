import { bytesPerElement, sizeOf, type DataArray, type DType } from '@kerasgpu/kernels';
import { BackendError, DisposedTensorError } from './errors.js';
import { engine } from './engine.js';
import type { Backend, Storage } from './backend.js';
import type { Shape } from './shape.js';

/** Storage shared by tensors that are views of one another (reshape); freed when unreferenced. */
export class DataRef {
  refCount = 1;
  constructor(readonly backend: Backend, readonly storage: Storage, readonly bytes: number) {}
}

export type NestedArray = number | boolean | NestedArray[];

let nextId = 0;

export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  /** @internal */ ref: DataRef | null;
  /** @internal set by keep(): tidy scopes leave it alone. */ kept = false;

  /** @internal tensors are made by ops and creation functions, not by users. */
  constructor(ref: DataRef, readonly shape: Shape, readonly dtype: DType) {
    this.ref = ref;
    this.size = sizeOf(shape);
  }

  get rank(): number { return this.shape.length; }
  get isDisposed(): boolean { return this.ref === null; }
  get bytes(): number { return this.size * bytesPerElement(this.dtype); }

  /** @internal throws DisposedTensorError naming the op that wanted this tensor. */
  storageFor(op: string): Storage {
    if (this.ref === null) throw new DisposedTensorError(`${op}: tensor ${this.id} (shape [${this.shape.join(', ')}]) was disposed`);
    if (this.ref.backend !== engine.backend) {
      throw new BackendError(`${op}: tensor ${this.id} lives on the ${this.ref.backend.name} backend, but ${engine.backend.name} is active`);
    }
    return this.ref.storage;
  }

  /** Copies the elements back (waits for queued GPU work). */
  data(): Promise<DataArray> {
    return engine.read(this);
  }

  async array(): Promise<NestedArray> {
    const flat = Array.from(await this.data(), (v) => (this.dtype === 'bool' ? v !== 0 : v));
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return flat[offset]!;
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  dispose(): void {
    engine.disposeTensor(this);
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(', ')}])`;
  }
}

let nextVariable = 0;

/** Trainable state: survives `tidy`, updated in place with `assign`. */
export class Variable extends Tensor {
  readonly name: string;
  trainable: boolean;

  /** @internal use `variable()` */
  constructor(initial: Tensor, trainable: boolean, name?: string) {
    const ref = initial.ref;
    if (ref === null) initial.storageFor('variable');
    ref!.refCount++;
    super(ref!, initial.shape, initial.dtype);
    this.kept = true;
    this.trainable = trainable;
    this.name = name ?? `variable_${nextVariable++}`;
    engine.track(this);
  }

  /** Replaces the value (same shape and dtype); the old storage is released. */
  assign(value: Tensor): void {
    engine.assign(this, value);
  }
}
