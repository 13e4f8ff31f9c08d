import { allocArray, bytesPerElement, sizeOf, type DataArray, type DType } from '@kerasgpu/kernels';
import type { Backend, OutputSpec } from './backend.js';
import { BackendError, DTypeError, ShapeError } from './errors.js';
import { toNamed, type Primitive, type PrimitiveAttrs } from './primitives.js';
import { fmt, sameShape } from './shape.js';
import { DataRef, Tensor, type Variable } from './tensor.js';
import type { Tracer } from './trace.js';
import type { OptimizerHyper, OptimizerRuleName } from '@kerasgpu/kernels';
import type { Storage, TensorInfo } from './backend.js';

/** One recorded primitive application, for the backward pass (inputs and outputs in signature order). */
export interface TapeNode<P extends Primitive = Primitive> {
  prim: P;
  attrs: PrimitiveAttrs[P];
  inputs: Tensor[];
  outputs: Tensor[];
}

/** Records primitives whose inputs depend on a watched tensor, while a gradient is being taken. */
export class Tape {
  readonly nodes: TapeNode[] = [];
  readonly watched = new Set<number>();
  constructor(sources: readonly Tensor[]) {
    for (const s of sources) this.watched.add(s.id);
  }
}

/**
 * The single engine: current backend, live-tensor accounting, tidy scopes and the tape stack.
 * Ops call `run`; nothing else talks to the backend.
 */
class Engine {
  private current: Backend | null = null;
  private numTensors = 0;
  private numBytes = 0;
  private scopes: Set<Tensor>[] = [];
  private tapes: Tape[] = [];
  private recordingPaused = 0;
  /** @internal set while a step is traced (jit.ts) */
  tracer: Tracer | null = null;

  /** Supplies a backend to the first op when none was chosen (set by `backends/select.ts`). */
  onFirstUse: (() => Backend) | null = null;

  get backend(): Backend {
    if (this.current === null) {
      if (this.onFirstUse === null) throw new BackendError('kerasgpu: no backend is active; await init() or setBackend() first');
      this.current = this.onFirstUse();
    }
    return this.current;
  }
  get hasBackend(): boolean { return this.current !== null; }

  /** @internal the caller disposes tensors of the previous backend first */
  setBackend(b: Backend): void {
    this.current = b;
  }

  /** Inputs and outputs in signature order (`ops/run.ts` converts from names). */
  run<P extends Primitive>(op: string, prim: P, inputs: readonly Tensor[], attrs: PrimitiveAttrs[P], outputs: readonly OutputSpec[]): Tensor[] {
    const infos = inputs.map((t) => ({ storage: t.storageFor(op), shape: t.shape, dtype: t.dtype }));
    for (const o of outputs) this.checkDType(op, o.dtype);
    let results: Tensor[];
    if (prim === 'reshape') {
      const ref = toNamed('reshape', 'inputs', inputs).x.ref!;
      ref.refCount++;
      results = [this.make(ref, outputs[0]!.shape, outputs[0]!.dtype)];
    } else {
      const storages = this.backend.run(prim as Exclude<P, 'reshape'>, infos, attrs as PrimitiveAttrs[Exclude<P, 'reshape'>], outputs);
      results = storages.map((s, i) => {
        const spec = outputs[i]!;
        const bytes = sizeOf(spec.shape) * bytesPerElement(spec.dtype);
        this.numBytes += bytes;
        return this.make(new DataRef(this.backend, s, bytes), spec.shape, spec.dtype);
      });
    }
    this.record(prim, attrs, inputs, results);
    const t = this.tracer;
    if (t) {
      if (prim === 'random') t.dynamic.push({ kind: 'random', attrs: attrs as PrimitiveAttrs['random'] });
      const ins = inputs.map((x) => t.slot(x.ref!.storage, x.ref!.bytes));
      if (prim !== 'reshape') for (const r of results) t.made(r.ref!.storage);
      t.ops.push({ kind: 'run', op, prim, inputs: ins, outputs: results.map((r) => t.slot(r.ref!.storage, r.ref!.bytes)) });
    }
    return results;
  }

  /** One in-place optimizer update of several variables (not a primitive: no tape); traced as one per-step kernel. */
  updatesInPlace<R extends OptimizerRuleName>(rule: R, hyper: OptimizerHyper[R], updates: readonly { param: Tensor; grad: Tensor; slots: readonly Tensor[] }[], op: string): void {
    const info = (t: Tensor): TensorInfo => ({ storage: t.storageFor(op), shape: t.shape, dtype: t.dtype });
    this.backend.updatesInPlace(rule, hyper, updates.map((u) => ({ param: info(u.param), grad: info(u.grad), slots: u.slots.map(info) })));
    const t = this.tracer;
    if (t) {
      t.dynamic.push({ kind: 'update', rule });
      const slot = (x: Tensor) => t.slot(x.ref!.storage, x.ref!.bytes);
      for (const u of updates) t.ops.push({ kind: 'update', rule, param: slot(u.param), grad: slot(u.grad), slots: u.slots.map(slot) });
    }
  }

  /** @internal tensors over storage a replayed step returns, one per shape (views of one storage share it). */
  adopt(storage: Storage, shapes: readonly (readonly number[])[], dtypes: readonly DType[]): Tensor[] {
    const bytes = Math.max(...shapes.map((s, i) => sizeOf(s) * bytesPerElement(dtypes[i]!)));
    const ref = new DataRef(this.backend, storage, bytes);
    ref.refCount = shapes.length;
    this.numBytes += bytes;
    return shapes.map((s, i) => this.make(ref, s, dtypes[i]!));
  }

  /** @internal gives `v` the storage `from` back (a traced step's re-assigned variable); its current storage is released. */
  restoreStorage(v: Variable, from: Storage, bytes: number): void {
    const old = v.ref!;
    v.ref = new DataRef(this.backend, from, bytes);
    this.numBytes += bytes;
    this.release(old);
  }

  /** @internal sets every element of `v` to `value` in place: its storage, held by it alone, stays (a compiled step bound to it needs no rebind). */
  fill(v: Variable, value: number): void {
    if (this.tracer) throw new Error(`fillVariable: variable ${v.name} cannot be overwritten while a step is traced`);
    const ref = v.ref;
    if (!ref || ref.refCount !== 1) throw new Error(`fillVariable: variable ${v.name} shares its storage with another tensor`);
    const values = allocArray(v.dtype, v.size);
    values.fill(value);
    this.backend.write(ref.storage, values, v.dtype);
  }

  fromValues(values: DataArray, shape: readonly number[], dtype: DType): Tensor {
    this.checkDType('tensor', dtype);
    const bytes = sizeOf(shape) * bytesPerElement(dtype);
    this.numBytes += bytes;
    const storage = this.backend.upload(values, dtype);
    const t = this.tracer;
    if (t) {
      t.made(storage);
      t.ops.push({ kind: 'upload', slot: t.slot(storage, bytes) });
    }
    return this.make(new DataRef(this.backend, storage, bytes), shape, dtype);
  }

  checkDType(op: string, dtype: DType): void {
    if (!this.backend.supportsDType(dtype)) {
      throw new DTypeError(`${op}: dtype ${dtype} is not supported by the ${this.backend.name} backend`);
    }
  }

  private make(ref: DataRef, shape: readonly number[], dtype: DType): Tensor {
    const t = new Tensor(ref, [...shape], dtype);
    this.track(t);
    return t;
  }

  /** @internal counts a new tensor and puts it in the innermost tidy scope */
  track(t: Tensor): void {
    this.numTensors++;
    if (!t.kept) this.scopes[this.scopes.length - 1]?.add(t);
  }

  async read(t: Tensor): Promise<DataArray> {
    const storage = t.storageFor('data');
    this.tracer?.hostReads.push(`read of a [${t.shape.join(', ')}] tensor`);
    return t.ref!.backend.read(storage, t.dtype, t.size);
  }

  disposeTensor(t: Tensor): void {
    const ref = t.ref;
    if (ref === null) return;
    t.ref = null;
    this.numTensors--;
    this.release(ref);
  }

  private release(ref: DataRef): void {
    if (--ref.refCount > 0) return;
    const t = this.tracer;
    if (t) {
      t.freed.add(ref.storage);
      t.ops.push({ kind: 'free', slot: t.slot(ref.storage, ref.bytes) });
    }
    this.numBytes -= ref.bytes;
    ref.backend.free(ref.storage);
  }

  assign(v: Variable, value: Tensor): void {
    if (!sameShape(v.shape, value.shape) || v.dtype !== value.dtype) {
      throw new ShapeError(`assign: variable ${v.name} is ${v.dtype} ${fmt(v.shape)}, value is ${value.dtype} ${fmt(value.shape)}`);
    }
    const ref = value.ref;
    if (ref === null) value.storageFor('assign');
    ref!.refCount++;
    const old = v.ref;
    const t = this.tracer;
    if (t && old !== null) {
      if (!t.assigned.has(v)) t.assigned.set(v, old);
      t.ops.push({ kind: 'assign', variable: v.name, from: t.slot(old.storage, old.bytes), to: t.slot(ref!.storage, ref!.bytes) });
    }
    v.ref = ref;
    if (old !== null) this.release(old);
  }

  keep<T extends Tensor>(t: T): T {
    t.kept = true;
    for (const s of this.scopes) s.delete(t);
    return t;
  }

  /** Runs fn; disposes every tensor it created except the ones it returns (moved to the outer scope). */
  tidy<T>(fn: () => T): T {
    const scope = new Set<Tensor>();
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } finally {
      this.scopes.pop();
    }
    if (result instanceof Promise) throw new Error('tidy: the function must not be async (tensors would escape the scope)');
    const survivors = new Set<Tensor>();
    collectTensors(result, survivors);
    const outer = this.scopes[this.scopes.length - 1];
    for (const t of scope) {
      if (survivors.has(t)) outer?.add(t);
      else t.dispose();
    }
    return result;
  }

  memory(): { numTensors: number; numBytes: number; numBuffers: number; numPooledBytes: number } {
    const pool = this.current?.memory() ?? { numBuffers: 0, numPooledBytes: 0 };
    return { numTensors: this.numTensors, numBytes: this.numBytes, ...pool };
  }

  // --- tape ---
  pushTape(tape: Tape): void { this.tapes.push(tape); }
  popTape(): void { this.tapes.pop(); }
  /** Runs fn without recording (the backward pass itself). */
  withoutRecording<T>(fn: () => T): T {
    this.recordingPaused++;
    try { return fn(); } finally { this.recordingPaused--; }
  }

  private record<P extends Primitive>(prim: P, attrs: PrimitiveAttrs[P], inputs: readonly Tensor[], outputs: Tensor[]): void {
    if (this.recordingPaused > 0) return;
    for (const tape of this.tapes) {
      if (!inputs.some((t) => tape.watched.has(t.id))) continue;
      tape.nodes.push({ prim, attrs, inputs: [...inputs], outputs } as TapeNode);
      for (const o of outputs) tape.watched.add(o.id);
    }
  }
}

export function collectTensors(x: unknown, into: Set<Tensor>): void {
  if (x instanceof Tensor) into.add(x);
  else if (Array.isArray(x)) for (const v of x) collectTensors(v, into);
  else if (x instanceof Map) for (const v of x.values()) collectTensors(v, into);
  else if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x)) collectTensors(v, into);
  }
}

export const engine = new Engine();
