import { canReplaySteps, dispose, stack, tidy, traceStep, type CompiledStep, type StepProgram, type Tensor, type Variable } from '@kerasgpu/core';
import type { Container } from '../engine/container.js';
import type { Compiled } from './compile.js';
import { testStep, trainStep } from './step.js';

interface Entry { step: CompiledStep | null; reason: string | null; traces: number }

/** Traces of one signature that may fail (e.g. the first after setWeights, which shares storage) before it runs eagerly for good. */
const MAX_TRACES = 3;
/** Batch signatures whose programs are kept (a full and a partial batch, for training and validation sizes). */
const MAX_SIGNATURES = 4;

/**
 * How fit's training steps (and, apart, evaluation's test steps) ran since the process started,
 * and the host milliseconds they took (diagnostics, tests, benchmarks).
 */
export const trainStepCounters = { eager: 0, traced: 0, replayed: 0, retraced: 0, hostMs: 0 };
export const testStepCounters = { eager: 0, traced: 0, replayed: 0, retraced: 0, hostMs: 0 };

/** Which step: fit's training step, or the inference-mode loss and metrics of evaluate and fit's validation. */
export type StepKind = 'train' | 'test';

/**
 * A compile's training (or test) steps, compiled per input signature (the batch's shapes and
 * dtypes): the first step of a signature runs eagerly (it creates the optimizer's slots and compiles the kernels),
 * the second runs eagerly while it is traced, and later ones replay the recorded program with
 * the new batch, fresh random keys and the optimizer's per-step values. A step is traced again
 * when what it baked in changes: the trainable variables, the optimizer's clipping, or a
 * variable's storage (setWeights, loading weights). Steps that cannot be replayed (the cpu
 * backend, a step reading values back) keep running eagerly; `reason` says why.
 */
export class CompiledSteps {
  private readonly entries = new Map<string, Entry>();
  /** What the steps baked in: the variables trained and the optimizer's slots (by identity), and its clipping. */
  private baked: { vars: Variable[]; config: string } = { vars: [], config: '' };
  private readonly counters: typeof trainStepCounters;

  constructor(private readonly model: Container, private readonly c: Compiled, private readonly kind: StepKind) {
    this.counters = kind === 'train' ? trainStepCounters : testStepCounters;
  }

  /** One step on a batch: its loss and metric values as one vector (metricsNames order), not read back. */
  run(xs: Tensor[], ys: Tensor[], ws: (Tensor | null)[]): Tensor {
    const start = performance.now();
    try {
      return this.runStep(xs, ys, ws)[0]!;
    } finally {
      this.counters.hostMs += performance.now() - start;
    }
  }

  private runStep(xs: Tensor[], ys: Tensor[], ws: (Tensor | null)[]): Tensor[] {
    // One vector of the step's values: one readback for batch logs, and the epoch sums add it whole.
    // (The step's values may be kept tensors, which tidy leaves alone: they are disposed here.)
    const step = () => {
      const outs = (this.kind === 'train' ? trainStep : testStep)(this.model, this.c, xs, ys, ws);
      const values = tidy(() => stack(outs));
      dispose(outs);
      return [values];
    };
    if (!this.c.jit || !canReplaySteps()) {
      this.counters.eager++;
      return step();
    }
    if (this.changed()) this.dispose();
    // An eager or traced step may create variables (the optimizer's slots, on its first step).
    const eager = () => {
      this.counters.eager++;
      return this.noteBaked(step());
    };
    const key = [...xs, ...ys, ...ws].map((t) => (t ? `${t.dtype}[${t.shape.join(',')}]` : '-')).join(' ');
    const e = this.entries.get(key);
    if (!e) {
      this.entries.set(key, { step: null, reason: null, traces: 0 });
      this.forgetOldest();
      return eager();
    }
    // Most recently used last, so the oldest signature is forgotten first.
    this.entries.delete(key);
    this.entries.set(key, e);
    const inputs = [...xs, ...ys, ...ws.filter((w): w is Tensor => w !== null)];
    if (e.step && !e.step.matches()) {
      e.step.dispose();
      e.step = null;
      e.traces = 0;
      this.counters.retraced++;
    }
    if (e.step?.canReplay(inputs)) {
      this.counters.replayed++;
      return e.step.replay(inputs, this.kind === 'train' ? { update: () => this.c.optimizer.nextUpdate() } : {});
    }
    if (e.step || e.traces >= MAX_TRACES) return eager();
    e.traces++;
    this.counters.traced++;
    const traced = traceStep(step, inputs, this.kind === 'train' ? [...this.model.weights, ...this.c.optimizer.weights] : this.model.weights);
    e.step = traced.step;
    e.reason = traced.reason;
    return this.noteBaked(traced.outputs);
  }

  /** Each signature's compiled step, or why it runs eagerly. */
  describe(): CompiledStepInfo[] {
    return [...this.entries].map(([signature, e]) => ({ kind: this.kind, signature, replayable: e.step !== null, reason: e.reason, counts: e.step?.counts ?? null, program: e.step?.program ?? null }));
  }

  /** Keeps the programs of a few signatures (each holds one step's buffers). */
  private forgetOldest(): void {
    if (this.entries.size <= MAX_SIGNATURES) return;
    const [key, e] = this.entries.entries().next().value!;
    e.step?.dispose();
    this.entries.delete(key);
  }

  /**
   * Whether a baked-in setting changed since the last eager or traced step: `trainable` flags,
   * the optimizer's clipping, or its slot variables (restored optimizer state makes new ones).
   */
  private changed(): boolean {
    const vars = this.bakedVars();
    return this.c.optimizer.bakedConfig !== this.baked.config || vars.length !== this.baked.vars.length || vars.some((v, i) => v !== this.baked.vars[i]);
  }

  private bakedVars(): Variable[] {
    return [...this.model.trainableWeights, ...this.c.optimizer.weights];
  }

  private noteBaked<T>(result: T): T {
    this.baked = { vars: this.bakedVars(), config: this.c.optimizer.bakedConfig };
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
  /** The batch's dtypes and shapes (x, y, sample weights; '-' for none). */
  signature: string;
  replayable: boolean;
  /** Why the step runs eagerly (null: replayable, or not traced yet). */
  reason: string | null;
  counts: CompiledStep['counts'] | null;
  /** The traced op list and slot liveness (`describe()` prints it). */
  program: StepProgram | null;
}

/** The compiled steps of a model's current compile (diagnostics: what replays, what it holds, why not). */
export function compiledSteps(model: Container & { compiled: Compiled | null }): CompiledStepInfo[] {
  const s = model.compiled ? byCompiled.get(model.compiled) : undefined;
  return s ? [...s.train.describe(), ...s.test.describe()] : [];
}

const byCompiled = new WeakMap<Compiled, Record<StepKind, CompiledSteps>>();

/** The compiled steps of a compile (they outlive one fit or evaluate call: repeated calls replay at once). */
export function stepsOf(model: Container, c: Compiled, kind: StepKind): CompiledSteps {
  let s = byCompiled.get(c);
  if (!s) byCompiled.set(c, (s = { train: new CompiledSteps(model, c, 'train'), test: new CompiledSteps(model, c, 'test') }));
  return s[kind];
}

/** Gives back the buffers of a compile's steps (compiling again, disposing the model). */
export function releaseTrainSteps(c: Compiled | null): void {
  if (!c) return;
  const s = byCompiled.get(c);
  s?.train.dispose();
  s?.test.dispose();
  byCompiled.delete(c);
}
