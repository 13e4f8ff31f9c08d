import { canReplaySteps, dispose, ownCopies, stack, tensor, tidy, traceStep, type CompiledStep, type StepProgram, type StepValues, type Tensor, type Variable } from '@kerasgpu/core';
import { platform } from '@kerasgpu/core/platform';
import type { Container } from '../engine/container.js';
import type { Compiled } from './compile.js';
import { gatherRows } from './data.js';
import { RunningSums } from './running-sums.js';
import { testStep, trainStep } from './step.js';

/** A signature's compiled step (or why none), and the data arrays it was traced or last replayed with. */
interface Entry { step: CompiledStep | null; reason: string | null; traces: number; data: (Tensor | null)[] }

/** Traces of one signature that may fail (e.g. the first after setWeights, which shares storage) before it runs eagerly for good. */
const MAX_TRACES = 3;
/** Batch signatures whose programs are kept (a full and a partial batch, for training and validation sizes). */
const MAX_SIGNATURES = 4;

/**
 * How fit's training steps (and, apart, evaluation's test steps and predict's steps) ran since the
 * process started, and the host milliseconds they took (diagnostics, tests, benchmarks).
 */
export const trainStepCounters = { eager: 0, traced: 0, replayed: 0, retraced: 0, rebound: 0, hostMs: 0 };
export const testStepCounters = { eager: 0, traced: 0, replayed: 0, retraced: 0, rebound: 0, hostMs: 0 };
export const predictStepCounters = { eager: 0, traced: 0, replayed: 0, retraced: 0, rebound: 0, hostMs: 0 };

/**
 * Which step: fit's training step, the inference-mode loss and metrics of evaluate and fit's
 * validation, or predict's inference-mode outputs.
 */
export type StepKind = 'train' | 'test' | 'predict';

/** Whether steps replay: the compile's jit (KERASGPU_JIT=0 included), or for an uncompiled model's predict the switch alone. */
const jitOn = (c: Compiled | null) => c?.jit ?? platform.env('KERASGPU_JIT') !== '0';

/**
 * A compile's training (or test) steps, or a model's predict steps, compiled per input signature
 * (the batch's shapes and dtypes): the first step of a signature runs eagerly (it creates the optimizer's slots and compiles the kernels),
 * the second runs eagerly while it is traced, and later ones replay the recorded program with
 * the new batch, fresh random keys and the optimizer's per-step values. A step is traced again
 * when what it baked in changes: the trainable variables, the optimizer's clipping, or a
 * variable's size; a variable's new storage of the same size (setWeights, loading weights) only
 * rebinds the program to it. Steps that cannot be replayed (the cpu
 * backend, a step reading values back) keep running eagerly; `reason` says why.
 */
export class CompiledSteps {
  private readonly entries = new Map<string, Entry>();
  /** What the steps baked in: the variables trained and the optimizer's slots (by identity), and its clipping. */
  private baked: { vars: Variable[]; config: string } = { vars: [], config: '' };
  private readonly counters: typeof trainStepCounters;
  /**
   * The running sums of the step values (batch-size weighted) that `run` adds to when asked:
   * fit's epoch logs, evaluate's result. One variable for the steps' life (their programs update it in place).
   */
  readonly sums: RunningSums;

  /** `c`: the compile whose loss, metrics and optimizer the steps use (none for predict's). */
  constructor(private readonly model: Container, private readonly c: Compiled | null, private readonly kind: StepKind) {
    this.counters = { train: trainStepCounters, test: testStepCounters, predict: predictStepCounters }[kind];
    this.sums = new RunningSums(c?.metricsNames.length ?? 0);
  }

  /**
   * One training or test step on a batch: its loss and metric values as one vector (metricsNames
   * order), not read back. `sum`: the step also adds batch size × values to `sums`.
   */
  run(xs: Tensor[], ys: Tensor[], ws: (Tensor | null)[], sum = false): Tensor {
    return this.timed(() => this.runStep([...xs, ...ys, ...ws], this.stepOn(() => ({ xs, ys, ws }), sum), { sum })).outs[0]!;
  }

  /**
   * `run` on rows `idx` of in-memory arrays, which the step gathers itself: a compiled step's
   * program takes only the row indices (one small upload) and runs the gathers with the rest,
   * reading the arrays as data it checks like the weights (another array of the same size rebinds it).
   */
  runRows(all: StepArrays, idx: readonly number[], sum = false): Tensor {
    return this.timed(() => {
      const index = tensor(Int32Array.from(idx), [idx.length], 'int32');
      try {
        const rows = () => ({ xs: gatherRows(all.xs, index), ys: gatherRows(all.ys, index), ws: all.ws.map((w) => (w ? gatherRows([w], index)[0]! : null)) });
        return this.runStep([index], this.stepOn(rows, sum, true), { sum, data: [...all.xs, ...all.ys, ...all.ws] }).outs[0]!;
      } finally {
        index.dispose();
      }
    });
  }

  /** The step on the batch `batch()` gives (`gathered`: tensors it made, disposed after the step). */
  private stepOn(batch: () => StepArrays, sum: boolean, gathered = false): () => Tensor[] {
    const c = this.c!;
    // One vector of the step's values: one readback for batch logs, and the sums add it whole.
    // (The step's values may be kept tensors, which tidy leaves alone: they are disposed here.)
    return () => {
      const { xs, ys, ws } = batch();
      try {
        const outs = (this.kind === 'train' ? trainStep : testStep)(this.model, c, xs, ys, ws);
        const values = tidy(() => stack(outs));
        dispose(outs);
        if (sum) this.sums.add(values, xs[0]!.shape[0]!);
        return [values];
      } finally {
        if (gathered) dispose([...xs, ...ys, ...ws.filter((w): w is Tensor => w !== null)]);
      }
    };
  }

  /**
   * One predict step: the model's outputs for a batch in inference mode. A traced or replayed
   * step's outputs live in its program's arena, which the next replay overwrites: they are copied
   * out, so every batch's outputs can be kept (and the next batch can replay).
   */
  predict(xs: Tensor[]): Tensor[] {
    return this.timed(() => {
      const { outs, arena } = this.runStep(xs, () => this.model.execute(xs, { training: false }));
      if (!arena) return outs;
      const copies = ownCopies(outs);
      dispose(outs);
      return copies;
    });
  }

  private timed<T>(fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.counters.hostMs += performance.now() - start;
    }
  }

  /**
   * A step's results, and whether they live in a compiled program's arena (traced or replayed).
   * `batch`: what a replay takes anew; `data`: arrays the step reads (checked, rebound); `sum`: it adds to `sums`.
   */
  private runStep(batch: (Tensor | null)[], step: () => Tensor[], how: { sum?: boolean; data?: (Tensor | null)[] } = {}): { outs: Tensor[]; arena: boolean } {
    const { sum = false } = how;
    if (!jitOn(this.c) || !canReplaySteps()) {
      this.counters.eager++;
      return { outs: step(), arena: false };
    }
    if (this.changed()) this.dispose();
    // An eager or traced step may create variables (the optimizer's slots, on its first step).
    const eager = () => {
      this.counters.eager++;
      return { outs: this.noteBaked(step()), arena: false };
    };
    const sig = (ts: (Tensor | null)[]) => ts.map((t) => (t ? `${t.dtype}[${t.shape.join(',')}]` : '-')).join(' ');
    const key = sig(batch) + (how.data?.length ? ` of ${sig(how.data)}` : '') + (sum ? ' +sums' : '');
    // What the step reads or updates that a later call may pass anew (each run's own sums variable).
    const data = [...(how.data ?? []), ...(sum ? [this.sums.variable] : [])];
    const e = this.entries.get(key);
    if (!e) {
      this.entries.set(key, { step: null, reason: null, traces: 0, data });
      this.forgetOldest();
      return eager();
    }
    // Most recently used last, so the oldest signature is forgotten first.
    this.entries.delete(key);
    this.entries.set(key, e);
    const inputs = batch.filter((t): t is Tensor => t !== null);
    // Another call's arrays (of the same shapes) in place of the traced ones: the program is rebound to them.
    if (e.step && data.some((t, i) => t !== e.data[i])) e.step.follow(new Map(e.data.flatMap((t, i) => (t && data[i] ? [[t, data[i]] as const] : []))));
    e.data = data;
    if (e.step && !e.step.matches()) {
      const moved = e.step.rebind();
      // Routine rebinding is not counted: to the data and running sums a new run passes, and to
      // the sums an eager step (another signature's warm-up) re-assigned.
      if (moved) this.counters.rebound += moved.some((v) => !data.includes(v)) ? 1 : 0;
      else {
        e.step.dispose();
        e.step = null;
        e.traces = 0;
        this.counters.retraced++;
      }
    }
    if (e.step?.canReplay(inputs)) {
      this.counters.replayed++;
      return { outs: e.step.replay(inputs, this.values()), arena: true };
    }
    if (e.step || e.traces >= MAX_TRACES) return eager();
    e.traces++;
    this.counters.traced++;
    const state = this.kind === 'train' ? [...this.model.weights, ...this.c!.optimizer.weights] : this.model.weights;
    const traced = traceStep(step, inputs, [...state, ...data.filter((t): t is Tensor => t !== null)]);
    e.step = traced.step;
    e.reason = traced.reason;
    return { outs: this.noteBaked(traced.outputs), arena: traced.step !== null };
  }

  /** Each signature's compiled step, or why it runs eagerly. */
  describe(): CompiledStepInfo[] {
    return [...this.entries].map(([signature, { step, reason }]) => ({
      kind: this.kind, signature, replayable: step !== null, reason, counts: step?.counts ?? null, fused: step?.fused ?? null, program: step?.program ?? null,
      profile: step ? () => step.profile() : null,
    }));
  }

  /** Keeps the programs of a few signatures (each holds one step's buffers). */
  private forgetOldest(): void {
    if (this.entries.size <= MAX_SIGNATURES) return;
    const [key, e] = this.entries.entries().next().value!;
    e.step?.dispose();
    this.entries.delete(key);
  }

  /** What a replay asks for each step: a training step's optimizer update (advancing its iteration count). */
  private values(): StepValues {
    const c = this.c;
    return this.kind === 'train' && c ? { update: () => c.optimizer.nextUpdate() } : {};
  }

  /**
   * Whether a baked-in setting changed since the last eager or traced step: `trainable` flags,
   * the optimizer's clipping, or its slot variables (restored optimizer state makes new ones).
   * (A predict step bakes in none of these; the weights' storages are checked per replay.)
   */
  private changed(): boolean {
    const { vars, config } = this.bakedNow();
    return config !== this.baked.config || vars.length !== this.baked.vars.length || vars.some((v, i) => v !== this.baked.vars[i]);
  }

  private bakedNow(): { vars: Variable[]; config: string } {
    const c = this.c;
    return c ? { vars: [...this.model.trainableWeights, ...c.optimizer.weights], config: c.optimizer.bakedConfig } : { vars: [], config: '' };
  }

  private noteBaked<T>(result: T): T {
    this.baked = this.bakedNow();
    return result;
  }

  /** Gives every compiled step's buffers back. */
  dispose(): void {
    for (const e of this.entries.values()) e.step?.dispose();
    this.entries.clear();
  }
}

/** A batch's arrays (or all of them, for `runRows`): inputs, targets, sample weights (null: none). */
export interface StepArrays { xs: Tensor[]; ys: Tensor[]; ws: (Tensor | null)[] }

/** What `compiledSteps(model)` reports of one batch signature. */
export interface CompiledStepInfo {
  kind: StepKind;
  /**
   * The batch's dtypes and shapes (x, y, sample weights; '-' for none), or the row indices' and
   * ' of ' the arrays' where the step gathers its rows (fit on in-memory arrays); then ' +sums'
   * where the step adds to the running sums (fit, evaluate).
   */
  signature: string;
  replayable: boolean;
  /** Why the step runs eagerly (null: replayable, or not traced yet). */
  reason: string | null;
  counts: CompiledStep['counts'] | null;
  /** The chains of elementwise kernels its replays run fused (webgpu; KERASGPU_FUSE=0: none). */
  fused: readonly string[] | null;
  /** The traced op list and slot liveness (`describe()` prints it). */
  program: StepProgram | null;
  /** Times each dispatch of one more run of the step (its effects happen again: a benchmark's tool); null where it runs eagerly. */
  profile: CompiledStep['profile'] | null;
}

/** The compiled steps of a model's current compile and its predict steps (diagnostics: what replays, what it holds, why not). */
export function compiledSteps(model: Container & { compiled: Compiled | null }): CompiledStepInfo[] {
  const s = model.compiled ? byCompiled.get(model.compiled) : undefined;
  return [...(s ? [...s.train.describe(), ...s.test.describe()] : []), ...(byModel.get(model)?.describe() ?? [])];
}

const byCompiled = new WeakMap<Compiled, Record<'train' | 'test', CompiledSteps>>();
const byModel = new WeakMap<Container, CompiledSteps>();

/** The compiled steps of a compile (they outlive one fit or evaluate call: repeated calls replay at once). */
export function stepsOf(model: Container, c: Compiled, kind: 'train' | 'test'): CompiledSteps {
  let s = byCompiled.get(c);
  if (!s) byCompiled.set(c, (s = { train: new CompiledSteps(model, c, 'train'), test: new CompiledSteps(model, c, 'test') }));
  return s[kind];
}

/** A model's predict steps (they need no compile; they outlive one predict call, and a compile: they bake in no loss or optimizer). */
export function predictStepsOf(model: Container): CompiledSteps {
  let s = byModel.get(model);
  if (!s) byModel.set(model, (s = new CompiledSteps(model, null, 'predict')));
  return s;
}

/** Gives back the buffers of a model's predict steps (disposing the model). */
export function releasePredictSteps(model: Container): void {
  byModel.get(model)?.dispose();
  byModel.delete(model);
}

/** Gives back the buffers of a compile's steps (compiling again, disposing the model). */
export function releaseTrainSteps(c: Compiled | null): void {
  if (!c) return;
  const s = byCompiled.get(c);
  for (const steps of s ? [s.train, s.test] : []) {
    steps.dispose();
    steps.sums.release();
  }
  byCompiled.delete(c);
}
