import { cast, dropout, gather, mul, nextKey, notEqual, ones, type Tensor, type Variable } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { CallArgs } from '../../engine/symbolic.js';
import { constraintOption, type Constraint, type ConstraintId } from '../../constraints.js';
import { regularizerOption, type Regularizer, type RegularizerId } from '../../regularizers.js';
import { positional } from '../../utils/args.js';
import { ShapeError } from '../../utils/errors.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { initName, type LayerOptions } from '../core/kernel-options.js';
import { initializerConfig, type InitializerId } from '../../initializers.js';
import { registerLayer } from '../registry.js';
import { bool, fraction, int } from '../../utils/option-readers.js';

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
  private readonly regularizer: Regularizer | null;
  private readonly constraint: Constraint | null;
  embeddings: Variable | null = null;

  constructor(...args: [inputDim: number, outputDim: number, options?: EmbeddingOptions] | [options: EmbeddingOptions]) {
    const raw = positional('Embedding', args, ['inputDim', 'outputDim']);
    const o = Layer.parse('Embedding', raw, EmbeddingImpl.OPTIONS);
    const inputLength = int('Embedding', o, 'inputLength', { min: 1, default: null });
    // inputDim is the vocabulary here, not a shape: the input shape is (inputLength,).
    super({ ...o, inputDim: undefined, inputShape: o.inputShape ?? (o.batchInputShape ? undefined : [inputLength]) });
    this.inputDim = int('Embedding', o, 'inputDim', { min: 1, label: 'inputDim (vocabulary size)' });
    this.outputDim = int('Embedding', o, 'outputDim', { min: 1 });
    this.inputLength = inputLength;
    this.maskZero = bool('Embedding', o, 'maskZero', false);
    this.supportsMasking = this.maskZero;
    this.dropoutRate = fraction('Embedding', o, 'dropout', { default: 0 });
    this.init = initName(o.embeddingsInitializer ?? o.kernelInitializer, 'uniform');
    // Keras 1 configs name them kernel_*.
    this.regularizer = regularizerOption('Embedding', o, (o.embeddingsRegularizer ?? null) === null ? 'kernelRegularizer' : 'embeddingsRegularizer');
    this.constraint = constraintOption('Embedding', o, (o.embeddingsConstraint ?? null) === null ? 'kernelConstraint' : 'embeddingsConstraint');
    this.activityRegularizer = regularizerOption('Embedding', o, 'activityRegularizer');
  }

  override build(): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.init, 'uniform', {
      regularizer: this.regularizer, constraint: this.constraint,
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
      embeddings_regularizer: this.regularizer?.getConfig() ?? null, embeddings_constraint: this.constraint?.getConfig() ?? null,
      mask_zero: this.maskZero, input_length: this.inputLength,
    };
  }
}
export const Embedding = registerLayer(EmbeddingImpl);
export type Embedding = EmbeddingImpl;
