import { argMax, cast, dispose, greater, type Tensor } from '@kerasgpu/core';
import type { History } from '../callbacks/history.js';
import { Progbar } from '../callbacks/progbar.js';
import { Container } from '../engine/container.js';
import type { SymbolicTensor } from '../engine/symbolic.js';
import { registerLayer } from '../layers/registry.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { ValueError } from '../utils/errors.js';
import { installKerasNames, KERAS_METHOD_NAMES, type KerasSpelled } from '../utils/keras-names.js';
import { parseOptions, type Options } from '../utils/options.js';
import { compileModel, type CompileOptions, type Compiled } from '../training/compile.js';
import { releasePredictSteps, releaseTrainSteps } from '../training/compiled-step.js';
import { loadAll, standardize, type DataInput } from '../training/data.js';
import { evaluateArrays, predictArrays } from '../training/evaluate.js';
import { fit, prepare, type FitOptions } from '../training/fit.js';
import { evaluateGenerator, fitGenerator, predictGenerator, type EvaluateGeneratorOptions, type FitGeneratorOptions, type PredictGeneratorOptions, type Batch } from '../training/generator.js';
import { runArgs } from '../training/arguments.js';
import { RunGuard } from '../training/run-guard.js';
import { testStep, trainStep } from '../training/step.js';
import { getSaveHandler } from './save-handler.js';
import { summary, type SummaryOptions } from './summary.js';

export interface ModelOptions { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[]; name?: string; [keras: string]: unknown }
export interface EvaluateOptions { batchSize?: number; verbose?: number; sampleWeight?: DataInput; checkFinite?: boolean; [keras: string]: unknown }
export interface PredictOptions { batchSize?: number; verbose?: number; checkFinite?: boolean; [keras: string]: unknown }
/** trainOnBatch / testOnBatch: fit's per-sample options. */
export interface BatchOptions { sampleWeight?: DataInput; classWeight?: Record<number, number>; checkFinite?: boolean; [keras: string]: unknown }
const BATCH_KEYS = ['sampleWeight', 'classWeight', 'checkFinite'];

const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/**
 * A Keras model: a graph of layers (functional `Model({inputs, outputs})`, or `Sequential`) with
 * compile / fit / evaluate / predict and summary.
 */
export class ModelImpl extends Container {
  static override readonly OPTIONS = ['inputs', 'outputs', 'input', 'output'];
  static kerasName = 'Model';
  compiled: Compiled | null = null;
  history: History | null = null;
  /** Set by callbacks (EarlyStopping, TerminateOnNaN) to end fit after the current batch. */
  stopTraining = false;
  private readonly guard = new RunGuard();

  constructor(options?: ModelOptions | Options) {
    const o = parseOptions('Model', options, ['name', ...ModelImpl.OPTIONS]);
    super({ name: o.name });
    const inputs = o.inputs ?? o.input;
    const outputs = o.outputs ?? o.output;
    if (inputs !== undefined || outputs !== undefined) {
      if (inputs === undefined || outputs === undefined) throw new ValueError('Model: give both `inputs` and `outputs`');
      this.setGraph(asList(inputs as SymbolicTensor | SymbolicTensor[]), asList(outputs as SymbolicTensor | SymbolicTensor[]));
    }
  }

  get optimizer(): Optimizer | null { return this.compiled?.optimizer ?? null; }
  get metricsNames(): string[] { return this.compiled?.metricsNames ?? []; }
  get inputNames(): string[] { return this.inputs.map((t) => t.layer.name); }
  get outputNames(): string[] { return this.outputs.map((t) => t.layer.name); }

  /** @internal */
  requireCompiled(what: string): Compiled {
    if (!this.compiled) throw new ValueError(`${what}: the model must be compiled before training or evaluating it; call model.compile({optimizer, loss}) first`);
    return this.compiled;
  }

  /** @internal One training run at a time (fit, fitGenerator, trainOnBatch). */
  exclusiveRun<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return this.guard.exclusive(what, this.name, fn);
  }

  /** @internal Awaited before each training step: yields to the event loop and waits for a save in progress. */
  stepBoundary(): Promise<void> {
    return this.guard.stepBoundary();
  }

  /** Frees every weight, recurrent state and optimizer slot of the model. */
  override dispose(): void {
    releaseTrainSteps(this.compiled);
    releasePredictSteps(this);
    super.dispose();
    for (const v of this.optimizer?.weights ?? []) v.dispose();
  }

  compile(options: CompileOptions): void {
    if (this.outputs.length === 0) throw new ValueError(`${this.name}: the model has no layers to compile`);
    const compiled = compileModel(options, this.outputNames, this.outputs.map((t) => t.shape));
    releaseTrainSteps(this.compiled);
    this.compiled = compiled;
  }

  fit(x: DataInput, y: DataInput, options: FitOptions = {}): Promise<History> {
    return fit(this, x, y, options);
  }

  /** Loss (and metrics) over the data: a number, or an array in metricsNames order. */
  async evaluate(x: DataInput, y: DataInput, options: EvaluateOptions = {}): Promise<number | number[]> {
    const o = parseOptions('evaluate', options, ['batchSize', 'verbose', 'sampleWeight', 'checkFinite']);
    const a = runArgs('evaluate', o);
    const c = this.requireCompiled('evaluate');
    const p = prepare('evaluate', this, x, y, o.sampleWeight as DataInput | undefined, undefined, a.checkFinite);
    try {
      // Keras's default verbose=1 shows the bar.
      const bar = (a.verbose ?? 1) === 1 && p.n > 0 ? new Progbar(p.n) : null;
      const v = await evaluateArrays(this, c, p, a.batchSize ?? 32, bar ? (seen) => bar.update(seen) : undefined);
      return v.length === 1 ? v[0]! : v;
    } finally {
      dispose(p.owned);
    }
  }

  /** Outputs for x (inference mode), queued at once: a Tensor, or one per output. */
  predict(x: DataInput, options: PredictOptions = {}): Tensor | Tensor[] {
    return this.predictWith('predict', x, options);
  }

  private predictWith(owner: string, x: DataInput, options: PredictOptions): Tensor | Tensor[] {
    const a = runArgs(owner, parseOptions(owner, options, ['batchSize', 'verbose', 'checkFinite']));
    const owned: Tensor[] = [];
    const xs = standardize('input', x, this.inputNames, this.inputs.map((t) => t.shape), owned, { owner, checkFinite: a.checkFinite ?? true });
    try {
      const outs = predictArrays(this, xs, xs[0]!.shape[0]!, a.batchSize ?? 32);
      return outs.length === 1 ? outs[0]! : outs;
    } finally {
      dispose(owned.filter((t) => !t.isDisposed));
    }
  }

  predictOnBatch(x: DataInput): Tensor | Tensor[] {
    return this.predictWith('predictOnBatch', x, { batchSize: Number.MAX_SAFE_INTEGER });
  }

  /** Keras's predict_proba: the outputs (checked to be probabilities by the user). */
  predictProba(x: DataInput, options: PredictOptions = {}): Tensor {
    return asList(this.predictWith('predictProba', x, options))[0]!;
  }

  /** Class indices: argmax over the last axis, or probability > 0.5 for one output unit (Keras). */
  predictClasses(x: DataInput, options: PredictOptions = {}): Tensor {
    const p = asList(this.predictWith('predictClasses', x, options))[0]!;
    const out = p.shape[p.rank - 1]! > 1 ? argMax(p, -1) : cast(greater(p, 0.5), 'int32');
    p.dispose();
    return out;
  }

  /** One gradient step on one batch; resolves to the loss or [loss, ...metrics]. */
  trainOnBatch(x: DataInput, y: DataInput, options: BatchOptions = {}): Promise<number | number[]> {
    const o = parseOptions('trainOnBatch', options, BATCH_KEYS);
    const a = runArgs('trainOnBatch', o);
    const c = this.requireCompiled('trainOnBatch');
    return this.exclusiveRun('trainOnBatch', async () => {
      const p = prepare('trainOnBatch', this, x, y, o.sampleWeight as DataInput | undefined, a.classWeight, a.checkFinite);
      try {
        await this.stepBoundary();
        return await readScalars(trainStep(this, c, loadAll(p.xs, p.owned), loadAll(p.ys, p.owned), p.ws));
      } finally {
        dispose(p.owned);
      }
    });
  }

  async testOnBatch(x: DataInput, y: DataInput, options: BatchOptions = {}): Promise<number | number[]> {
    const o = parseOptions('testOnBatch', options, BATCH_KEYS);
    const a = runArgs('testOnBatch', o);
    const c = this.requireCompiled('testOnBatch');
    const p = prepare('testOnBatch', this, x, y, o.sampleWeight as DataInput | undefined, a.classWeight, a.checkFinite);
    try {
      return await readScalars(testStep(this, c, loadAll(p.xs, p.owned), loadAll(p.ys, p.owned), p.ws));
    } finally {
      dispose(p.owned);
    }
  }

  fitGenerator(generator: AsyncIterable<Batch> | Iterable<Batch>, options: FitGeneratorOptions): Promise<History> {
    return fitGenerator(this, generator, options);
  }

  evaluateGenerator(generator: AsyncIterable<Batch> | Iterable<Batch>, options: EvaluateGeneratorOptions): Promise<number | number[]> {
    return evaluateGenerator(this, generator, options);
  }

  /** Outputs for the inputs a generator yields (Keras's predict_generator), concatenated. */
  predictGenerator(generator: AsyncIterable<DataInput> | Iterable<DataInput>, options: PredictGeneratorOptions): Promise<Tensor | Tensor[]> {
    return predictGenerator(this, generator, options);
  }

  /** Prints Keras's table: layer (type), output shape, params, connected to; then the totals. */
  summary(options: SummaryOptions = {}): void {
    summary(this, options);
  }

  /** Keras's model.to_json(): {class_name, config, keras_version, backend}. */
  toJSON(): string {
    return JSON.stringify({ ...this.serialize(), keras_version: '2.1.6', backend: 'tensorflow' });
  }

  /**
   * Saves through `@kerasgpu/io` (which registers the writer), as Keras's model.save: to a file
   * (Node), or without a path to the file's bytes, which it returns (any environment).
   */
  save(): Promise<Uint8Array>;
  save(filepath: string, options?: { overwrite?: boolean }): Promise<void>;
  async save(filepath?: string, options: { overwrite?: boolean } = {}): Promise<Uint8Array | void> {
    const bytes = await this.guard.pauseSteps(() => getSaveHandler().save(this, filepath ?? null, { overwrite: options.overwrite ?? true }));
    if (bytes !== null) return bytes;
  }

  /** Keras's save_weights: to a file, or without a path to bytes, as `save`. */
  saveWeights(): Promise<Uint8Array>;
  saveWeights(filepath: string, options?: { overwrite?: boolean }): Promise<void>;
  async saveWeights(filepath?: string, options: { overwrite?: boolean } = {}): Promise<Uint8Array | void> {
    const bytes = await this.guard.pauseSteps(() => getSaveHandler().saveWeights(this, filepath ?? null, { overwrite: options.overwrite ?? true }));
    if (bytes !== null) return bytes;
  }

  /** Keras's load_weights (from a path or a file's bytes): in layer order, or into the layers of the same name with `byName`. */
  loadWeights(source: string | Uint8Array, options: { byName?: boolean; by_name?: boolean } = {}): Promise<void> {
    return getSaveHandler().loadWeights(this, source, { byName: options.byName ?? options.by_name ?? false });
  }

  /** Keras's model.to_yaml() (through `@kerasgpu/io`). */
  toYAML(): string {
    return getSaveHandler().toYAML(this);
  }
}

export interface ModelImpl extends KerasSpelled<ModelImpl, typeof KERAS_METHOD_NAMES.Model> {}
installKerasNames(ModelImpl.prototype, KERAS_METHOD_NAMES.Model);

async function readScalars(ts: Tensor[]): Promise<number | number[]> {
  const vs = (await Promise.all(ts.map((t) => t.data()))).map((d) => d[0]!);
  dispose(ts);
  return vs.length === 1 ? vs[0]! : vs;
}

export const Model = registerLayer(ModelImpl);
export type Model = ModelImpl;
