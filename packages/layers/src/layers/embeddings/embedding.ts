import { cast, dropout, gather, mul, nextKey, notEqual, ones, type Tensor, type Variable } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { getConstraint, type ConstraintId } from '../../constraints.js';
import { getRegularizer, type RegularizerId } from '../../regularizers.js';
import { positional } from '../../utils/args.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { initName, type LayerOptions } from '../core/kernel-options.js';
import { initializerConfig, type InitializerId } from '../../initializers.js';
import { registerLayer } from '../registry.js';

export interface EmbeddingOptions extends LayerOptions {
  inputDim?: number; outputDim?: number; embeddingsInitializer?: InitializerId; embeddingsRegularizer?: RegularizerId;
  embeddingsConstraint?: ConstraintId; maskZero?: boolean; dropout?: number;
}

/**
 * Integer indices [batch, inputLength] to vectors [batch, inputLength, outputDim]. `maskZero`
 * masks index 0 for the layers after it; Keras 1's `dropout` drops whole embedding rows in training.
 */
class EmbeddingImpl extends Layer {
  static override readonly OPTIONS = ['inputDim', 'outputDim', 'embeddingsInitializer', 'embeddingsRegularizer', 'activityRegularizer', 'embeddingsConstraint', 'maskZero', 'inputLength', 'dropout', 'kernelInitializer', 'kernelRegularizer', 'kernelConstraint'];
  static kerasName = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength: number | null;
  readonly dropoutRate: number;
  private readonly init: InitializerId;
  private readonly regularizer: RegularizerId | null;
  private readonly constraint: ConstraintId | null;
  embeddings: Variable | null = null;

  constructor(...args: [inputDim: number, outputDim: number, options?: EmbeddingOptions] | [options: EmbeddingOptions]) {
    const raw = positional('Embedding', args, ['inputDim', 'outputDim']);
    const o = Layer.parse('Embedding', raw, EmbeddingImpl.OPTIONS);
    const inputLength = (o.inputLength as number | undefined) ?? null;
    // inputDim is the vocabulary here, not a shape: the input shape is (inputLength,).
    super({ ...o, inputDim: undefined, inputShape: o.inputShape ?? (o.batchInputShape ? undefined : [inputLength]) });
    if (!(Number.isInteger(o.inputDim) && (o.inputDim as number) > 0)) throw new ValueError(`Embedding: inputDim (vocabulary size) must be a positive integer, got ${String(o.inputDim)}`);
    if (!(Number.isInteger(o.outputDim) && (o.outputDim as number) > 0)) throw new ValueError(`Embedding: outputDim must be a positive integer, got ${String(o.outputDim)}`);
    this.inputDim = o.inputDim as number;
    this.outputDim = o.outputDim as number;
    this.inputLength = inputLength;
    this.maskZero = (o.maskZero as boolean | undefined) ?? false;
    this.supportsMasking = this.maskZero;
    this.dropoutRate = (o.dropout as number | undefined) ?? 0;
    this.init = initName(o.embeddingsInitializer ?? o.kernelInitializer, 'uniform');
    this.regularizer = (o.embeddingsRegularizer ?? o.kernelRegularizer ?? null) as RegularizerId | null;
    this.constraint = (o.embeddingsConstraint ?? o.kernelConstraint ?? null) as ConstraintId | null;
    this.activityRegularizer = getRegularizer(o.activityRegularizer as RegularizerId);
  }

  override build(): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.init, 'uniform', {
      regularizer: getRegularizer(this.regularizer), constraint: getConstraint(this.constraint),
    });
  }

  override computeOutputShape(s: Shape): Shape {
    if (s.length !== 2) throw new ShapeError(`Embedding expects inputs of shape (batch, inputLength), got ${fmtShape(s)}`);
    return [...s, this.outputDim];
  }

  override computeMask(inputs: Tensor | Tensor[]): Tensor | null {
    return this.maskZero ? cast(notEqual(cast(inputs as Tensor, 'int32'), 0), 'float32') : null;
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    let w: Tensor = this.embeddings!;
    if (args.training && this.dropoutRate > 0) {
      const rowMask = dropout(ones([this.inputDim, 1]), this.dropoutRate, nextKey());
      w = mul(w, rowMask);
    }
    return gather(w, cast(inputs as Tensor, 'int32'), 0);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), input_dim: this.inputDim, output_dim: this.outputDim, embeddings_initializer: initializerConfig(typeof this.init === 'string' ? this.init : 'custom'),
      embeddings_regularizer: getRegularizer(this.regularizer)?.getConfig() ?? null, embeddings_constraint: getConstraint(this.constraint)?.getConfig() ?? null,
      mask_zero: this.maskZero, input_length: this.inputLength,
    };
  }
}
export const Embedding = registerLayer(EmbeddingImpl);
export type Embedding = EmbeddingImpl;
