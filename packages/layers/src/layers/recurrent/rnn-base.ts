import {
  add, dropout, fill, matMul, mul, nextKey, ones, reshape, stack, sub, tidy, unstack, variable, zeros, type Tensor, type Variable,
} from '@kerasgpu/core';
import { activationOption, type Activation, type ActivationId } from '../../activations.js';
import { constraintOption, type Constraint, type ConstraintId } from '../../constraints.js';
import type { InitializerId } from '../../initializers.js';
import { Layer, type LayerInput } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { regularizerOption, type Regularizer, type RegularizerId } from '../../regularizers.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import { installKerasNames, KERAS_METHOD_NAMES, type KerasSpelled } from '../../utils/keras-names.js';
import { parseOptions, type Options } from '../../utils/options.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { initializerConfig } from '../../initializers.js';
import { KERNEL_KEYS, kernelConfig, kernelSettings, initName, type KernelOptions, type KernelSettings, type LayerOptions } from '../core/kernel-options.js';
import { bool, fraction, int } from '../../utils/option-readers.js';

export interface RecurrentOptions extends LayerOptions, KernelOptions {
  units?: number;
  recurrentActivation?: ActivationId;
  recurrentInitializer?: InitializerId;
  recurrentRegularizer?: RegularizerId | null;
  recurrentConstraint?: ConstraintId | null;
  dropout?: number;
  recurrentDropout?: number;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
  unroll?: boolean;
  unitForgetBias?: boolean;
  forgetBiasInit?: string;
}

export const RNN_KEYS = ['units', 'recurrentActivation', 'recurrentInitializer', 'recurrentRegularizer', 'recurrentConstraint', 'dropout', 'recurrentDropout', 'returnSequences', 'returnState', 'goBackwards', 'stateful', 'unroll', 'unitForgetBias', 'forgetBiasInit', 'implementation', 'consumeLess', ...KERNEL_KEYS];

/** What one step returns: the output h and the new states (h first). */
export interface StepResult { h: Tensor; states: Tensor[] }

const first = (s: Shape | Shape[]): Shape => (Array.isArray(s[0]) ? (s as Shape[])[0]! : (s as Shape));

/**
 * The recurrent loop shared by SimpleRNN, GRU, LSTM and ConvLSTM2D (Keras 2 weights: kernel
 * [inputDim, G·units], recurrent_kernel [units, G·units], bias [G·units]; ConvLSTM2D's kernels have
 * the kernel window in front). The input projection x·kernel is done for all timesteps in one op
 * (`projectInput`: a matmul, or one conv2d); each step adds h·recurrent_kernel. States are
 * [batch, ...stateDims] ([batch, units] for the dense layers). Dropout masks (dropout_W / dropout_U)
 * are drawn once per sequence, as Keras. A mask [batch, T] keeps the previous state at masked steps.
 * Keras 2's `initial_state` (a call option) arrives as extra inputs [x, ...states]; `returnState`
 * appends the final states to the output. The loop is always unrolled (each step is recorded), so
 * `unroll` changes nothing numerically; it is kept for the config and, as Keras, needs a known
 * number of timesteps.
 */
export abstract class RNNBase extends Layer {
  static override readonly OPTIONS = RNN_KEYS;
  readonly units: number;
  readonly settings: KernelSettings;
  readonly recurrentActivation: Activation;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly unroll: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  protected readonly recurrentInit: InitializerId;
  protected readonly recurrentRegularizer: Regularizer | null;
  protected readonly recurrentConstraint: Constraint | null;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;
  /** Stateful layers keep their last states here between batches. */
  states: Variable[] | null = null;
  /** A stateful layer's batch size, from its input shape: only a model's first layer needs batchInputShape (Keras). */
  private statefulBatch: number | null = null;

  protected abstract readonly gates: number;
  protected abstract readonly stateCount: number;
  /** A state's shape without the batch, known once built: [units], or ConvLSTM2D's [rows, cols, filters]. */
  protected stateDims: number[];

  constructor(owner: string, o: Options, defaults: { recurrentActivation: string }) {
    super(o);
    this.units = int(owner, o, 'units', { min: 1, label: 'units (output_dim)' });
    this.stateDims = [this.units];
    this.settings = kernelSettings(owner, o, { activation: 'tanh' });
    this.activityRegularizer = this.settings.activityRegularizer;
    this.recurrentActivation = activationOption(owner, o, 'recurrentActivation', defaults.recurrentActivation);
    this.recurrentInit = initName(o.recurrentInitializer, 'orthogonal');
    this.recurrentRegularizer = regularizerOption(owner, o, 'recurrentRegularizer');
    this.recurrentConstraint = constraintOption(owner, o, 'recurrentConstraint');
    this.returnSequences = bool(owner, o, 'returnSequences', false);
    this.returnState = bool(owner, o, 'returnState', false);
    this.unroll = bool(owner, o, 'unroll', false);
    this.goBackwards = bool(owner, o, 'goBackwards', false);
    this.stateful = bool(owner, o, 'stateful', false);
    this.dropout = fraction(owner, o, 'dropout', { default: 0 });
    this.recurrentDropout = fraction(owner, o, 'recurrentDropout', { default: 0 });
    this.supportsMasking = true;
  }

  protected override get temporalInput(): boolean { return true; }

  /** The bias's shape: [G·units] (GRU with reset_after keeps input and recurrent biases as [2, G·units]). */
  protected get biasShape(): number[] { return [this.gates * this.units]; }
  /** The initial bias (LSTM sets its forget gate to one). */
  protected initialBias(): Tensor { return zeros(this.biasShape); }

  /** Keras 2's `layer(x, initial_state=[h, c])`: the states become inputs after x. */
  protected override foldCallOptions(inputs: LayerInput | LayerInput[], options: Options): LayerInput | LayerInput[] {
    const o = parseOptions(`${this.name}.apply`, options, ['initialState']);
    if (o.initialState === undefined) return inputs;
    const states = Array.isArray(o.initialState) ? (o.initialState as LayerInput[]) : [o.initialState as LayerInput];
    if (Array.isArray(inputs)) throw new ValueError(`${this.name}: give the initial state either as initial_state or as inputs after x, not both`);
    return [inputs, ...states];
  }

  /** The shapes of [x, ...initial states]: the states must be `stateCount` arrays shaped as a step's output. */
  private checkStateShapes(s: Shape | Shape[]): void {
    if (!Array.isArray(s[0])) return;
    const states = (s as Shape[]).slice(1);
    const want = `${this.stateCount} (${this.stateCount === 2 ? '[h, c]' : '[h]'})`;
    if (states.length !== this.stateCount) throw new ValueError(`${this.name}: initial_state must be ${want} tensors, got ${states.length}`);
    const dims = this.stepOutputShape(first(s));
    for (const st of states) {
      if (st.length !== dims.length + 1 || dims.some((d, i) => st[i + 1] !== null && st[i + 1] !== d)) {
        throw new ShapeError(`${this.name}: each initial state must have shape (batch, ${dims.join(', ')}), got ${fmtShape(st)}`);
      }
    }
  }

  /** Refuses an input the layer cannot take (dense layers: (batch, timesteps, features), features as built). */
  protected checkInput(s: Shape): void {
    if (s.length !== 3 || s[2] === null || s[2] === undefined) {
      throw new ShapeError(`${this.className} expects inputs of shape (batch, timesteps, features) with known features, got ${fmtShape(s)}`);
    }
    if (this.kernel && s[2] !== this.kernel.shape[0]) throw new ShapeError(`${this.className} was built for ${this.kernel.shape[0]} features, got ${fmtShape(s)}`);
  }
  /** One step's output shape without the batch, in the layer's data layout. */
  protected stepOutputShape(_inputShape: Shape): number[] { return [this.units]; }
  /** The kernel's shape for an input (checked by `checkInput`); the recurrent kernel's; the state's without the batch. */
  protected weightShapes(inputShape: Shape): { kernel: number[]; recurrent: number[]; state: number[] } {
    const g = this.gates * this.units;
    return { kernel: [inputShape[2]!, g], recurrent: [this.units, g], state: [this.units] };
  }
  /** x [batch, T, ...features] → every step's input projection [batch, T, ...stateDims without units, G·units]. */
  protected projectInput(x: Tensor): Tensor {
    const [b, T, d] = x.shape as [number, number, number];
    return reshape(matMul(reshape(x, [b * T, d]), this.kernel!), [b, T, this.gates * this.units]);
  }

  override build(shapes: Shape | Shape[]): void {
    const inputShape = first(shapes);
    this.checkInput(inputShape);
    this.checkStateShapes(shapes);
    if (this.unroll && (inputShape[1] === null || inputShape[1] === undefined)) {
      throw new ValueError(`${this.name}: cannot unroll a RNN if the time dimension is undefined: give input_shape with the number of timesteps, or unroll: false`);
    }
    if (this.stateful) {
      // A layer run eagerly on tensors is built from a batch-free shape: its own batchInputShape decides.
      const batch = inputShape[0] ?? this.batchInputShape?.[0] ?? null;
      if (batch === null) {
        throw new ValueError(`${this.name}: a stateful RNN needs a fixed batch size: give the model's first layer batchInputShape (e.g. [32, 10, 16]; Keras: batch_input_shape)`);
      }
      this.statefulBatch = batch;
    }
    const s = this.settings;
    const ws = this.weightShapes(inputShape);
    this.stateDims = ws.state;
    this.kernel = this.addWeight('kernel', ws.kernel, s.kernelInitializer, 'glorot_uniform', { regularizer: s.kernelRegularizer, constraint: s.kernelConstraint });
    this.recurrentKernel = this.addWeight('recurrent_kernel', ws.recurrent, this.recurrentInit, 'orthogonal', {
      regularizer: this.recurrentRegularizer, constraint: this.recurrentConstraint,
    });
    if (s.useBias) {
      this.bias = this.addWeight('bias', this.biasShape, s.biasInitializer, 'zero', { regularizer: s.biasRegularizer, constraint: s.biasConstraint });
      if (s.biasInitializer === 'zero') {
        const initial = tidy(() => this.initialBias());
        this.bias.assign(initial);
        initial.dispose();
      }
    }
    if (this.stateful) this.resetStates();
  }

  override dispose(): void {
    super.dispose();
    for (const s of this.states ?? []) s.dispose();
  }

  /** Zeroes the states of a stateful layer (Keras's reset_states). */
  resetStates(): void {
    if (!this.stateful) throw new ValueError(`${this.name}: resetStates needs stateful: true`);
    const b = this.statefulBatch;
    if (b === null) throw new ValueError(`${this.name}: resetStates before the layer is built (it takes its batch size from its input)`);
    if (this.states) for (const s of this.states) s.dispose();
    this.states = Array.from({ length: this.stateCount }, () => tidy(() => variable(zeros([b, ...this.stateDims]), false)));
  }

  override computeOutputShape(shapes: Shape | Shape[]): Shape | Shape[] {
    const s = first(shapes);
    this.checkInput(s);
    this.checkStateShapes(shapes);
    const step = this.stepOutputShape(s);
    const out: Shape = this.returnSequences ? [s[0]!, s[1]!, ...step] : [s[0]!, ...step];
    return this.returnState ? [out, ...Array.from({ length: this.stateCount }, (): Shape => [s[0]!, ...step])] : out;
  }

  override computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null | (Tensor | null)[] | undefined): Tensor | null | (Tensor | null)[] {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    const out = this.returnSequences ? m : null;
    return this.returnState ? [out, ...Array.from({ length: this.stateCount }, () => null)] : out;
  }

  /** One step: xw = this step's x·kernel (+ bias where the cell does not add it), h·U inside. */
  protected abstract step(xw: Tensor, states: Tensor[], recurrentMask: Tensor | null): StepResult;
  /** The bias `call` adds to x·kernel for all steps at once (none where the step adds it: the fused LSTM cell). */
  protected projectionBias(): Tensor | null { return this.bias; }
  /**
   * The whole sequence in one op, when the layer has one (LSTM with cell activations): xw
   * [batch, T, G·units] in, every step's h [batch, T, units] and the final states (h first) out. Only
   * called without masks or recurrent dropout, in forward order.
   */
  protected sequence(_xw: Tensor, _states: Tensor[]): { hs: Tensor; states: Tensor[] } | null { return null; }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor | Tensor[] {
    const [x0, ...initial] = Array.isArray(inputs) ? inputs : [inputs];
    if (initial.length > 0 && initial.length !== this.stateCount) {
      throw new ValueError(`${this.name}: initial_state must be ${this.stateCount} tensors, got ${initial.length}`);
    }
    let x = x0!;
    const inputMask = Array.isArray(args.mask) ? (args.mask[0] ?? null) : (args.mask ?? null);
    const [b, T] = x.shape as [number, number];
    const stateShape = [b, ...this.stateDims];
    // One input mask per sample for the whole sequence (Keras draws it once, outside the loop).
    if (args.training && this.dropout > 0) x = mul(x, dropout(ones([b, 1, ...x.shape.slice(2)]), this.dropout, nextKey()));
    const recurrentMask = args.training && this.recurrentDropout > 0 ? dropout(ones(stateShape), this.recurrentDropout, nextKey()) : null;
    let xw = this.projectInput(x);
    const projectionBias = this.projectionBias();
    if (projectionBias) xw = add(xw, projectionBias);
    // Keras 2: an initial_state given in the call wins over a stateful layer's kept states.
    let states: Tensor[] = initial.length > 0 ? initial : this.stateful ? [...this.states!] : Array.from({ length: this.stateCount }, () => fill(stateShape, 0, x.dtype));
    if (this.stateful && this.states![0]!.shape[0] !== b) {
      throw new ShapeError(`${this.name}: stateful layer built for batch size ${this.states![0]!.shape[0]}, got ${b}`);
    }
    const result = (output: Tensor, last: Tensor[]): Tensor | Tensor[] => {
      if (this.stateful) this.states!.forEach((v, i) => v.assign(last[i]!));
      return this.returnState ? [output, ...last] : output;
    };
    const whole = !inputMask && !recurrentMask && !this.goBackwards && T > 0 ? this.sequence(xw, states) : null;
    if (whole) return result(this.returnSequences ? whole.hs : whole.states[0]!, whole.states);
    const steps = unstack(xw, 1);
    const mask = inputMask ? unstack(inputMask, 1) : null;
    const outputs: Tensor[] = [];
    const order = Array.from({ length: T }, (_, t) => (this.goBackwards ? T - 1 - t : t));
    for (const t of order) {
      const r = this.step(steps[t]!, states, recurrentMask);
      let next = r.states;
      let h = r.h;
      if (mask) {
        const m = reshape(mask[t]!, [b, ...this.stateDims.map(() => 1)]);
        const keep = (newV: Tensor, old: Tensor) => add(mul(newV, m), mul(old, sub(1, m)));
        next = next.map((s, i) => keep(s, states[i]!));
        h = keep(h, outputs[outputs.length - 1] ?? fill(stateShape, 0, x.dtype));
      }
      states = next;
      outputs.push(h);
    }
    return result(this.returnSequences ? stack(outputs, 1) : outputs[outputs.length - 1]!, states);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), units: this.units, ...kernelConfig(this.settings),
      recurrent_activation: this.recurrentActivation.name,
      recurrent_initializer: initializerConfig(typeof this.recurrentInit === 'string' ? this.recurrentInit : 'custom'),
      recurrent_regularizer: this.recurrentRegularizer?.getConfig() ?? null,
      recurrent_constraint: this.recurrentConstraint?.getConfig() ?? null,
      dropout: this.dropout, recurrent_dropout: this.recurrentDropout,
      return_sequences: this.returnSequences, return_state: this.returnState, go_backwards: this.goBackwards, stateful: this.stateful, unroll: this.unroll,
    };
  }
}

export interface RNNBase extends KerasSpelled<RNNBase, typeof KERAS_METHOD_NAMES.RNN> {}
installKerasNames(RNNBase.prototype, KERAS_METHOD_NAMES.RNN);
