import { div, nextKey, reshape, tensor, tidy, Variable, variable, type Tensor, type TensorLike } from '@kerasgpu/core';
import { getConstraint, type Constraint, type ConstraintId } from '../constraints.js';
import { getInitializer, initializers, type InitializerId } from '../initializers.js';
import { didYouMean } from '../utils/closest.js';
import { getRegularizer, type Regularizer, type RegularizerId } from '../regularizers.js';
import { ShapeError, ValueError } from '../utils/errors.js';
import { guardKerasNames, installKerasNames, KERAS_METHOD_NAMES, KERAS_OVERRIDES, routeKerasOverrides, type KerasSpelled } from '../utils/keras-names.js';
import { canonicalKey, LAYER_KEYS, parseOptions, type Options } from '../utils/options.js';
import { bool, dims, int, invalid, shortJSON, str } from '../utils/option-readers.js';
import { fmtShape, type Shape } from '../utils/shape.js';
import { Node, SymbolicTensor, type CallArgs } from './symbolic.js';

/** A weight of a layer: the Variable plus the Keras metadata persistence and training need. */
export interface LayerWeight {
  /** Keras 2 name inside the layer ('kernel', 'bias', 'moving_mean', ...). */
  name: string;
  variable: Variable;
  trainable: boolean;
  regularizer: Regularizer | null;
  constraint: Constraint | null;
}

const layerCounters = new Map<string, number>();
/** Keras 2's _to_snake_case: Conv2D → conv2d, MaxPooling2D → max_pooling2d, SimpleRNN → simple_rnn. */
export const snakeCase = (s: string): string =>
  s.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
/** Keras's automatic names: dense_1, dense_2, conv2d_1, ... */
export function uniqueLayerName(className: string): string {
  const base = snakeCase(className);
  const n = (layerCounters.get(base) ?? 0) + 1;
  layerCounters.set(base, n);
  return `${base}_${n}`;
}

export type LayerInput = SymbolicTensor | Tensor;
export type LayerOutput<T extends LayerInput | LayerInput[]> = T extends LayerInput[] ? SymbolicTensor | SymbolicTensor[] : SymbolicTensor;

/**
 * The Keras Layer: built lazily from the input shape, holds its weights as core Variables,
 * computes its output shape, runs `call` on tensors, and describes itself with getConfig.
 * Subclasses override build / computeOutputShape / call / getConfig.
 */
export class Layer {
  /** Options every layer accepts, canonical camelCase. Subclasses add theirs via `parse`. */
  static readonly OPTIONS: readonly string[] = [];
  name: string;
  trainable: boolean;
  built = false;
  supportsMasking = false;
  /** The batch input shape from inputShape / batchInputShape / inputDim (+ inputLength). */
  batchInputShape: Shape | null = null;
  readonly inboundNodes: Node[] = [];
  protected readonly weightList: LayerWeight[] = [];
  private initialWeights: TensorLike[] | null;
  /** Activity regularizer, applied to the output in training. */
  activityRegularizer: Regularizer | null = null;

  constructor(rawOptions: Options = {}) {
    // Subclasses pass parsed camelCase options; a user layer without its own parsing may pass a config's snake_case keys.
    const options = Object.fromEntries(Object.entries(rawOptions).map(([k, v]) => [canonicalKey(k, LAYER_KEYS), v]));
    const owner = this.className;
    this.name = str(owner, options, 'name') ?? uniqueLayerName(owner);
    this.trainable = bool(owner, options, 'trainable', true);
    // The arrays themselves are checked against the built weights' shapes when they are set.
    const weights = options.weights ?? null;
    if (weights !== null && !Array.isArray(weights)) invalid(owner, 'weights', 'a list of arrays', weights);
    this.initialWeights = weights;
    this.batchInputShape = inputShapeFromOptions(owner, options, this.temporalInput);
    routeKerasOverrides(this, Layer.prototype, this.className, KERAS_METHOD_NAMES.Layer, KERAS_OVERRIDES.Layer);
  }

  /** Parses a subclass's options: the layer-wide keys plus `own`, through the alias table. */
  static parse(owner: string, options: object | undefined, own: readonly string[]): Options {
    const o = parseOptions(owner, options, [...LAYER_KEYS, ...own]);
    // A misspelt initializer name is refused now, not when the layer is first built.
    for (const [key, value] of Object.entries(o)) {
      if (key.endsWith('Initializer') && typeof value === 'string' && !initializers.has(value)) {
        throw new ValueError(`${owner}: unknown initializer '${value}' for ${key}${didYouMean(value, initializers.names())}`);
      }
    }
    return o;
  }

  /** Keras 2 class name, used for getConfig and automatic names. */
  get className(): string {
    return (this.constructor as { kerasName?: string }).kerasName ?? this.constructor.name.replace(/Impl$/, '');
  }

  /** Temporal layers read inputDim + inputLength as (inputLength, inputDim). */
  protected get temporalInput(): boolean { return false; }

  // ---- to override ----
  build(_inputShape: Shape | Shape[]): void {}
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] { return inputShape; }
  call(inputs: Tensor | Tensor[], _args: CallArgs): Tensor | Tensor[] { return inputs; }
  computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null | (Tensor | null)[] | undefined): Tensor | null | (Tensor | null)[] {
    return this.supportsMasking && !Array.isArray(mask) ? (mask ?? null) : null;
  }
  /** Keras 2 config (snake_case keys); subclasses spread `super.getConfig()`. */
  getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = { name: this.name, trainable: this.trainable };
    if (this.batchInputShape) c.batch_input_shape = [...this.batchInputShape];
    return c;
  }
  /**
   * Keras's `layers.serialize(layer)`: `{class_name, config}` as files store it. Only Sequential
   * differs from `getConfig()`: Keras 2.1.6 stores its config as the plain list of layer specs.
   */
  serialize(): { class_name: string; config: unknown } {
    return { class_name: this.className, config: this.getConfig() };
  }

  // ---- weights ----
  /**
   * The `weights` option in the layout `setWeights` takes (Keras 2's). Overridden where the layer's
   * Keras 1 form takes another layout (Keras 1 'th' convolution kernels). Runs inside a tidy.
   */
  protected initialWeightsInKerasOrder(values: TensorLike[]): TensorLike[] { return values; }

  protected addWeight(name: string, shape: number[], init: InitializerId | undefined, fallbackInit: string, opts: {
    regularizer?: RegularizerId | Regularizer | null; constraint?: ConstraintId | Constraint | null; trainable?: boolean;
  } = {}): Variable {
    const initializer = getInitializer(init, fallbackInit);
    const trainable = opts.trainable ?? true;
    const v = tidy(() => variable(initializer.fn(shape, nextKey()), trainable));
    this.weightList.push({ name, variable: v, trainable, regularizer: getRegularizer(opts.regularizer), constraint: getConstraint(opts.constraint) });
    return v;
  }

  /** Frees the layer's weights (GPU memory); the layer cannot be used afterwards. */
  dispose(): void {
    for (const w of this.layerWeights) w.variable.dispose();
  }

  /** Keras order: trainable weights first, then the others (as `layer.weights`). */
  get layerWeights(): LayerWeight[] {
    return [...this.weightList.filter((w) => w.trainable), ...this.weightList.filter((w) => !w.trainable)];
  }
  get trainableWeights(): Variable[] {
    return this.trainable ? this.layerWeights.filter((w) => w.trainable).map((w) => w.variable) : [];
  }
  get nonTrainableWeights(): Variable[] {
    return this.layerWeights.filter((w) => !w.trainable || !this.trainable).map((w) => w.variable);
  }
  get weights(): Variable[] { return this.layerWeights.map((w) => w.variable); }
  /** Keras weight names, e.g. 'dense_1/kernel:0'. */
  get weightNames(): string[] { return this.layerWeights.map((w) => `${this.name}/${w.name}:0`); }

  /** Snapshots of the current values (views that survive later updates), Keras order. */
  getWeights(): Tensor[] {
    return this.weights.map((v) => reshape(v, v.shape));
  }

  setWeights(values: readonly TensorLike[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new ValueError(`${this.name}: setWeights got ${values.length} arrays, the layer has ${ws.length} weights (${this.layerWeights.map((w) => w.name).join(', ') || 'none'})`);
    }
    ws.forEach((v, i) => {
      const t = tensor(values[i]!);
      const shaped = t.size === v.size && t.shape.length !== v.shape.length ? reshape(t, v.shape) : t;
      if (shaped.shape.join() !== v.shape.join()) {
        throw new ShapeError(`${this.name}: weight ${i} (${this.layerWeights[i]!.name}) has shape ${fmtShape(v.shape)}, got ${fmtShape(t.shape)}`);
      }
      v.assign(shaped.dtype === v.dtype ? shaped : tidy(() => reshape(tensor(values[i]!, undefined, v.dtype), v.shape)));
      if (shaped !== values[i]) shaped.dispose();
      if (t !== values[i] && t !== shaped) t.dispose();
    });
  }

  countParams(): number {
    return this.weights.reduce((n, v) => n + v.size, 0);
  }

  /** Weight penalties (W/b regularizers) as scalars, for the training loss. */
  regularizationLosses(): Tensor[] {
    return this.weightList.filter((w) => w.regularizer).map((w) => w.regularizer!.penalty(w.variable));
  }

  /** Applies each weight's constraint (after an optimizer update). */
  applyConstraints(): void {
    for (const w of this.weightList) if (w.constraint) w.variable.assign(tidy(() => w.constraint!.apply(w.variable)));
  }

  // ---- building and applying ----

  /** Builds once from the input shape; checks the shape against what the layer was built for. */
  ensureBuilt(inputShape: Shape | Shape[]): void {
    if (this.built) return;
    this.build(inputShape);
    this.built = true;
    if (this.initialWeights) {
      const given = this.initialWeights;
      tidy(() => this.setWeights(this.initialWeightsInKerasOrder(given)));
      this.initialWeights = null;
    }
  }

  /**
   * Keras's `layer(x)`: on symbolic tensors, adds a node to the graph and returns the output
   * placeholders (shape errors name this layer, its input layers and the shapes); on real
   * tensors, runs the layer at once (inference mode). Layers with several outputs return an
   * array (typed as one for the common case; use `applySymbolic` for the precise type).
   * `options` are Keras's call keyword arguments (recurrent layers' `initial_state`).
   */
  apply(inputs: SymbolicTensor | SymbolicTensor[], options?: Options): SymbolicTensor;
  apply(inputs: Tensor | Tensor[], options?: Options): Tensor;
  apply(inputs: LayerInput | LayerInput[], options?: Options): SymbolicTensor | Tensor;
  apply(given: LayerInput | LayerInput[], options?: Options): SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[] {
    const inputs = options === undefined ? given : this.foldCallOptions(given, options);
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.every((x) => x instanceof SymbolicTensor)) return this.applySymbolic(inputs as SymbolicTensor | SymbolicTensor[]);
    if (list.some((x) => x instanceof SymbolicTensor)) throw new ValueError(`${this.name}: cannot mix symbolic inputs and tensors`);
    const ts = inputs as Tensor | Tensor[];
    this.ensureBuilt(Array.isArray(ts) ? ts.map((t) => withNullBatch(t.shape)) : withNullBatch(ts.shape));
    return this.call(ts, { training: false });
  }

  /**
   * Keras's call keyword arguments folded into the inputs, as Keras 2 does for `initial_state`
   * (they become inputs of the node, so the graph and its config carry them). Layers that take
   * none refuse any.
   */
  protected foldCallOptions(inputs: LayerInput | LayerInput[], options: Options): LayerInput | LayerInput[] {
    parseOptions(`${this.name}.apply`, options, []);
    return inputs;
  }

  applySymbolic(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor | SymbolicTensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const inShape = Array.isArray(inputs) ? list.map((x) => x.shape) : list[0]!.shape;
    let outShape: Shape | Shape[];
    try {
      this.ensureBuilt(inShape);
      outShape = this.computeOutputShape(inShape);
    } catch (e) {
      if (!(e instanceof ShapeError || e instanceof ValueError)) throw e;
      const from = list.map((x) => `${x.layer.name} ${fmtShape(x.shape)}`).join(' and ');
      throw new ShapeError(`layer ${this.name} (${this.className}) cannot take the output of ${from}: ${e.message}`);
    }
    const node = new Node(this, list);
    this.inboundNodes.push(node);
    const shapes = Array.isArray(outShape[0]) || (Array.isArray(inputs) && outShape.length === 0) ? (outShape as Shape[]) : [outShape as Shape];
    const outs = shapes.map((s, i) => new SymbolicTensor(s, node, i));
    node.outputs.push(...outs);
    return outs.length === 1 && !Array.isArray(outShape[0]) ? outs[0]! : outs;
  }

  /** Runs call, then the activity regularizer (training only). */
  invoke(inputs: Tensor | Tensor[], args: CallArgs): Tensor | Tensor[] {
    const out = this.call(inputs, args);
    if (this.activityRegularizer && args.training && args.losses && !Array.isArray(out)) {
      // Keras 1 adds Σ over units of the batch mean, i.e. the batch's penalty over the batch size.
      args.losses.push(div(this.activityRegularizer.penalty(out), out.shape[0] ?? 1));
    }
    return out;
  }

  /**
   * Keras's `from_config`: the config's snake_case keys go through the alias table; keys the
   * class does not know are ignored with a warning (files come from other Keras versions).
   */
  static fromConfig<T extends Layer>(this: new (...args: never) => T, config: Record<string, unknown>, _customObjects?: Record<string, unknown>): T {
    const kept = knownConfig(this.name.replace(/Impl$/, ''), config, (this as unknown as typeof Layer).OPTIONS);
    return new (this as unknown as new (o: object) => T)(kept);
  }
}

// Keras spellings (`layer.get_weights()`, a subclass's `get_output_shape_for`), from the one table.
export interface Layer extends KerasSpelled<Layer, typeof KERAS_METHOD_NAMES.Layer, (typeof KERAS_OVERRIDES.Layer)[number]> {
  get_output_shape_for(inputShape: Shape | Shape[]): Shape | Shape[];
  compute_output_shape(inputShape: Shape | Shape[]): Shape | Shape[];
  compute_mask(inputs: Tensor | Tensor[], mask: Tensor | null | (Tensor | null)[] | undefined): Tensor | null | (Tensor | null)[];
  get_config(): Record<string, unknown>;
}
installKerasNames(Layer.prototype, KERAS_METHOD_NAMES.Layer);
guardKerasNames(Layer);

/**
 * The entries of a config that `owner` (with options `own`) reads: nulls (Keras's "not set") are
 * dropped, unknown keys dropped with a warning.
 */
export function knownConfig(owner: string, config: Record<string, unknown>, own: readonly string[]): Record<string, unknown> {
  const known = [...LAYER_KEYS, ...own];
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === null) continue;
    if (known.includes(canonicalKey(k, known))) kept[k] = v;
    else if (Object.hasOwn(OFF_ONLY, k)) {
      if (v !== OFF_ONLY[k]) throw new ValueError(`${owner} '${String(config.name)}': ${k}=${shortJSON(v)} is not supported (only ${shortJSON(OFF_ONLY[k])}); building the layer without it would compute something else`);
    } else if (!IGNORED_CONFIG_KEYS.has(k)) console.warn(`${owner}.fromConfig: ignoring unknown key '${k}'`);
  }
  return kept;
}

/**
 * Keras 2 options this library does not implement, with the value that switches each off: tf.keras
 * writes them into every config, so that value loads; any other is refused, never built differently.
 */
const OFF_ONLY: Readonly<Record<string, unknown>> = {
  ragged: false, return_state: false, time_major: false, reset_after: false, renorm: false, groups: 1, keepdims: false,
};

/**
 * Keys Keras writes that carry nothing we need when reading: types (a dtype or a dtype-policy
 * object: we compute in float32), BatchNormalization's implementation choice and its settings
 * for renormalisation, which OFF_ONLY keeps off.
 */
const IGNORED_CONFIG_KEYS = new Set(['dtype', 'input_dtype', 'fused', 'renorm_momentum', 'renorm_clipping']);

const withNullBatch = (s: readonly number[]): Shape => [null, ...s.slice(1)];

/** Keras's three equivalent ways to give the input shape, turned into a batch input shape. */
function inputShapeFromOptions(owner: string, o: Options, temporal: boolean): Shape | null {
  const batchInputShape = dims(owner, o, 'batchInputShape');
  if (batchInputShape) return batchInputShape;
  const batch = int(owner, o, 'batchSize', { min: 1, default: null });
  const inputShape = dims(owner, o, 'inputShape');
  if (inputShape) return [batch, ...inputShape];
  const dim = int(owner, o, 'inputDim', { min: 1, default: null });
  if (dim === null) return null;
  if (temporal || o.inputLength !== undefined) return [batch, int(owner, o, 'inputLength', { min: 1, default: null }), dim];
  return [batch, dim];
}
