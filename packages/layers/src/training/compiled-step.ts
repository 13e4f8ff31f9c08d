import { canReplaySteps, dispose, ownCopies, stack, tidy, traceStep, type CompiledStep, type StepProgram, type StepValues, type Tensor, type Variable } from '@kerasgpu/core';
import { platform } from '@kerasgpu/core/platform';
import type { Container } from '../engine/container.js';
import type { Compiled } from './compile.js';
import { RunningSums } from './running-sums.js';
import { testStep, trainStep } from './step.js';

interface Entry { step: CompiledStep | null; reason: string | null; traces: number }

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
    const c = this.c!;
    // One vector of the step's values: one readback for batch logs, and the sums add it whole.
    // (The step's values may be kept tensors, which tidy leaves alone: they are disposed here.)
    const step = () => {
      const outs = (this.kind === 'train' ? trainStep : testStep)(this.model, c, xs, ys, ws);
      const values = tidy(() => stack(outs));
      dispose(outs);
      if (sum) this.sums.add(values, xs[0]!.shape[0]!);
      return [values];
    };
    return this.timed(() => this.runStep([...xs, ...ys, ...ws], step, sum)).outs[0]!;
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

  /** A step's results, and whether they live in a compiled program's arena (traced or replayed). */
  private runStep(batch: (Tensor | null)[], step: () => Tensor[], sum = false): { outs: Tensor[]; arena: boolean } {
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
    const key = batch.map((t) => (t ? `${t.dtype}[${t.shape.join(',')}]` : '-')).join(' ') + (sum ? ' +sums' : '');
    const e = this.entries.get(key);
    if (!e) {
      this.entries.set(key, { step: null, reason: null, traces: 0 });
      this.forgetOldest();
      return eager();
    }
    // Most recently used last, so the oldest signature is forgotten first.
    this.entries.delete(key);
    this.entries.set(key, e);
    const inputs = batch.filter((t): t is Tensor => t !== null);
    if (e.step && !e.step.matches()) {
      const moved = e.step.rebind();
      // An eager step (another signature's warm-up) re-assigns the running sums: rebinding to them is routine, not counted.
      if (moved) this.counters.rebound += moved.some((v) => !this.sums.holds(v)) ? 1 : 0;
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
    const traced = traceStep(step, inputs, sum ? [...state, this.sums.variable] : state);
    e.step = traced.step;
    e.reason = traced.reason;
    return { outs: this.noteBaked(traced.outputs), arena: traced.step !== null };
  }

  /** Each signature's compiled step, or why it runs eagerly. */
  describe(): CompiledStepInfo[] {
    return [...this.entries].map(([signature, e]) => ({ kind: this.kind, signature, replayable: e.step !== null, reason: e.reason, counts: e.step?.counts ?? null, fused: e.step?.fused ?? null, program: e.step?.program ?? null }));
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

/** What `compiledSteps(model)` reports of one batch signature. */
export interface CompiledStepInfo {
  kind: StepKind;
  /** The batch's dtypes and shapes (x, y, sample weights; '-' for none), then ' +sums' where the step adds to the running sums (fit, evaluate). */
  signature: string;
  replayable: boolean;
  /** Why the step runs eagerly (null: replayable, or not traced yet). */
  reason: string | null;
  counts: CompiledStep['counts'] | null;
  /** The chains of elementwise kernels its replays run fused (webgpu; KERASGPU_FUSE=0: none). */
  fused: readonly string[] | null;
  /** The traced op list and slot liveness (`describe()` prints it). */
  program: StepProgram | null;
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
    steps.sums.dispose();
  }
  byCompiled.delete(c);
}
