import { fillGpu, GpuContext, optimizerUpdatesGpu, type OptimizerHyper, type OptimizerRuleName, GPU_ELEMENT_BYTES, sizeOf, wgslType, type DataArray, type DType, type GpuTensor } from '@kerasgpu/kernels';
import { allocArray, awaitGpu, BufferUsage, MapMode } from '@kerasgpu/kernels';
import type { Backend, OutputSpec, Storage, TensorInfo, UpdateOperands } from '../../backend.js';
import { BackendError } from '../../errors.js';
import { toNamed, type KernelPrimitive, type PrimitiveAttrs } from '../../primitives.js';
import { acquireDevice } from './device.js';
import { GPU_KERNELS, type GpuKernel } from './kernels.js';
import { BufferPool } from './pool.js';
import { GpuStepRecorder, type GpuStorage } from './recorder.js';

const NAN_BITS = 0x7fc00000;

/**
 * Kernels that split tensors larger than one storage binding (maxStorageBufferBindingSize:
 * 128 MiB on lavapipe, 2 GiB on an H100) into chunks. Any other kernel given such a tensor
 * is refused with a BackendError naming the op and shape, never run on a truncated binding.
 */
const SPLITS_LARGE_TENSORS: ReadonlySet<KernelPrimitive> = new Set(['unary', 'binary', 'where', 'cast']);

export interface WebGpuOptions {
  /** Fill every output with NaN before its kernel runs, so an unwritten element shows (tests). */
  poisonOutputs?: boolean;
  /** Submit after every op, so a GPU error names exactly that op. */
  debug?: boolean;
}

const asGpu = (s: Storage, spec: OutputSpec): GpuTensor => ({ buffer: (s as GpuStorage).buffer, shape: spec.shape, dtype: spec.dtype });

export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;
  readonly ctx: GpuContext;
  private readonly pool: BufferPool;
  readonly recorder: GpuStepRecorder;
  poisonOutputs: boolean;

  constructor(readonly device: GPUDevice, ctx: GpuContext, options: WebGpuOptions = {}) {
    this.ctx = ctx;
    this.pool = new BufferPool(device);
    this.recorder = new GpuStepRecorder(ctx, this.pool);
    ctx.onSubmit = () => this.pool.settle();
    ctx.debug = options.debug ?? false;
    this.poisonOutputs = options.poisonOutputs ?? false;
    device.lost.then((info) => {
      if (info.reason !== 'destroyed') console.error(`kerasgpu: the WebGPU device was lost: ${info.message}`);
    });
  }

  static async create(options: WebGpuOptions = {}): Promise<WebGpuBackend> {
    const { device, facts } = await acquireDevice();
    return new WebGpuBackend(device, new GpuContext(device, facts), options);
  }

  supportsDType(dtype: DType): boolean {
    return dtype !== 'float64';
  }

  upload(values: DataArray, dtype: DType): Storage {
    wgslType(dtype);
    const words = dtype === 'bool' ? Uint32Array.from(values) : values;
    const bytes = Math.max(values.length * GPU_ELEMENT_BYTES, 4);
    const buffer = this.acquire(bytes, true);
    if (values.length > 0) {
      this.ctx.write(buffer, 0, words.buffer, words.byteOffset, values.length * GPU_ELEMENT_BYTES);
      this.ctx.recordUpload(buffer, words, values.length * GPU_ELEMENT_BYTES);
    }
    return { buffer } satisfies GpuStorage;
  }

  write(storage: Storage, values: DataArray, dtype: DType): void {
    wgslType(dtype);
    if (values.length === 0) return;
    const words = dtype === 'bool' ? Uint32Array.from(values) : values;
    const buffer = (storage as GpuStorage).buffer;
    // The queue writes before the next submit: the work batched so far, which may read the old values, is submitted first.
    this.ctx.flush();
    this.ctx.write(buffer, 0, words.buffer, words.byteOffset, values.length * GPU_ELEMENT_BYTES);
    this.ctx.recordUpload(buffer, words, values.length * GPU_ELEMENT_BYTES);
  }

  async read(storage: Storage, dtype: DType, size: number): Promise<DataArray> {
    const bytes = size * GPU_ELEMENT_BYTES;
    const out = allocArray(dtype, size);
    if (size === 0) return out;
    const staging = this.device.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    this.ctx.copy((storage as GpuStorage).buffer, 0, staging, 0, bytes);
    await this.sync();
    await awaitGpu(staging.mapAsync(MapMode.READ));
    const raw = staging.getMappedRange();
    const words = dtype === 'int32' ? new Int32Array(raw) : dtype === 'bool' ? new Uint32Array(raw) : new Float32Array(raw);
    out.set(words.subarray(0, size));
    staging.unmap();
    staging.destroy();
    return out;
  }

  free(storage: Storage): void {
    const buffer = (storage as GpuStorage).buffer;
    if (!this.recorder.released(buffer)) this.pool.release(buffer);
  }

  private acquire(bytes: number, forUpload: boolean): GPUBuffer {
    const buffer = this.pool.acquire(bytes, forUpload);
    this.recorder.acquired(buffer);
    return buffer;
  }

  run<P extends KernelPrimitive>(prim: P, inputs: readonly TensorInfo[], attrs: PrimitiveAttrs[P], outputs: readonly OutputSpec[]): Storage[] {
    if (!SPLITS_LARGE_TENSORS.has(prim)) this.checkBindable(prim, [...inputs, ...outputs]);
    const outs = outputs.map((o) => {
      const n = sizeOf(o.shape);
      const buffer = this.acquire(Math.max(n, 1) * GPU_ELEMENT_BYTES, false);
      if (this.poisonOutputs) fillGpu(this.ctx, buffer, n, NAN_BITS);
      return { buffer };
    });
    try {
      const ins = toNamed(prim, 'inputs', inputs.map((i) => asGpu(i.storage, i)));
      const named = toNamed(prim, 'outputs', outs.map((s, i) => asGpu(s, outputs[i]!)));
      const kernel = GPU_KERNELS[prim] as GpuKernel<P>;
      // A random draw's key changes every step: a replay plans it again with the new key.
      if (prim === 'random') this.recorder.dynamic(() => kernel(this.ctx, ins, attrs, named), (a) => {
        if (a.kind !== 'random') throw new Error(`a replay gave ${a.kind} values to a random draw`);
        kernel(this.ctx, ins, a.attrs as PrimitiveAttrs[P], named);
      });
      else kernel(this.ctx, ins, attrs, named);
    } catch (e) {
      for (const s of outs) this.free(s);
      throw e instanceof BackendError ? e : new BackendError(`${prim}: ${(e as Error).message}`);
    }
    return outs;
  }

  private checkBindable(prim: KernelPrimitive, tensors: readonly OutputSpec[]): void {
    const limit = this.ctx.facts.maxStorageBindingBytes;
    const big = tensors.find((t) => sizeOf(t.shape) * GPU_ELEMENT_BYTES > limit);
    if (!big) return;
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    throw new BackendError(`${prim}: a [${big.shape.join(', ')}] tensor (${mib(sizeOf(big.shape) * GPU_ELEMENT_BYTES)}) exceeds this adapter's storage binding limit `
      + `(maxStorageBufferBindingSize ${mib(limit)}); the webgpu ${prim} kernel does not split tensors (elementwise kernels do): use smaller tensors or the cpu backend`);
  }

  updatesInPlace<R extends OptimizerRuleName>(rule: R, hyper: OptimizerHyper[R], updates: readonly UpdateOperands[]): void {
    try {
      const gpu = (t: TensorInfo) => asGpu(t.storage, t);
      const operands = updates.map((u) => ({ param: gpu(u.param), grad: gpu(u.grad), slots: u.slots.map(gpu) }));
      // The learning rate and bias corrections change every step: a replay plans the update again.
      this.recorder.dynamic(() => optimizerUpdatesGpu(this.ctx, rule, hyper, operands), (a) => {
        if (a.kind !== 'update' || a.rule !== rule) throw new Error(`a replay gave ${a.kind === 'update' ? a.rule : a.kind} values to the ${rule} update`);
        optimizerUpdatesGpu(this.ctx, rule, a.hyper as OptimizerHyper[R], operands);
      });
    } catch (e) {
      throw new BackendError(`applyOptimizerUpdate(${rule}): ${(e as Error).message}`);
    }
  }

  memory(): { numBuffers: number; numPooledBytes: number } {
    return this.pool.stats();
  }

  async releaseCachedMemory(): Promise<void> {
    await this.sync(); // submits the open batch, so every buffer released before this call is settled
    this.pool.destroySettled(Infinity);
  }

  sync(): Promise<void> {
    return this.ctx.sync().catch((e: Error) => { throw new BackendError(e.message); });
  }
}
