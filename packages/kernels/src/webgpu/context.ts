import type { ElementwiseStep, GemmStep } from '../elementwise/fuse.js';
import type { ReduceStep } from '../reduce/reduce.webgpu.js';
import { BufferUsage } from './flags.js';
import { awaitGpu } from './gpu-wait.js';

/**
 * The GPU execution context shared by every WebGPU kernel family: the device, a pipeline cache
 * keyed by specialisation, uniform packing, and dispatch recording into one command encoder that
 * is submitted at readback or after a threshold of dispatches. Kernels describe their work as
 * steps (data); the eager path executes each at once, a recording keeps them for replay
 * (program.ts), and `capture` plans a kernel's steps without running them.
 */
export interface AdapterFacts {
  description: string;
  /** A CPU adapter (lavapipe) wants different kernels than a discrete GPU (BENCHMARKS.md). */
  isCpu: boolean;
  subgroups: boolean;
  subgroupSize: number;
  maxStorageBindingBytes: number;
  maxWorkgroupsPerDim: number;
  maxWorkgroupStorageBytes: number;
  maxInvocationsPerWorkgroup: number;
}

/** A storage binding: a whole buffer, or a window of one ({buffer, offset, size}). */
export type Binding = GPUBuffer | GPUBufferBinding;

/** The buffer a binding binds (whole, or a window of it). */
export const bindingBuffer = (b: Binding): GPUBuffer => ('buffer' in b ? b.buffer : b);

/** One uniform field: WGSL type and value. Structs are laid out as 4-byte scalars. */
export type Uniform = ['u32' | 'i32' | 'f32', number];

/**
 * What kernels ask the context to do, as data: a dispatch (pipeline, bindings, packed uniforms,
 * grid), a buffer copy or clear, or an upload of host bytes. The eager path executes each step as it is
 * made; a recording keeps them, so a traced training step can be replayed (program.ts).
 */
export interface DispatchStep {
  kind: 'dispatch';
  /** The user-facing op, for error messages. */
  op: string;
  pipeline: GPUComputePipeline;
  /** Storage bindings 1.. (or 0.. without uniforms). */
  buffers: readonly Binding[];
  /** The uniform struct's bytes (empty: no uniform binding). */
  uniforms: Uint8Array;
  grid: readonly [number, number, number];
  /** An elementwise kernel's expression and operands, which a recorded program may fuse with its neighbours (fuse.ts). */
  elementwise?: ElementwiseStep;
  /** A GEMM without epilogue, which a recorded program may give the following bias and activation (fuse.ts). */
  gemm?: GemmStep;
  /** A reduction of one dispatch, whose input a recorded program may compute inside it instead (fuse.ts). */
  reduce?: ReduceStep;
  /**
   * Its outputs depend only on bindings it does not write: run again on unchanged inputs it
   * changes nothing, so a recorded program may skip an exact repeat (repeatedSteps).
   */
  idempotent?: boolean;
}

/** What a dispatch says of itself for fusion and replay. */
export type Fusible = Pick<DispatchStep, 'elementwise' | 'gemm' | 'reduce' | 'idempotent'>;
export interface CopyStep { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; bytes: number }
export interface UploadStep { kind: 'upload'; buffer: GPUBuffer; data: Uint8Array }
/** Zeroes `bytes` of `buffer` from `offset` (clearBuffer: a memset on lavapipe, ~10x a fill kernel's speed). */
export interface ClearStep { kind: 'clear'; buffer: GPUBuffer; offset: number; bytes: number }
export type GpuStep = DispatchStep | CopyStep | UploadStep | ClearStep;

/**
 * Device objects created and work sent since the context began (tests assert that a replay
 * creates nothing); `writes`: queue.writeBuffer calls, uploads and uniforms.
 */
export interface GpuStats { pipelines: number; bindGroups: number; dispatches: number; submits: number; writes: number }

/** The bytes of a uniform struct: 4-byte scalars, padded to a multiple of 16 bytes. */
export function packUniforms(uniforms: readonly Uniform[]): Uint8Array {
  const bytes = new Uint8Array(uniforms.length === 0 ? 0 : Math.max(16, Math.ceil(uniforms.length / 4) * 16));
  const view = new DataView(bytes.buffer);
  uniforms.forEach(([type, v], i) => {
    if (type === 'f32') view.setFloat32(i * 4, v, true);
    else if (type === 'i32') view.setInt32(i * 4, v, true);
    else view.setUint32(i * 4, v, true);
  });
  return bytes;
}

/** minUniformBufferOffsetAlignment on every adapter we meet. */
export const UNIFORM_SLOT = 256;
const BATCH_DISPATCHES = 512;

export class GpuContext {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private uniformData = new ArrayBuffer(UNIFORM_SLOT * BATCH_DISPATCHES);
  private uniformCount = 0;
  private readonly uniformBuffer: GPUBuffer;
  /** Op names recorded in the open batch, for error messages. */
  private batchOps: string[] = [];
  /** Submit after every op, so a GPU error names exactly one op (tests, KERASGPU_WEBGPU_DEBUG). */
  debug = false;
  /** Called after each submit, or flush with nothing recorded (the buffer pool settles its recent releases). */
  onSubmit: (() => void) | null = null;
  private pendingErrors: Promise<void>[] = [];
  /** Steps kept while a training step is traced (they also run). */
  private recording: GpuStep[] | null = null;
  /** Steps planned but not run (`capture`). */
  private capturing: GpuStep[] | null = null;
  readonly stats: GpuStats = { pipelines: 0, bindGroups: 0, dispatches: 0, submits: 0, writes: 0 };

  constructor(readonly device: GPUDevice, readonly facts: AdapterFacts) {
    this.uniformBuffer = device.createBuffer({ size: this.uniformData.byteLength, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
  }

  /** Per pipeline, the bindings its kernel declares read_write: the only ones a dispatch of it may write. */
  private readonly writable = new WeakMap<GPUComputePipeline, ReadonlySet<number>>();

  /** The buffers a dispatch may write (bound read_write); every buffer it binds for a pipeline made elsewhere. */
  writes(step: DispatchStep): GPUBuffer[] {
    const first = step.uniforms.length > 0 ? 1 : 0;
    const rw = this.writable.get(step.pipeline);
    return step.buffers.filter((_, k) => !rw || rw.has(k + first)).map(bindingBuffer);
  }

  /** Cached compute pipeline for `key`; `source` is only called on a miss. Entry point `main`. */
  pipeline(key: string, source: () => string): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (!p) {
      const code = source();
      this.device.pushErrorScope('validation');
      const module = this.device.createShaderModule({ code, label: key });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      this.stats.pipelines++;
      this.trackErrors(this.device.popErrorScope(), `compiling kernel '${key}'`, code);
      this.pipelines.set(key, p);
      this.writable.set(p, new Set([...code.matchAll(/@binding\((\d+)\)\s*var<storage,\s*read_write>/g)].map((m) => Number(m[1]))));
    }
    return p;
  }

  /**
   * Records one dispatch. Bindings: 0 = uniforms (if any), then `buffers` in order.
   * `op` names the user-facing op for error messages.
   */
  dispatch(op: string, pipeline: GPUComputePipeline, buffers: readonly Binding[], uniforms: readonly Uniform[], workgroups: readonly [number, number?, number?], fusible?: Fusible): void {
    const step: DispatchStep = { kind: 'dispatch', op, pipeline, buffers, uniforms: packUniforms(uniforms), grid: [workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1] };
    this.execute(fusible ? { ...step, ...fusible } : step);
  }

  /** Runs one step now (kept too while recording; only kept while capturing). */
  execute(step: GpuStep): void {
    if (this.capturing) {
      this.capturing.push(step);
      return;
    }
    this.recording?.push(step);
    if (step.kind === 'dispatch') this.encodeDispatch(step);
    else if (step.kind !== 'upload') this.encodeTransfer(step);
    else throw new Error('GpuContext: an upload is written by the queue, not executed (recordUpload)');
  }

  /** `queue.writeBuffer`, counted (every write to the device goes through here). */
  write(buffer: GPUBuffer, offset: number, data: GPUAllowSharedBufferSource, dataOffset?: number, size?: number): void {
    this.device.queue.writeBuffer(buffer, offset, data, dataOffset, size);
    this.stats.writes++;
  }

  /** Notes a `queue.writeBuffer` the caller made, so a recording replays it in order. */
  recordUpload(buffer: GPUBuffer, data: ArrayBufferView, bytes: number): void {
    if (!this.recording) return;
    this.recording.push({ kind: 'upload', buffer, data: new Uint8Array(data.buffer, data.byteOffset, bytes).slice() });
  }

  /** Starts keeping every step run (a traced training step). */
  startRecording(): void {
    if (this.recording) throw new Error('GpuContext: a recording is already open');
    this.recording = [];
  }

  /** How many steps the open recording holds (a kernel's steps are the ones it adds). */
  get recordedSteps(): number {
    return this.recording?.length ?? 0;
  }

  /** Ends the recording and returns its steps in order. */
  stopRecording(): GpuStep[] {
    const steps = this.recording ?? [];
    this.recording = null;
    return steps;
  }

  /** The steps `fn` would run, planned but not run (a replay re-plans a kernel with new per-step values). */
  capture(fn: () => void): GpuStep[] {
    const outer = this.capturing;
    this.capturing = [];
    try {
      fn();
      return this.capturing;
    } finally {
      this.capturing = outer;
    }
  }

  /**
   * The bind group of a dispatch: its uniforms at `uniformOffset` of `uniformBuffer`, then its
   * storage buffers. A pooled buffer may be larger (its size class) than the binding limit while
   * the tensor in it fits: bind only what the limit allows (larger tensors are split by callers).
   */
  bindGroup(step: DispatchStep, uniformBuffer: GPUBuffer, uniformOffset: number): GPUBindGroup {
    const entries: GPUBindGroupEntry[] = [];
    let binding = 0;
    if (step.uniforms.length > 0) entries.push({ binding: binding++, resource: { buffer: uniformBuffer, offset: uniformOffset, size: step.uniforms.length } });
    for (const b of step.buffers) entries.push({ binding: binding++, resource: 'buffer' in b ? b : { buffer: b, size: Math.min(b.size, this.facts.maxStorageBindingBytes) } });
    this.stats.bindGroups++;
    return this.device.createBindGroup({ layout: step.pipeline.getBindGroupLayout(0), entries });
  }

  private encodeDispatch(step: DispatchStep): void {
    if (this.uniformCount === BATCH_DISPATCHES) this.flush();
    let offset = 0;
    if (step.uniforms.length > 0) {
      offset = this.uniformCount++ * UNIFORM_SLOT;
      new Uint8Array(this.uniformData, offset, step.uniforms.length).set(step.uniforms);
    }
    const bindGroup = this.bindGroup(step, this.uniformBuffer, offset);
    if (!this.pass) this.pass = this.openEncoder().beginComputePass();
    this.pass.setPipeline(step.pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(...step.grid);
    this.stats.dispatches++;
    this.batchOps.push(step.op);
    if (this.debug) this.flush();
  }

  /** The open batch's encoder (a copy may have ended the last pass: its encoder is kept). */
  private openEncoder(): GPUCommandEncoder {
    if (!this.encoder) {
      this.encoder = this.device.createCommandEncoder();
      this.device.pushErrorScope('validation');
      this.device.pushErrorScope('out-of-memory');
    }
    return this.encoder;
  }

  /** Records a buffer-to-buffer copy (ends the open compute pass). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.execute({ kind: 'copy', src, srcOffset, dst, dstOffset, bytes });
  }

  /** Records zeroing `bytes` of `buffer` from `offset` (multiples of 4; ends the open compute pass). */
  clear(buffer: GPUBuffer, offset: number, bytes: number): void {
    this.execute({ kind: 'clear', buffer, offset, bytes });
  }

  private encodeTransfer(step: CopyStep | ClearStep): void {
    this.endPass();
    encodeTransfer(this.openEncoder(), step);
  }

  /**
   * Encodes work of its own (a replayed program) after everything the open batch holds and
   * submits them together (one submit per step); `encode` may also write the queue (its writes
   * land before this submit). A GPU error names the batch's ops and `ops`.
   */
  submitEncoded(ops: string, encode: (encoder: GPUCommandEncoder) => void): void {
    this.endPass();
    encode(this.openEncoder());
    this.batchOps.push(ops);
    this.flush();
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (!this.encoder) {
      this.onSubmit?.(); // nothing recorded is pending, so released buffers are as safe as after a submit
      return;
    }
    this.endPass();
    if (this.uniformCount > 0) this.write(this.uniformBuffer, 0, this.uniformData, 0, this.uniformCount * UNIFORM_SLOT);
    this.device.queue.submit([this.encoder.finish()]);
    this.stats.submits++;
    this.encoder = null;
    this.uniformCount = 0;
    this.onSubmit?.();
    const ops = [...new Set(this.batchOps)].join(', ') || 'copy';
    this.batchOps = [];
    this.trackErrors(this.device.popErrorScope(), `running ${ops}`);
    this.trackErrors(this.device.popErrorScope(), `running ${ops}`);
  }

  private trackErrors(scope: Promise<GPUError | null>, what: string, code?: string): void {
    this.pendingErrors.push(scope.then((e) => {
      if (e) throw new Error(`webgpu: ${e.constructor.name} while ${what}: ${e.message}${code ? `\n--- WGSL ---\n${code}` : ''}`);
    }));
  }

  /** Submits and waits for the GPU; rethrows the first GPU error since the last call, naming the op. */
  async sync(): Promise<void> {
    this.flush();
    await awaitGpu(this.device.queue.onSubmittedWorkDone());
    const errors = this.pendingErrors;
    this.pendingErrors = [];
    await Promise.all(errors);
  }

  /** Workgroup grid for `n` invocations of `size`-wide workgroups, folded into 2-D past the per-dimension limit. */
  grid(n: number, size: number): [number, number] {
    const groups = Math.ceil(n / size);
    const max = this.facts.maxWorkgroupsPerDim;
    return groups <= max ? [Math.max(groups, 1), 1] : [max, Math.ceil(groups / max)];
  }
}

/** Encodes a copy or clear step into `encoder` (outside any pass). */
export function encodeTransfer(encoder: GPUCommandEncoder, s: CopyStep | ClearStep): void {
  if (s.kind === 'copy') encoder.copyBufferToBuffer(s.src, s.srcOffset, s.dst, s.dstOffset, s.bytes);
  else encoder.clearBuffer(s.buffer, s.offset, s.bytes);
}
