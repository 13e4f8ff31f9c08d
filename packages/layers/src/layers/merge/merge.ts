import { add, concat, div, maximum, mul, reshape, sqrt, sum, type Tensor } from '@kerasgpu/core';
import { Layer } from '../../engine/layer.js';
import type { SymbolicTensor } from '../../engine/symbolic.js';
import { ModelImpl } from '../../models/model.js';
import type { Callable } from '../../utils/callable.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import { isOptions } from '../../utils/options.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import type { LayerOptions } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { int, oneOf } from '../../utils/option-readers.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | 'max' | 'dot' | 'cos';
export interface MergeOptions extends LayerOptions { mode?: MergeMode; concatAxis?: number; dotAxes?: number | number[]; normalize?: boolean }
const MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave', 'max', 'dot', 'cos'];

const l2n = (x: Tensor, axis: number) => div(x, sqrt(maximum(sum(mul(x, x), axis, true), 1e-12)));

/**
 * Merges several tensors by one mode. Keras 1 `Merge([left, right], {mode})` takes whole models
 * (a Sequential then starts with it); Keras 2's Concatenate / Add / Multiply / Average / Maximum /
 * Dot are this layer with a fixed mode. 'dot' and 'cos' take two 2-D inputs and give (batch, 1).
 */
class MergeImpl extends Layer {
  static override readonly OPTIONS = ['mode', 'concatAxis', 'dotAxes', 'normalize', 'outputShape', 'outputMask', 'arguments', 'axis', 'axes', 'modeType', 'outputShapeType', 'outputMaskType', 'layers'];
  static kerasName = 'Merge';
  readonly mode: MergeMode;
  readonly concatAxis: number;
  readonly dotAxes: number;
  /** Keras 1 branch models, or null for a merge of tensors. */
  readonly branches: ModelImpl[] | null;

  constructor(...args: [layers: Layer[], options?: MergeOptions] | [options?: MergeOptions]) {
    const first = args[0];
    const positional = Array.isArray(first) ? first : null;
    const raw = (positional ? args[1] : first) ?? {};
    if (!isOptions(raw)) throw new ValueError('Merge: expected (layers, options) or (options)');
    const o = Layer.parse('Merge', raw, MergeImpl.OPTIONS);
    super(o);
    // A config's `layers` holds the branch models the loader built from their nested configs (Keras's legacy_from_config).
    const layers: unknown[] | null = positional ?? (Array.isArray(o.layers) ? o.layers : null);
    this.mode = oneOf('Merge', o, 'mode', MODES, 'sum');
    // Keras 2 configs say axis / axes; dot axes may be a pair, of which the first is used.
    this.concatAxis = int('Merge', o, o.concatAxis === undefined ? 'axis' : 'concatAxis', { default: -1 });
    const dotKey = o.dotAxes === undefined ? 'axes' : 'dotAxes';
    const da = o[dotKey];
    this.dotAxes = int('Merge', Array.isArray(da) ? { [dotKey]: da[0] } : o, dotKey, { default: -1 });
    if (layers) {
      if (layers.length < 2) throw new ValueError(`Merge: needs at least 2 layers, got ${layers.length}`);
      const notModel = layers.find((l) => !(l instanceof ModelImpl));
      if (notModel) {
        const what = notModel instanceof Layer ? notModel.name : `${typeof notModel} ${JSON.stringify(notModel)?.slice(0, 60)} (a nested config is built by modelFromJSON / loadModel)`;
        throw new ValueError(`Merge: branch ${what} must be a model (e.g. a Sequential); merge layer outputs with the functional API instead`);
      }
      this.branches = layers as ModelImpl[];
    } else {
      this.branches = null;
    }
  }

  override computeOutputShape(shapes: Shape | Shape[]): Shape {
    if (!Array.isArray(shapes[0])) throw new ShapeError(`${this.className} needs a list of at least 2 inputs`);
    const ss = shapes as Shape[];
    if (ss.length < 2) throw new ShapeError(`${this.className} needs at least 2 inputs, got ${ss.length}`);
    const desc = ss.map(fmtShape).join(', ');
    if (this.mode === 'concat') {
      const r = ss[0]!.length;
      const ax = this.concatAxis < 0 ? r + this.concatAxis : this.concatAxis;
      // An unknown (null) size matches any size, as in Keras; the output keeps the known one.
      const ok = ss.every((s) => s.length === r && s.every((d, i) => i === ax || i === 0 || d === null || ss[0]![i] === null || d === ss[0]![i]));
      if (!ok) throw new ShapeError(`${this.className} (concat along axis ${this.concatAxis}) needs matching shapes except on that axis, got ${desc}`);
      const out = ss[0]!.map((d, i) => d ?? ss.find((s) => s[i] !== null)?.[i] ?? null);
      out[ax] = ss.some((s) => s[ax] === null) ? null : ss.reduce((n, s) => n + (s[ax] as number), 0);
      return out;
    }
    if (this.mode === 'dot' || this.mode === 'cos') {
      if (ss.length !== 2 || ss.some((s) => s.length !== 2) || ss[0]![1] !== ss[1]![1]) throw new ShapeError(`${this.className} (${this.mode}) needs two 2-D inputs of equal width, got ${desc}`);
      return [ss[0]![0]!, 1];
    }
    if (!ss.every((s) => fmtShape(s.slice(1)) === fmtShape(ss[0]!.slice(1)))) throw new ShapeError(`${this.className} (${this.mode}) needs inputs of one shape, got ${desc}`);
    return ss[0]!;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const xs = inputs as Tensor[];
    switch (this.mode) {
      case 'concat': return concat(xs, this.concatAxis < 0 ? xs[0]!.rank + this.concatAxis : this.concatAxis);
      case 'sum': return xs.reduce((a, b) => add(a, b));
      case 'mul': return xs.reduce((a, b) => mul(a, b));
      case 'ave': return div(xs.reduce((a, b) => add(a, b)), xs.length);
      case 'max': return xs.reduce((a, b) => maximum(a, b));
      case 'dot': return reshape(sum(mul(xs[0]!, xs[1]!), -1), [-1, 1]);
      case 'cos': return reshape(sum(mul(l2n(xs[0]!, -1), l2n(xs[1]!, -1)), -1), [-1, 1]);
    }
  }

  /** The config every Keras layer writes (name, trainable, input shape): what Keras 2's merge layers start from. */
  protected layerConfig(): Record<string, unknown> {
    return super.getConfig();
  }

  /**
   * Keras 1's Merge.get_config, key for key (it writes no `trainable`). A merge of branch models
   * nests each branch's spec under `layers`, as Keras 1 and 2's Sequential.legacy_get_config do.
   */
  override getConfig(): Record<string, unknown> {
    const config = {
      name: this.name, mode: this.mode, mode_type: 'raw', concat_axis: this.concatAxis, dot_axes: this.dotAxes,
      output_shape: null, output_shape_type: 'raw', output_mask: null, output_mask_type: 'raw', arguments: {},
    };
    return this.branches ? { ...config, layers: this.branches.map((b) => b.serialize()) } : config;
  }
}

/** Keras 2 merge layers: one fixed mode each, config in Keras 2 form. */
const fixed = (name: string, mode: MergeMode, configKeys: (l: MergeImpl) => Record<string, unknown>): Callable<new (options?: MergeOptions) => MergeImpl> => {
  class Fixed extends MergeImpl {
    static override kerasName = name;
    constructor(options: MergeOptions = {}) { super({ ...options, mode }); }
    override getConfig(): Record<string, unknown> {
      return { ...this.layerConfig(), ...configKeys(this) };
    }
  }
  Object.defineProperty(Fixed, 'name', { value: name });
  return registerLayer(Fixed);
};
export const Concatenate = fixed('Concatenate', 'concat', (l) => ({ axis: l.concatAxis }));
export const Add = fixed('Add', 'sum', () => ({}));
export const Multiply = fixed('Multiply', 'mul', () => ({}));
export const Average = fixed('Average', 'ave', () => ({}));
export const Maximum = fixed('Maximum', 'max', () => ({}));
export const Dot = fixed('Dot', 'dot', (l) => ({ axes: l.dotAxes, normalize: false }));

export const Merge = registerLayer(MergeImpl);
export type Merge = MergeImpl;
export { MergeImpl };

/** Keras 1's functional `merge([a, b], {mode})` on symbolic tensors. */
export function merge(inputs: SymbolicTensor[], options: MergeOptions = {}): SymbolicTensor {
  return new Merge(options).applySymbolic(inputs) as SymbolicTensor;
}
/** Keras 2's functional helpers. */
export const concatenate = (inputs: SymbolicTensor[], options: MergeOptions & { axis?: number } = {}) => new Concatenate(options).applySymbolic(inputs) as SymbolicTensor;
