import { registerLayer } from '../layers/registry.js';
import { ValueError } from '../utils/errors.js';
import { parseOptions } from '../utils/options.js';
import type { Shape } from '../utils/shape.js';
import { Layer } from './layer.js';
import { Node, SymbolicTensor } from './symbolic.js';
import { dims, int } from '../utils/option-readers.js';

/**
 * A dtype as a config gives it: a name, or a dtype-policy object (tf.keras's Policy, Keras 3's
 * DTypePolicy) naming one; a mixed policy keeps float32 variables, and so inputs.
 */
function dtypeName(v: unknown): string {
  const name = typeof v === 'object' && v !== null ? (v as { config?: { name?: unknown } }).config?.name : v;
  if (typeof name !== 'string') throw new ValueError(`InputLayer: dtype must be a name or a dtype policy {class_name, config: {name}}, got ${JSON.stringify(v)}`);
  return name.startsWith('mixed_') ? 'float32' : name;
}

/** The graph's entry point: holds the batch input shape and makes the first symbolic tensor. */
class InputLayerImpl extends Layer {
  static override readonly OPTIONS = ['inputShape', 'batchInputShape', 'batchSize', 'name', 'dtype', 'inputDtype', 'sparse', 'shape', 'batchShape', 'tensor'];
  static kerasName = 'InputLayer';
  readonly output: SymbolicTensor;
  readonly dtype: string;

  constructor(options: object = {}) {
    const o = parseOptions('InputLayer', options, InputLayerImpl.OPTIONS);
    // Keras 2 names (shape, batchShape) or the Layer-wide ones (inputShape, batchInputShape).
    const shape = dims('InputLayer', o, o.shape === undefined ? 'inputShape' : 'shape');
    const batchShape = dims('InputLayer', o, o.batchShape === undefined ? 'batchInputShape' : 'batchShape');
    const batchInputShape = batchShape ?? (shape && [int('InputLayer', o, 'batchSize', { min: 1, default: null }), ...shape]);
    if (!batchInputShape) throw new ValueError('Input: give `shape` (without the batch dimension) or `batchShape`');
    super({ name: o.name, batchInputShape });
    this.dtype = dtypeName(o.dtype ?? o.inputDtype ?? 'float32'); // Keras 1 configs say input_dtype
    this.built = true;
    const node = new Node(this, []);
    this.inboundNodes.push(node);
    this.output = new SymbolicTensor(batchInputShape, node, 0, this.dtype);
    node.outputs.push(this.output);
  }

  override getConfig(): Record<string, unknown> {
    return { batch_input_shape: this.batchInputShape, dtype: this.dtype, sparse: false, name: this.name };
  }
}
export const InputLayer = registerLayer(InputLayerImpl);
export type InputLayer = InputLayerImpl;
export { InputLayerImpl };

export interface InputOptions { shape?: Shape; batchShape?: Shape; name?: string; dtype?: string; [keras: string]: unknown }

/** Keras's `Input({shape: [784]})`: a symbolic tensor for the functional API. */
export function Input(options: InputOptions): SymbolicTensor {
  return new InputLayer(options).output;
}
