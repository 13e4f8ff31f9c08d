import { InputLayer, InputLayerImpl } from '../engine/input-layer.js';
import { Layer } from '../engine/layer.js';
import type { SymbolicTensor } from '../engine/symbolic.js';
import { registerLayer } from '../layers/registry.js';
import { ValueError } from '../utils/errors.js';
import { isOptions, type Options } from '../utils/options.js';
import { ModelImpl } from './model.js';
import { str } from '../utils/option-readers.js';

/** A layer that merges several whole models (Keras 1 `Merge([left, right])`). */
export interface BranchMerge {
  readonly branches: ModelImpl[] | null;
}
const isBranchMerge = (l: Layer): l is Layer & { branches: ModelImpl[] } =>
  Array.isArray((l as unknown as Partial<BranchMerge>).branches);

/** A linear stack of layers: `Sequential([...])` or `Sequential()` then `add(layer)`. */
class SequentialImpl extends ModelImpl {
  static kerasName = 'Sequential';
  constructor(layers?: Layer[] | Options, options?: Options) {
    const opts = isOptions(layers) ? layers : (options ?? {});
    super({ name: str('Sequential', opts, 'name') });
    if (Array.isArray(layers)) for (const l of layers) this.add(l);
  }

  /** Layers without the implicit input layer, as Keras's `model.layers`. */
  override get layers(): Layer[] {
    return this.allLayers.filter((l) => !(l instanceof InputLayerImpl) || this.allLayers.length === 1);
  }

  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new ValueError(`${this.name}.add: expected a Layer, got ${String(layer)}`);
    let inputs: SymbolicTensor[];
    let x: SymbolicTensor | SymbolicTensor[];
    if (this.outputs.length === 0) {
      if (layer instanceof InputLayerImpl) {
        this.setGraph([layer.output], [layer.output]);
        return;
      }
      if (isBranchMerge(layer)) {
        // Keras 1: the model's inputs are the branches' inputs, in order.
        inputs = layer.branches.flatMap((m) => m.inputs);
        x = layer.applySymbolic(layer.branches.map((m) => m.outputs[0]!));
      } else {
        const shape = layer.batchInputShape ?? (layer instanceof ModelImpl && layer.inputs[0] ? layer.inputs[0].shape : null);
        if (!shape) {
          throw new ValueError(`${this.name}: the first layer (${layer.name}) needs an input shape: pass inputShape, batchInputShape or inputDim`);
        }
        const input = new InputLayer({ batchInputShape: shape, name: `${layer.name}_input` });
        inputs = [input.output];
        x = layer.applySymbolic(input.output);
      }
    } else {
      if (this.outputs.length !== 1) throw new ValueError(`${this.name}: cannot add ${layer.name} after a layer with several outputs`);
      inputs = this.inputs;
      x = layer.applySymbolic(this.outputs[0]!);
    }
    const outs = Array.isArray(x) ? x : [x];
    if (outs.length !== 1) throw new ValueError(`${this.name}: layers in a Sequential model must have one output (${layer.name} has ${outs.length})`);
    this.setGraph(inputs, outs);
    this.compiled = null;
  }

  /** Removes the last layer. */
  pop(): void {
    const last = this.outputs[0];
    if (!last || this.layers.length === 0) throw new ValueError(`${this.name}: there are no layers to pop`);
    const prev = last.node.inputs;
    if (prev.length === 0 || prev[0]!.layer instanceof InputLayerImpl && this.layers.length === 1) {
      this.inputs = [];
      this.outputs = [];
      this.nodes = [];
      this.allLayers = [];
      return;
    }
    this.setGraph(this.inputs, [prev[0]!]);
  }

  /**
   * The layers as added (Keras's `Sequential.layers`): a first Merge of branch models stands for
   * the branches, whose own layers `layers` lists before it (as Keras's flattened_layers, the
   * order weights are saved in). Branches can nest, so the model's own merge is the last one.
   */
  private get stack(): Layer[] {
    const layers = this.layers;
    let merge = -1;
    layers.forEach((l, i) => { if (isBranchMerge(l)) merge = i; });
    return layers.slice(Math.max(0, merge));
  }

  /** Keras 2.2's dict form (the name survives); files get the 2.1.6 list from `serialize()`. */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, layers: this.stack.map((l) => l.serialize()) };
  }

  /**
   * Keras 2.1.6 (the keras_version our files claim) writes a Sequential config as the list of its
   * layers; a first Merge nests its branches' specs (legacy_get_config, as Keras 1).
   */
  override serialize(): { class_name: string; config: unknown } {
    return { class_name: this.className, config: this.stack.map((l) => l.serialize()) };
  }
}
export const Sequential = registerLayer(SequentialImpl);
export type Sequential = SequentialImpl;
export { SequentialImpl };
