import { add, concat, div, gather, mul, reshape, tensor, type Tensor } from '@kerasgpu/core';
import { knownConfig, Layer, type LayerWeight } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { positional } from '../../utils/args.js';
import { canonicalKey } from '../../utils/options.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { Dense, type DenseOptions } from '../core/dense.js';
import type { LayerOptions } from '../core/kernel-options.js';
import { RNNBase } from '../recurrent/rnn-base.js';
import { deserializeLayer, registerLayer } from '../registry.js';
import { oneOf } from '../../utils/option-readers.js';

const isSpec = (v: unknown): v is { class_name: string; config: Record<string, unknown> } =>
  typeof v === 'object' && v !== null && typeof (v as { class_name?: unknown }).class_name === 'string';

/** A layer that owns another: its weights are the inner layer's. */
abstract class Wrapper extends Layer {
  readonly layer: Layer;
  constructor(layer: unknown, o: Record<string, unknown>) {
    super(o);
    if (!(layer instanceof Layer)) throw new ValueError(`${this.className}: expected a layer to wrap, got ${String(layer)}`);
    this.layer = layer;
  }
  /** Keras's Wrapper.from_config: the inner layer is built from its own `{class_name, config}` first. */
  static override fromConfig<T extends Layer>(this: new (...args: never) => T, config: Record<string, unknown>, customObjects: Record<string, unknown> = {}): T {
    const layer = isSpec(config.layer) ? deserializeLayer(config.layer, customObjects) : config.layer;
    return Layer.fromConfig.call(this, { ...config, layer }) as T;
  }
  override get layerWeights(): LayerWeight[] { return this.layer.layerWeights; }
  override regularizationLosses(): Tensor[] { return this.layer.regularizationLosses(); }
  override applyConstraints(): void { this.layer.applyConstraints(); }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: this.layer.serialize() };
  }
}

/** Applies the inner layer to every timestep: [batch, T, ...] → [batch, T, ...out]. */
class TimeDistributedImpl extends Wrapper {
  static override readonly OPTIONS = ['layer'];
  static kerasName = 'TimeDistributed';
  constructor(...args: [layer: Layer, options?: LayerOptions] | [options: LayerOptions & { layer: Layer }]) {
    const o = Layer.parse('TimeDistributed', positional('TimeDistributed', args, ['layer']), TimeDistributedImpl.OPTIONS);
    super(o.layer, o);
    // Keras: the timestep mask passes through (so a masked sequence's loss skips padded steps).
    this.supportsMasking = true;
  }
  override build(s: Shape): void {
    if (s.length < 3) throw new ShapeError(`TimeDistributed needs inputs of rank >= 3 (batch, timesteps, ...), got ${fmtShape(s)}`);
    this.layer.ensureBuilt([null, ...s.slice(2)]);
  }
  override computeOutputShape(s: Shape): Shape {
    const out = this.layer.computeOutputShape([null, ...s.slice(2)]) as Shape;
    return [s[0]!, s[1]!, ...out.slice(1)];
  }
  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = inputs as Tensor;
    const [b, t] = x.shape as [number, number];
    const y = this.layer.invoke(reshape(x, [b * t, ...x.shape.slice(2)]), { ...args, mask: null }) as Tensor;
    return reshape(y, [b, t, ...y.shape.slice(1)]);
  }
}

/** Options of the wrapper itself; the rest configure the Dense. */
const OUTER = new Set(['inputShape', 'batchInputShape', 'inputDim', 'inputLength', 'batchSize', 'name', 'trainable']);

/**
 * Keras 1's TimeDistributedDense(outputDim, opts) = TimeDistributed(Dense(outputDim, opts)); it
 * saves as the Keras 2 TimeDistributed(Dense) it is.
 */
class TimeDistributedDenseImpl extends TimeDistributedImpl {
  static override kerasName = 'TimeDistributed';
  constructor(...args: [outputDim: number, options?: DenseOptions] | [options: DenseOptions]) {
    const raw = Object.entries(positional('TimeDistributedDense', args, ['units']));
    const outer = raw.filter(([k]) => OUTER.has(canonicalKey(k)));
    super(new Dense(Object.fromEntries(raw.filter(([k]) => !OUTER.has(canonicalKey(k)))) as DenseOptions), Object.fromEntries(outer));
  }
  protected override get temporalInput(): boolean { return true; }
  /** A Keras 1 config: Dense's options (`output_dim`, `init`, `W_regularizer`, ...) and the layer's, in one dict. */
  static override fromConfig<T extends Layer>(this: new (...args: never) => T, config: Record<string, unknown>): T {
    return new (this as unknown as new (o: object) => T)(knownConfig('TimeDistributedDense', config, (Dense as unknown as typeof Layer).OPTIONS));
  }
}

/** x with `axis` reversed (a gather by descending indices). */
const reverse = (x: Tensor, axis: number) => gather(x, tensor(Int32Array.from({ length: x.shape[axis]! }, (_, i) => x.shape[axis]! - 1 - i)), axis);

const BIDIRECTIONAL_MODES = ['concat', 'sum', 'mul', 'ave'] as const;
export type BidirectionalMode = (typeof BIDIRECTIONAL_MODES)[number];

/**
 * Runs a recurrent layer forwards and a copy backwards, merging the two (concat by default).
 * With returnSequences the backward outputs are reversed back into time order. Weights: the
 * forward layer's, then the backward layer's.
 */
class BidirectionalImpl extends Wrapper {
  static override readonly OPTIONS = ['layer', 'mergeMode'];
  static kerasName = 'Bidirectional';
  readonly backward: RNNBase;
  readonly mergeMode: BidirectionalMode;
  constructor(...args: [layer: RNNBase, options?: LayerOptions & { mergeMode?: BidirectionalMode }] | [options: LayerOptions & { layer: RNNBase }]) {
    const o = Layer.parse('Bidirectional', positional('Bidirectional', args, ['layer']), BidirectionalImpl.OPTIONS);
    const fwd = o.layer;
    if (!(fwd instanceof RNNBase)) throw new ValueError('Bidirectional: wraps a recurrent layer (LSTM, GRU, SimpleRNN)');
    if (fwd.returnState) throw new ValueError(`Bidirectional: the wrapped ${fwd.name} has return_state, which Bidirectional does not support`);
    super(fwd, { ...o, batchInputShape: o.batchInputShape ?? fwd.batchInputShape ?? undefined });
    const cfg: Record<string, unknown> = { ...fwd.getConfig(), name: `backward_${fwd.name}`, go_backwards: !fwd.goBackwards };
    delete cfg.batch_input_shape;
    this.backward = (fwd.constructor as unknown as { fromConfig(c: Record<string, unknown>): RNNBase }).fromConfig(cfg);
    this.mergeMode = oneOf('Bidirectional', o, 'mergeMode', BIDIRECTIONAL_MODES, 'concat');
  }
  protected override get temporalInput(): boolean { return true; }
  override get layerWeights(): LayerWeight[] { return [...this.layer.layerWeights, ...this.backward.layerWeights]; }
  override regularizationLosses(): Tensor[] { return [...this.layer.regularizationLosses(), ...this.backward.regularizationLosses()]; }
  override applyConstraints(): void { this.layer.applyConstraints(); this.backward.applyConstraints(); }
  override build(s: Shape): void {
    this.layer.ensureBuilt(s);
    this.backward.ensureBuilt(s);
  }
  override computeOutputShape(s: Shape): Shape {
    const out = this.layer.computeOutputShape(s) as Shape;
    if (this.mergeMode !== 'concat') return out;
    const last = out[out.length - 1]!;
    return [...out.slice(0, -1), last * 2];
  }
  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const f = this.layer.invoke(inputs, args) as Tensor;
    let b = this.backward.invoke(inputs, args) as Tensor;
    if (this.backward.returnSequences) b = reverse(b, 1);
    switch (this.mergeMode) {
      case 'concat': return concat([f, b], -1 + f.rank);
      case 'sum': return add(f, b);
      case 'mul': return mul(f, b);
      case 'ave': return div(add(f, b), 2);
    }
  }
  override getConfig(): Record<string, unknown> { return { ...super.getConfig(), merge_mode: this.mergeMode }; }
}

export const TimeDistributed = registerLayer(TimeDistributedImpl);
export type TimeDistributed = TimeDistributedImpl;
export const TimeDistributedDense = registerLayer(TimeDistributedDenseImpl, 'TimeDistributedDense');
export type TimeDistributedDense = TimeDistributedDenseImpl;
export const Bidirectional = registerLayer(BidirectionalImpl);
export type Bidirectional = BidirectionalImpl;
