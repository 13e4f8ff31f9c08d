import { BufferUsage } from './flags.js';

/**
 * The GPU execution context shared by every WebGPU kernel family: the device, a pipeline cache
 * keyed by specialisation, uniform packing, and dispatch recording into one command encoder that
 * is submitted at readback or after a threshold of dispatches.
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

/** One uniform field: WGSL type and value. Structs are laid out as 4-byte scalars. */
export type Uniform = ['u32' | 'i32' | 'f32', number];

const UNIFORM_SLOT = 256; // minUniformBufferOffsetAlignment on every adapter we meet
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

  constructor(readonly device: GPUDevice, readonly facts: AdapterFacts) {
    this.uniformBuffer = device.createBuffer({ size: this.uniformData.byteLength, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
  }

  /** Cached compute pipeline for `key`; `source` is only called on a miss. Entry point `main`. */
  pipeline(key: string, source: () => string): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (!p) {
      const code = source();
      this.device.pushErrorScope('validation');
      const module = this.device.createShaderModule({ code, label: key });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      this.trackErrors(this.device.popErrorScope(), `compiling kernel '${key}'`, code);
      this.pipelines.set(key, p);
    }
    return p;
  }

  /**
   * Records one dispatch. Bindings: 0 = uniforms (if any), then `buffers` in order.
   * `op` names the user-facing op for error messages.
   */
  dispatch(op: string, pipeline: GPUComputePipeline, buffers: readonly Binding[], uniforms: readonly Uniform[], workgroups: readonly [number, number?, number?]): void {
    if (this.uniformCount === BATCH_DISPATCHES) this.flush();
    const entries: GPUBindGroupEntry[] = [];
    let binding = 0;
    if (uniforms.length > 0) {
      const offset = this.uniformCount++ * UNIFORM_SLOT;
      const view = new DataView(this.uniformData, offset, UNIFORM_SLOT);
      uniforms.forEach(([type, v], i) => {
        if (type === 'f32') view.setFloat32(i * 4, v, true);
        else if (type === 'i32') view.setInt32(i * 4, v, true);
        else view.setUint32(i * 4, v, true);
      });
      entries.push({ binding: binding++, resource: { buffer: this.uniformBuffer, offset, size: Math.max(16, Math.ceil(uniforms.length / 4) * 16) } });
    }
    // A pooled buffer may be larger (its size class) than the binding limit while the tensor in
    // it fits: bind only what the limit allows. Tensors beyond it are split or refused by callers.
    for (const b of buffers) entries.push({ binding: binding++, resource: 'buffer' in b ? b : { buffer: b, size: Math.min(b.size, this.facts.maxStorageBindingBytes) } });
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    if (!this.pass) {
      // A copy may have ended the last pass: keep its encoder (and what it recorded).
      if (!this.encoder) {
        this.encoder = this.device.createCommandEncoder();
        this.device.pushErrorScope('validation');
        this.device.pushErrorScope('out-of-memory');
      }
      this.pass = this.encoder.beginComputePass();
    }
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    this.batchOps.push(op);
    if (this.debug) this.flush();
  }

  /** Records a buffer-to-buffer copy (ends the open compute pass). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.endPass();
    if (!this.encoder) {
      this.encoder = this.device.createCommandEncoder();
      this.device.pushErrorScope('validation');
      this.device.pushErrorScope('out-of-memory');
    }
    this.encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
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
    if (this.uniformCount > 0) this.device.queue.writeBuffer(this.uniformBuffer, 0, this.uniformData, 0, this.uniformCount * UNIFORM_SLOT);
    this.device.queue.submit([this.encoder.finish()]);
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
    await this.device.queue.onSubmittedWorkDone();
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
