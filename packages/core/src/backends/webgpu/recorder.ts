import { fuseElementwise, GpuProgram, stepBuffers, type CopyStep, type GpuContext, type GpuStep } from '@kerasgpu/kernels';
import type { DynamicArgs, RecordedStep, RecordedStepSpec, SizedStorage, Storage, StepRecorder } from '../../backend.js';
import { platform } from '#platform';
import type { BufferPool } from './pool.js';

/** GPU storage: a pooled buffer (its size is the size class, not the tensor's size). */
export interface GpuStorage { buffer: GPUBuffer }
const bufferOf = (s: Storage): GPUBuffer => (s as GpuStorage).buffer;

/** A kernel whose uniforms change every step (random keys, optimizer hyper-parameters): its recorded steps and how to plan them again. */
interface DynamicNode { first: number; count: number; replan: (args: DynamicArgs) => GpuStep[] }

/** What one open trace has seen of the pool. */
interface Trace {
  acquired: Set<GPUBuffer>;
  released: Set<GPUBuffer>;
  dynamic: DynamicNode[];
  /** Per buffer, the recorded step counts at which a tensor gave it back (fusion's liveness). */
  releases: Map<GPUBuffer, number[]>;
  /**
   * Buffers given back during the step and kept from the pool until the trace ends, so that the
   * step cannot reuse them: those from before the step (a re-assigned variable's old storage,
   * into which the program copies the new value at its end), and small ones, whose values
   * (scalars, a mean's 1/n) then keep their buffers, so that the invariant ones stay invariant.
   */
  withheld: Set<GPUBuffer>;
}

/**
 * The recorded steps whose results are the same in every replay, which replays therefore skip
 * (loop-invariant code): uploads of constants (a scalar operand, a loss's epsilon) and dispatches
 * computing only from such results (a mean's 1/n tiled over the batch). Each writes buffers that
 * no other step writes and none uses before it, outside `keep`, and `owned` by the program as
 * long as it lives (not a kernel family's shared scratch), so what the trace put there stays.
 * `frozen`: per-step kernels, never invariant.
 */
function invariantSteps(ctx: GpuContext, steps: readonly GpuStep[], owned: ReadonlySet<GPUBuffer>, keep: ReadonlySet<GPUBuffer>, frozen: ReadonlySet<number>): Set<number> {
  const writes = stepWrites(ctx);
  const uses = new Map<GPUBuffer, number[]>(), writers = new Map<GPUBuffer, number[]>();
  const note = (m: Map<GPUBuffer, number[]>, b: GPUBuffer, i: number) => m.set(b, [...(m.get(b) ?? []), i]);
  steps.forEach((s, i) => {
    for (const b of stepBuffers(s)) note(uses, b, i);
    for (const b of writes(s)) note(writers, b, i);
  });
  const out = new Set<number>();
  steps.forEach((s, i) => {
    if (s.kind === 'copy' || frozen.has(i)) return;
    const written = writes(s);
    if (written.some((b) => !owned.has(b) || keep.has(b) || writers.get(b)!.length !== 1 || uses.get(b)![0] !== i)) return;
    const reads = stepBuffers(s).filter((b) => !written.includes(b));
    if (reads.every((b) => writers.get(b)?.length === 1 && out.has(writers.get(b)![0]!))) out.add(i);
  });
  return out;
}

/** The buffers a step may write. */
const stepWrites = (ctx: GpuContext) => (s: GpuStep): GPUBuffer[] => (s.kind === 'dispatch' ? ctx.writes(s) : s.kind === 'copy' ? [s.dst] : [s.buffer]);

/**
 * The dispatches that repeat an earlier idempotent one exactly (pipeline, bindings, uniforms) with
 * nothing in between writing a buffer they bind: a replay skips them, the buffers holding what the
 * first run wrote (the LSTM's second packing of dz for its weight gradients). `frozen`: per-step
 * kernels, whose uniforms a replay changes, never count.
 */
function repeatedSteps(ctx: GpuContext, steps: readonly GpuStep[], frozen: ReadonlySet<number>): Set<number> {
  const ids = new Map<GPUBuffer, number>();
  const id = (b: GPUBuffer) => ids.get(b) ?? ids.set(b, ids.size).get(b)!;
  const writes = stepWrites(ctx);
  const lastWrite = new Map<GPUBuffer, number>();
  const first = new Map<string, number>();
  const out = new Set<number>();
  steps.forEach((s, i) => {
    if (s.kind === 'dispatch' && s.idempotent && !frozen.has(i)) {
      const bound = s.buffers.map((b) => ('buffer' in b ? b.buffer : b));
      const bindings = s.buffers.map((b, k) => ('buffer' in b ? `${id(bound[k]!)}@${b.offset ?? 0}+${b.size ?? ''}` : `${id(bound[k]!)}`));
      const key = `${s.pipeline.label}|${bindings.join(',')}|${s.uniforms.join(',')}`;
      const j = first.get(key);
      if (j !== undefined && bound.every((b) => (lastWrite.get(b) ?? -1) <= j)) {
        out.add(i); // what it would write is there already, as if written at j
        return;
      }
      first.set(key, i);
    }
    for (const b of writes(s)) lastWrite.set(b, i);
  });
  return out;
}

/** Buffers up to this size are not reused within a traced step (they cost little; see `Trace.withheld`). */
const UNSHARED_BYTES = 1024;

/** The steps of the per-step kernels (a replay re-plans them in place), as recorded or as fused. */
const frozenSteps = (dynamic: readonly DynamicNode[]): Set<number> => new Set(dynamic.flatMap((n) => Array.from({ length: n.count }, (_, k) => n.first + k)));

/** Whether recorded programs fuse elementwise chains (KERASGPU_FUSE=0 replays the steps as traced: debugging, and the tests comparing both). */
const fusionOn = () => platform.env('KERASGPU_FUSE') !== '0';

/**
 * Records a training step's device work (GpuContext's steps) and turns it into a replayable
 * program with an arena: every buffer the step allocated or freed is withheld from the pool for
 * as long as the program lives, so each replay finds its temporaries, results and batch inputs
 * where the trace put them. `held` says whether a tensor holds an owned buffer now (a result
 * not yet disposed, a variable's storage): a replay must not overwrite one that is.
 */
export class GpuStepRecorder implements StepRecorder {
  private trace: Trace | null = null;
  private readonly owned = new Map<GPUBuffer, { owners: number; held: boolean }>();

  constructor(private readonly ctx: GpuContext, private readonly pool: BufferPool) {}

  // --- hooks the backend calls ---
  acquired(b: GPUBuffer): void {
    this.trace?.acquired.add(b);
  }

  /** A tensor let `b` go: true if a recorded step owns it (it must not go back to the pool). */
  released(b: GPUBuffer): boolean {
    this.trace?.released.add(b);
    if (this.trace) this.trace.releases.set(b, [...(this.trace.releases.get(b) ?? []), this.ctx.recordedSteps]);
    const own = this.owned.get(b);
    if (!own && this.trace && (!this.trace.acquired.has(b) || b.size <= UNSHARED_BYTES)) {
      this.trace.withheld.add(b);
      return true;
    }
    if (!own) return false;
    own.held = false;
    return true;
  }

  /** Runs a kernel whose uniforms are per-step values, noting its steps while a trace is open. */
  dynamic(run: () => void, replan: (args: DynamicArgs) => void): void {
    const first = this.ctx.recordedSteps;
    run();
    this.trace?.dynamic.push({ first, count: this.ctx.recordedSteps - first, replan: (args) => this.ctx.capture(() => replan(args)) });
  }

  // --- StepRecorder ---
  begin(): void {
    if (this.trace) throw new Error('webgpu: a step is already being traced');
    this.ctx.startRecording();
    this.trace = { acquired: new Set(), released: new Set(), dynamic: [], releases: new Map(), withheld: new Set() };
  }

  end(spec: RecordedStepSpec | null): RecordedStep | string {
    const steps = this.ctx.stopRecording();
    const trace = this.trace!;
    this.trace = null;
    if (!spec) {
      for (const b of trace.withheld) this.pool.release(b);
      return 'the trace was abandoned';
    }
    const moveFrom = spec.moves.map((m) => bufferOf(m.from.storage));
    // Each variable gets its old storage back, holding the new value: the program ends with the copies.
    spec.moves.forEach((m, i) => {
      const copy: CopyStep = { kind: 'copy', src: bufferOf(m.to), srcOffset: 0, dst: moveFrom[i]!, dstOffset: 0, bytes: m.from.bytes };
      this.ctx.execute(copy);
      steps.push(copy);
    });
    const inputs = spec.inputs.map((s) => bufferOf(s.storage));
    const referenced = new Set<GPUBuffer>([...inputs, ...spec.outputs.map(bufferOf)]);
    for (const s of steps) for (const b of stepBuffers(s)) referenced.add(b);
    const mine = [...referenced].filter((b) => trace.acquired.has(b) || trace.released.has(b) || inputs.includes(b));
    for (const b of mine) {
      const own = this.owned.get(b);
      if (own) own.owners++;
      else this.owned.set(b, { owners: 1, held: !trace.withheld.has(b) && !this.pool.withdraw(b) });
    }
    for (const b of trace.withheld) if (!mine.includes(b)) this.pool.release(b);
    for (const b of moveFrom) this.owned.get(b)!.held = true;
    const keep = new Set([...inputs, ...spec.outputs.map(bufferOf), ...moveFrom, ...spec.moves.map((m) => bufferOf(m.to))]);
    const invariant = invariantSteps(this.ctx, steps, new Set(mine), keep, frozenSteps(trace.dynamic));
    const { steps: program, dynamic, chains, duplicatedOps, index } = this.fused(steps, trace, keep, invariant);
    // A step fused into a later one (index -1) is computed there, every run.
    const repeated = repeatedSteps(this.ctx, program, frozenSteps(dynamic));
    const skipped = new Set([...[...invariant].map((i) => index[i]!).filter((i) => i >= 0), ...repeated]);
    return this.recorded(new GpuProgram(this.ctx, program, skipped), dynamic, spec, mine, new Set(moveFrom), { unfusedDispatches: steps.filter((s) => s.kind === 'dispatch').length, chains, duplicatedOps, skipped, repeated: repeated.size });
  }

  /**
   * The program's steps with elementwise chains fused (the per-step kernels' indices moved with
   * them), unless switched off; `index`: each recorded step's index in them. `keep`: buffers
   * that outlive the step (batch inputs, results, variables' storages); `constants`: the
   * invariant steps, whose results are in place before a replay starts.
   */
  private fused(steps: GpuStep[], trace: Trace, keep: ReadonlySet<GPUBuffer>, constants: ReadonlySet<number>): { steps: GpuStep[]; dynamic: DynamicNode[]; chains: string[]; duplicatedOps: number; index: number[] } {
    if (!fusionOn()) return { steps, dynamic: trace.dynamic, chains: [], duplicatedOps: 0, index: steps.map((_, i) => i) };
    const f = fuseElementwise(this.ctx, steps, { releases: trace.releases, frozen: frozenSteps(trace.dynamic), keep, constants });
    return { steps: f.steps, dynamic: trace.dynamic.map((n) => ({ ...n, first: f.index[n.first]! })), chains: f.chains, duplicatedOps: f.duplicatedOps, index: f.index };
  }

  private recorded(program: GpuProgram, dynamic: DynamicNode[], spec: RecordedStepSpec, mine: GPUBuffer[], variables: Set<GPUBuffer>, fusion: { unfusedDispatches: number; chains: string[]; duplicatedOps: number; skipped: ReadonlySet<number>; repeated: number }): RecordedStep {
    const inputs = spec.inputs.map((s) => ({ buffer: bufferOf(s.storage), bytes: s.bytes }));
    /** Everything a replay overwrites (all it owns but the variables' storages). */
    const written = mine.filter((b) => !variables.has(b));
    let released = false;
    const count = (k: GpuStep['kind'], replayed = false) => program.steps.filter((s, i) => s.kind === k && !(replayed && fusion.skipped.has(i))).length;
    return {
      counts: {
        dispatches: count('dispatch'), replayedDispatches: count('dispatch', true), repeatedDispatches: fusion.repeated, unfusedDispatches: fusion.unfusedDispatches, duplicatedOps: fusion.duplicatedOps, copies: count('copy'),
        uploads: count('upload'), replayedUploads: count('upload', true), ownedBuffers: mine.length, ownedBytes: mine.reduce((n, b) => n + b.size, 0),
      },
      fused: fusion.chains,
      profile: () => program.profile(),
      canReplay: (batch: readonly Storage[]) => {
        const same = new Set(batch.map(bufferOf).filter((b, i) => b === inputs[i]?.buffer));
        return !released && written.every((b) => !this.owned.get(b)!.held || same.has(b));
      },
      replay: (batch: readonly SizedStorage[], args: readonly DynamicArgs[]) => {
        if (args.length !== dynamic.length) throw new Error(`webgpu: the replayed step takes ${dynamic.length} per-step values, got ${args.length}`);
        dynamic.forEach((node, i) => {
          const planned = node.replan(args[i]!);
          if (planned.length !== node.count) throw new Error(`webgpu: a per-step kernel planned ${planned.length} dispatches on replay, ${node.count} when traced`);
          planned.forEach((s, k) => program.patch(node.first + k, s));
        });
        const copies = batch.map((s, i): CopyStep => {
          if (s.bytes !== inputs[i]!.bytes) throw new Error(`webgpu: replay input ${i} has ${s.bytes} bytes, the trace had ${inputs[i]!.bytes}`);
          return { kind: 'copy', src: bufferOf(s.storage), srcOffset: 0, dst: inputs[i]!.buffer, dstOffset: 0, bytes: s.bytes };
        });
        // The traced batch passed again is in place already.
        program.run(copies.filter((c) => c.bytes > 0 && c.src !== c.dst));
        for (const o of spec.outputs) this.owned.get(bufferOf(o))!.held = true;
        return spec.outputs;
      },
      rebind: (map: ReadonlyMap<Storage, Storage>) => {
        program.rebind(new Map([...map].map(([from, to]) => [bufferOf(from), bufferOf(to)])));
      },
      release: () => {
        if (released) return;
        released = true;
        program.dispose();
        for (const b of mine) {
          const own = this.owned.get(b)!;
          if (--own.owners > 0) continue;
          this.owned.delete(b);
          if (!own.held) this.pool.release(b);
        }
      },
    };
  }
}
