import type { DispatchTime, DType, OptimizerHyper, OptimizerRuleName } from '@kerasgpu/kernels';
import type { DynamicArgs, RecordedStep, Storage } from './backend.js';
import type { PrimitiveAttrs } from './primitives.js';
import { engine } from './engine.js';
import { nextKey, type RandomKey } from './random.js';
import { run1 } from './ops/run.js';
import { Tracer, type StepProgram } from './trace.js';
import { Variable, type Tensor } from './tensor.js';

/** The per-step values a replay asks its caller for: the optimizer's next update (advancing its iteration count). */
export interface StepValues { update?: () => { rule: OptimizerRuleName; hyper: OptimizerHyper[OptimizerRuleName] } }

/**
 * A traced step made replayable: the backend's recorded program plus what the engine needs to
 * return its results as tensors and to draw its random keys anew.
 */
export class CompiledStep {
  constructor(
    private readonly recorded: RecordedStep,
    readonly program: StepProgram,
    private state: readonly (readonly [Tensor, Storage, number])[],
    private readonly outputs: readonly { storage: Storage; shapes: number[][]; dtypes: DType[]; at: number[] }[],
    private readonly outputCount: number,
    private readonly keyCount: number,
    private readonly dynamic: readonly ({ kind: 'random'; attrs: PrimitiveAttrs['random']; key: number } | { kind: 'update'; rule: string })[],
  ) {}

  get counts(): RecordedStep['counts'] { return this.recorded.counts; }

  /** The chains of kernels the program runs fused, each as its ops joined by '+' (e.g. 'matMul+add+sigmoid'). */
  get fused(): readonly string[] { return this.recorded.fused; }

  /** Each dispatch's time in one more run of the step (its effects happen again: a benchmark's tool). */
  profile(): Promise<DispatchTime[]> { return this.recorded.profile(); }

  /** The state (variables, read-only data) still has the storages the trace left it with (setWeights or a load re-assigns them). */
  matches(): boolean {
    return this.state.every(([v, s]) => v.ref?.storage === s);
  }

  /**
   * Binds the program to the storages its state has now, where setWeights or a load gave
   * variables new ones of the same size (values only), or the data it reads is another array of
   * the same size: no retrace. Returns the state rebound, or null when one changed size (trace again).
   */
  rebind(): Tensor[] | null {
    const moved = this.state.filter(([v, s]) => v.ref?.storage !== s);
    if (moved.some(([v, , bytes]) => v.ref?.bytes !== bytes) || engine.tracer) return null;
    for (const [v] of moved) {
      // A replay writes trained variables in place: each must hold its storage alone (data it only reads may be shared).
      if (!(v instanceof Variable) || v.ref!.refCount === 1) continue;
      const [own] = ownCopies([v]);
      v.assign(own!);
      own!.dispose();
    }
    this.recorded.rebind(new Map(moved.map(([v, s]) => [s, v.ref!.storage])));
    this.state = this.state.map(([v, , bytes]) => [v, v.ref!.storage, bytes] as const);
    return moved.map(([v]) => v);
  }

  /**
   * Checks other tensors in place of some of the state (the data arrays a new call passes in
   * place of those traced): where their storages differ, `matches` fails and `rebind` binds the
   * program to them.
   */
  follow(map: ReadonlyMap<Tensor, Tensor>): void {
    this.state = this.state.map(([t, s, bytes]) => [map.get(t) ?? t, s, bytes] as const);
  }

  /** False when the step cannot run now on `inputs` (a result of the last replay is still held): run it eagerly. */
  canReplay(inputs: readonly Tensor[]): boolean {
    return this.matches() && this.recorded.canReplay(inputs.map((t) => t.storageFor('replay')));
  }

  /**
   * Runs the step again on `inputs` (same shapes and dtypes as traced): draws its random keys
   * and asks `values` for the optimizer's per-step values, then returns its results as new tensors.
   */
  replay(inputs: readonly Tensor[], values: StepValues): Tensor[] {
    const keys: RandomKey[] = Array.from({ length: this.keyCount }, () => nextKey());
    const update = this.dynamic.some((d) => d.kind === 'update') ? values.update?.() : undefined;
    const args = this.dynamic.map((d): DynamicArgs => {
      // A key the trace drew from the global stream is drawn anew; a fixed seed's key stays.
      if (d.kind === 'random') return { kind: 'random', attrs: { ...d.attrs, key: d.key >= 0 ? keys[d.key]! : d.attrs.key } };
      if (!update || update.rule !== d.rule) throw new Error(`replay: the traced step updates with ${d.rule}, the optimizer gave ${update?.rule ?? 'nothing'}`);
      return { kind: 'update', ...update };
    });
    const storages = this.recorded.replay(inputs.map((t) => ({ storage: t.storageFor('replay'), bytes: t.ref!.bytes })), args);
    const results: Tensor[] = new Array(this.outputCount);
    this.outputs.forEach((o, i) => {
      if (storages[i] !== o.storage) throw new Error('replay: the backend returned other storages than it recorded');
      engine.adopt(o.storage, o.shapes, o.dtypes).forEach((t, k) => { results[o.at[k]!] = t; });
    });
    return results;
  }

  /** Gives the program's buffers back. */
  dispose(): void {
    this.recorded.release();
  }
}

/**
 * Copies of tensors in storage of their own. A traced or replayed step's results live in its
 * program's arena, which the next replay overwrites (and a held result makes the next step run
 * eagerly): a caller that keeps them, as predict keeps every batch's outputs, copies them out.
 */
export function ownCopies(ts: readonly Tensor[]): Tensor[] {
  return engine.withoutRecording(() => ts.map((t) => run1('ownCopies', 'cast', { x: t }, { dtype: t.dtype }, t.shape, t.dtype)));
}

/**
 * Sets every element of `v` to `value` in place, keeping its storage: a compiled step that updates
 * `v` (running sums reset each epoch) stays bound to it, with no rebind. `v` must hold its storage alone.
 */
export function fillVariable(v: Variable, value: number): void {
  engine.fill(v, value);
}

/** Whether the active backend records steps for replay (webgpu; cpu runs every step eagerly). */
export function canReplaySteps(): boolean {
  return engine.backend.recorder !== undefined;
}

/** The outcome of tracing: the step's results (it ran eagerly), its program, and a replayable step or why there is none. */
export interface Traced { outputs: Tensor[]; program: StepProgram; step: CompiledStep | null; reason: string | null }

/**
 * Runs `fn` eagerly once while tracing it. `inputs` are the batch tensors a replay replaces;
 * `state` the tensors whose storages a replay must find unchanged (a model's and its
 * optimizer's weights, data the step only reads); the step may read nothing else it did not make. The step is replayable when the backend records (webgpu) and the
 * trace shows nothing a replay could not repeat (see `whyNot`).
 */
export function traceStep(fn: () => Tensor[], inputs: readonly Tensor[], state: readonly Tensor[]): Traced {
  if (engine.tracer) throw new Error('traceStep: a step is already being traced');
  const tracer = new Tracer();
  const recorder = engine.backend.recorder;
  for (const t of inputs) tracer.slot(t.storageFor('traceStep'), t.ref!.bytes);
  const known = new Set<Storage>([...inputs, ...state].map((t) => t.storageFor('traceStep')));
  engine.tracer = tracer;
  recorder?.begin();
  let outputs: Tensor[];
  try {
    outputs = fn();
  } catch (e) {
    recorder?.end(null);
    throw e;
  } finally {
    engine.tracer = null;
  }
  const program = tracer.program();
  const reason = recorder ? whyNot(tracer, inputs, outputs, known) : `the ${engine.backend.name} backend runs steps eagerly`;
  if (reason !== null) {
    recorder?.end(null);
    return { outputs, program, step: null, reason };
  }
  const moves = [...tracer.assigned].map(([v, from]) => ({ v, from: { storage: from.storage, bytes: from.bytes }, to: v.ref!.storage }));
  const byStorage = new Map<Storage, { storage: Storage; shapes: number[][]; dtypes: DType[]; at: number[] }>();
  outputs.forEach((t, i) => {
    const s = t.ref!.storage;
    const o = byStorage.get(s) ?? { storage: s, shapes: [], dtypes: [], at: [] };
    o.shapes.push([...t.shape]);
    o.dtypes.push(t.dtype);
    o.at.push(i);
    byStorage.set(s, o);
  });
  const recorded = recorder!.end({ inputs: inputs.map((t) => ({ storage: t.ref!.storage, bytes: t.ref!.bytes })), outputs: [...byStorage.keys()], moves });
  if (typeof recorded === 'string') return { outputs, program, step: null, reason: recorded };
  for (const m of moves) engine.restoreStorage(m.v, m.from.storage, m.from.bytes);
  const keyIndex = (k: RandomKey) => tracer.keys.findIndex((d) => d[0] === k[0] && d[1] === k[1]);
  const dynamic = tracer.dynamic.map((d) => (d.kind === 'random' ? { ...d, key: keyIndex(d.attrs.key) } : d));
  const vars = new Set([...state, ...tracer.assigned.keys()]);
  const step = new CompiledStep(recorded, program, [...vars].map((v) => [v, v.ref!.storage, v.ref!.bytes] as const), [...byStorage.values()], outputs.length, tracer.keys.length, dynamic);
  return { outputs, program, step, reason: null };
}

/** Why a traced step cannot be replayed, or null. */
function whyNot(t: Tracer, inputs: readonly Tensor[], outputs: readonly Tensor[], known: ReadonlySet<Storage>): string | null {
  if (t.hostReads.length > 0) return `the step reads values back to the host (${t.hostReads[0]})`;
  if (new Set(inputs.map((x) => x.ref!.storage)).size !== inputs.length) return 'two batch inputs share storage';
  const used = new Set(t.dynamic.flatMap((d) => (d.kind === 'random' ? [t.keys.findIndex((k) => k[0] === d.attrs.key[0] && k[1] === d.attrs.key[1])] : [])));
  if (t.keys.some((_, i) => !used.has(i))) return 'the step draws a random key that no random op uses directly (a host-side draw)';
  for (const o of outputs) if (!t.created.has(o.ref!.storage)) return 'a result of the step is not made by it';
  const olds = new Set<Storage>();
  for (const [v, from] of t.assigned) {
    if (from.refCount > 0 || !t.freed.has(from.storage)) return `variable ${v.name} shared its storage when the step re-assigned it`;
    if (v.ref!.refCount !== 1) return `variable ${v.name}'s new value is shared with another tensor`;
    if (!t.created.has(v.ref!.storage)) return `variable ${v.name} was assigned a tensor the step did not make`;
    olds.add(from.storage);
  }
  for (const s of t.freed) if (!t.created.has(s) && !olds.has(s)) return 'the step freed a tensor it did not make';
  // A replay may run long after the trace: all it reads from outside must be the batch or the state it checks.
  if (t.external().some((s) => !known.has(s))) return 'the step reads a tensor that is neither the batch nor a model or optimizer weight';
  return null;
}
