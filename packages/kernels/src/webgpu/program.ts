import { bindingBuffer, encodeTransfer, UNIFORM_SLOT, type CopyStep, type DispatchStep, type GpuContext, type GpuStep } from './context.js';
import { BufferUsage } from './flags.js';
import { awaitGpu } from './gpu-wait.js';

/** One dispatch's time in a profiled run (GpuProgram.profile): its op, its kernel (the pipeline's key) and grid. */
export interface DispatchTime { op: string; kernel: string; grid: readonly [number, number, number]; ms: number }

/**
 * A recorded list of steps made replayable: its uniforms live in a buffer of its own (one slot
 * per dispatch), its uploads in a constants buffer copied in order, and every bind group is
 * created once here. A replay encodes the steps into one command buffer and submits it: no
 * pipeline, bind group or buffer is created, and only the uniforms patched since the last run
 * (per-step values: learning rate, bias corrections, random keys) are written.
 */
export class GpuProgram {
  private readonly uniformBuffer: GPUBuffer;
  private readonly constants: GPUBuffer | null;
  /** Per step: its bind group (dispatch), or its source offset in `constants` (upload). */
  private readonly bound: (GPUBindGroup | number | null)[];
  /** Per step: its uniform slot's byte offset (dispatches with uniforms). */
  private readonly slots: number[];
  /** The uniform buffer's contents, kept here so that the slots patched since the last run go to the device in one write. */
  private readonly uniformData: Uint8Array;
  /** The byte range of `uniformData` patched since the last run (empty when lo >= hi). */
  private patched = { lo: Infinity, hi: 0 };
  private readonly ops: string;
  /** The dispatches a run encodes (all but the invariant ones). */
  private readonly replayedDispatches: number;

  readonly steps: GpuStep[];

  /**
   * `invariant`: indices of steps whose results stay in their buffers between runs (uploads of
   * constants, dispatches computing only from those; nothing else writes their outputs, and the
   * recording ran them once): runs skip them.
   */
  constructor(private readonly ctx: GpuContext, steps: readonly GpuStep[], private readonly invariant: ReadonlySet<number> = new Set()) {
    this.steps = [...steps];
    const dispatches = steps.filter((s): s is DispatchStep => s.kind === 'dispatch' && s.uniforms.length > 0);
    const uniformData = this.uniformData = new Uint8Array(Math.max(dispatches.length, 1) * UNIFORM_SLOT);
    const uploads = steps.filter((s) => s.kind === 'upload');
    const constantData = new Uint8Array(uploads.reduce((n, s) => n + align(s.data.length), 0));
    this.uniformBuffer = ctx.device.createBuffer({ size: uniformData.length, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST, label: 'program uniforms' });
    this.constants = constantData.length > 0 ? ctx.device.createBuffer({ size: constantData.length, usage: BufferUsage.COPY_SRC | BufferUsage.COPY_DST, label: 'program constants' }) : null;
    let slot = 0, constant = 0;
    this.slots = steps.map(() => -1);
    this.bound = steps.map((s, i) => {
      if (s.kind === 'upload') {
        constantData.set(s.data, constant);
        constant += align(s.data.length);
        return constant - align(s.data.length);
      }
      if (s.kind !== 'dispatch') return null;
      if (s.uniforms.length > 0) {
        this.slots[i] = slot * UNIFORM_SLOT;
        uniformData.set(s.uniforms, this.slots[i]);
        slot++;
      }
      return ctx.bindGroup(s, this.uniformBuffer, Math.max(this.slots[i]!, 0));
    });
    ctx.write(this.uniformBuffer, 0, uniformData);
    if (this.constants) ctx.write(this.constants, 0, constantData);
    this.replayedDispatches = steps.filter((s, i) => s.kind === 'dispatch' && !invariant.has(i)).length;
    this.ops = [...new Set(steps.flatMap((s) => (s.kind === 'dispatch' ? [s.op] : [])))].join(', ') || 'copy';
  }

  /**
   * New uniforms for dispatch `index`, written before the next run. The step must be re-planned
   * from the same kernel (same pipeline and uniform layout): only values change. The per-step
   * kernels' slots are written together, as one range: a step's per-step values (learning rate,
   * bias corrections, random keys) reach the device in a single small write.
   */
  patch(index: number, step: GpuStep): void {
    const old = this.steps[index];
    if (old?.kind !== 'dispatch' || step.kind !== 'dispatch' || old.pipeline !== step.pipeline || old.uniforms.length !== step.uniforms.length) {
      throw new Error(`program: step ${index} (${old?.kind === 'dispatch' ? old.op : old?.kind}) was re-planned as a different dispatch`);
    }
    const at = this.slots[index]!;
    if (at < 0) return;
    this.uniformData.set(step.uniforms, at);
    this.patched = { lo: Math.min(this.patched.lo, at), hi: Math.max(this.patched.hi, at + step.uniforms.length) };
  }

  /**
   * Points the steps that use a buffer of `map` at its replacement (a variable given new storage
   * by setWeights or a load): those steps get new bind groups; nothing else changes.
   */
  rebind(map: ReadonlyMap<GPUBuffer, GPUBuffer>): void {
    const to = (b: GPUBuffer) => map.get(b) ?? b;
    this.steps.forEach((s, i) => {
      if (s.kind === 'copy') this.steps[i] = { ...s, src: to(s.src), dst: to(s.dst) };
      else if (s.kind === 'upload' || s.kind === 'clear') this.steps[i] = { ...s, buffer: to(s.buffer) };
      else if (s.buffers.some((b) => map.has(bindingBuffer(b)))) {
        const step: DispatchStep = { ...s, buffers: s.buffers.map((b) => ('buffer' in b ? { ...b, buffer: to(b.buffer) } : to(b))) };
        this.steps[i] = step;
        this.bound[i] = this.ctx.bindGroup(step, this.uniformBuffer, Math.max(this.slots[i]!, 0));
      }
    });
  }

  /** Submits the program after what the context has batched, `before` copies first (the batch's inputs). */
  run(before: readonly CopyStep[]): void {
    this.ctx.submitEncoded(`${this.ops} (replayed step)`, (encoder) => {
      this.writePatched();
      for (const c of before) encoder.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.bytes);
      let pass: GPUComputePassEncoder | null = null;
      let pipeline: GPUComputePipeline | null = null;
      this.steps.forEach((s, i) => {
        if (this.invariant.has(i)) return;
        if (s.kind === 'dispatch') {
          if (!pass) {
            pass = encoder.beginComputePass();
            pipeline = null;
          }
          // Encoding costs a native call each; a pass keeps its pipeline between dispatches.
          if (s.pipeline !== pipeline) pass.setPipeline(pipeline = s.pipeline);
          this.encodeDispatch(pass, s, i);
          return;
        }
        pass?.end();
        pass = null;
        this.encodeTransfer(encoder, i);
      });
      (pass as GPUComputePassEncoder | null)?.end();
    });
    this.ctx.stats.dispatches += this.replayedDispatches;
  }

  /**
   * Where a replay's time goes: runs the program once more, each step in a submit of its own
   * that is waited for, and times every dispatch on the host, less the median time of an empty
   * submit (so a number near 0 is a dispatch cheaper than that overhead). The run has the
   * step's effects (an optimizer's update is applied once more): a benchmark's tool, not a test's.
   */
  async profile(): Promise<DispatchTime[]> {
    const { queue } = this.ctx.device;
    await this.ctx.sync();
    const submitted = async (encode: (encoder: GPUCommandEncoder) => void): Promise<number> => {
      const t0 = performance.now();
      this.ctx.submitEncoded(`${this.ops} (profiled step)`, encode);
      await awaitGpu(queue.onSubmittedWorkDone());
      return performance.now() - t0;
    };
    const empty: number[] = [];
    for (let r = 0; r < 15; r++) empty.push(await submitted(() => {}));
    const overhead = empty.sort((a, b) => a - b)[7]!;
    this.writePatched();
    const times: DispatchTime[] = [];
    for (const [i, s] of this.steps.entries()) {
      if (this.invariant.has(i)) continue;
      const ms = await submitted((encoder) => {
        if (s.kind !== 'dispatch') return this.encodeTransfer(encoder, i);
        const pass = encoder.beginComputePass();
        pass.setPipeline(s.pipeline);
        this.encodeDispatch(pass, s, i);
        pass.end();
      });
      if (s.kind === 'dispatch') times.push({ op: s.op, kernel: s.pipeline.label, grid: s.grid, ms: Math.max(0, ms - overhead) });
    }
    await this.ctx.sync();
    return times;
  }

  /** Writes the uniform slots patched since the last run, as one range. */
  private writePatched(): void {
    const { lo, hi } = this.patched;
    if (lo < hi) this.ctx.write(this.uniformBuffer, lo, this.uniformData, lo, hi - lo);
    this.patched = { lo: Infinity, hi: 0 };
  }

  /** Encodes dispatch step `i` (`s`) into a pass whose pipeline is set. */
  private encodeDispatch(pass: GPUComputePassEncoder, s: DispatchStep, i: number): void {
    pass.setBindGroup(0, this.bound[i] as GPUBindGroup);
    pass.dispatchWorkgroups(...s.grid);
  }

  /** Encodes copy, clear or upload step `i`. */
  private encodeTransfer(encoder: GPUCommandEncoder, i: number): void {
    const s = this.steps[i]!;
    if (s.kind === 'upload') encoder.copyBufferToBuffer(this.constants!, this.bound[i] as number, s.buffer, 0, s.data.length);
    else if (s.kind !== 'dispatch') encodeTransfer(encoder, s);
  }

  /** Frees the program's own buffers (its uniforms and constants); the recorded buffers are the caller's. */
  dispose(): void {
    this.uniformBuffer.destroy();
    this.constants?.destroy();
  }
}

/** Copy offsets must be multiples of 4 bytes; 256 keeps every upload on its own cache lines. */
const align = (bytes: number): number => Math.ceil(bytes / 256) * 256;
