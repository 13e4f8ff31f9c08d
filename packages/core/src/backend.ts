import type { DataArray, DispatchTime, DType, OptimizerHyper, OptimizerRuleName } from '@kerasgpu/kernels';
import type { KernelPrimitive, PrimitiveAttrs } from './primitives.js';
import type { Shape } from './shape.js';

/** Backend-owned storage for one tensor's elements (a TypedArray on cpu, a GPUBuffer on webgpu). */
export type Storage = object;

export interface TensorInfo { readonly storage: Storage; readonly shape: Shape; readonly dtype: DType }
/** One variable's optimizer update: its parameter and slots (written in place) and its gradient. */
export interface UpdateOperands { param: TensorInfo; grad: TensorInfo; slots: readonly TensorInfo[] }
export interface OutputSpec { readonly shape: Shape; readonly dtype: DType }

/** What every backend implements; ops never see more than this. */
export interface Backend {
  readonly name: 'cpu' | 'webgpu';
  supportsDType(dtype: DType): boolean;
  upload(values: DataArray, dtype: DType): Storage;
  /**
   * Overwrites a storage's elements in place, after the work already queued that uses it (a
   * compiled step's program stays bound to the storage, where new storage would need a rebind).
   */
  write(storage: Storage, values: DataArray, dtype: DType): void;
  /** Resolves to a fresh copy of the elements. */
  read(storage: Storage, dtype: DType, size: number): Promise<DataArray>;
  free(storage: Storage): void;
  /** Runs one primitive; `inputs` and `outputs` in its signature's order (`PRIMITIVE_SIGNATURES`). */
  run<P extends KernelPrimitive>(prim: P, inputs: readonly TensorInfo[], attrs: PrimitiveAttrs[P], outputs: readonly OutputSpec[]): Storage[];
  /**
   * One fused optimizer step of several variables, each writing its `param` and `slots` in place
   * from its `grad`. Not a primitive (no tape, no VJP); the caller guarantees the written
   * storages are unshared and distinct, and no gradient is one of them.
   */
  updatesInPlace<R extends OptimizerRuleName>(rule: R, hyper: OptimizerHyper[R], updates: readonly UpdateOperands[]): void;
  /** Pool statistics: buffers held and bytes pooled (zero on cpu). */
  memory(): { numBuffers: number; numPooledBytes: number };
  /** Gives the pool's idle buffers back to the device (nothing to do on cpu). */
  releaseCachedMemory(): Promise<void>;
  /** Resolves when all queued work is done. */
  sync(): Promise<void>;
  /** Present on backends that can record and replay a training step. */
  readonly recorder?: StepRecorder;
}

/**
 * Per-step values a replayed step takes fresh, in the order the traced step met them: a random
 * op's attributes (its key is drawn anew) or an optimizer update's rule and hyper-parameters.
 */
export type DynamicArgs =
  | { kind: 'random'; attrs: PrimitiveAttrs['random'] }
  | { kind: 'update'; rule: OptimizerRuleName; hyper: OptimizerHyper[OptimizerRuleName] };

/** A storage and how many of its bytes hold the tensor. */
export interface SizedStorage { readonly storage: Storage; readonly bytes: number }

/** What the engine tells a recording backend when a traced step ends. */
export interface RecordedStepSpec {
  /** The batch's storages: a replay copies the new batch into them. */
  inputs: readonly SizedStorage[];
  /** The step's results: a replay returns these storages again. */
  outputs: readonly Storage[];
  /**
   * Variables the step re-assigned: `from` (freed in the step) becomes the variable's storage
   * again, and the program ends by copying `to` (its new value) into it, so a variable keeps one
   * storage across replays.
   */
  moves: readonly { from: SizedStorage; to: Storage }[];
}

/** A step's device work recorded by a backend, replayable with fresh inputs and per-step values. */
export interface RecordedStep {
  /**
   * False when a storage the replay would write is still held (a result kept from the last
   * step): run eagerly. A batch storage passed again as the same input is fine.
   */
  canReplay(inputs: readonly Storage[]): boolean;
  /** Runs the step again: `inputs` are copied into the recorded batch storages; returns the output storages. */
  replay(inputs: readonly SizedStorage[], dynamic: readonly DynamicArgs[]): readonly Storage[];
  /** Binds the program to other storages in place of some it recorded (variables' new storages of the same size). */
  rebind(map: ReadonlyMap<Storage, Storage>): void;
  /** Gives the recorded storages back (the pool may reuse them). */
  release(): void;
  /**
   * Dispatches in the program (those a replay runs: all but the loop-invariant ones and the exact
   * repeats; those exact repeats; as traced, before fusion; ops its fused chains compute more than
   * once, see Fused.duplicatedOps), copies and uploads (those a replay writes again), and the
   * buffers it owns.
   */
  readonly counts: { dispatches: number; replayedDispatches: number; repeatedDispatches: number; unfusedDispatches: number; duplicatedOps: number; copies: number; uploads: number; replayedUploads: number; ownedBuffers: number; ownedBytes: number };
  /** The chains of kernels fused into one, each as its ops joined by '+' (e.g. 'add+relu'). */
  readonly fused: readonly string[];
  /** Runs the step once more, dispatch by dispatch, timing each (a benchmark's tool: the step's effects happen again). */
  profile(): Promise<DispatchTime[]>;
}

/** A backend that can record a step's device work (webgpu); the cpu backend runs every step eagerly. */
export interface StepRecorder {
  begin(): void;
  /** Ends the recording: the replayable step, or why it cannot be replayed. */
  end(spec: RecordedStepSpec | null): RecordedStep | string;
}
