import type { Tensor } from '@kerasgpu/core';
import { ValueError } from '../utils/errors.js';
import { installKerasNames, KERAS_METHOD_NAMES, type KerasSpelled } from '../utils/keras-names.js';
import type { Options } from '../utils/options.js';
import type { Shape } from '../utils/shape.js';
import { InputLayerImpl } from './input-layer.js';
import { Layer, type LayerWeight } from './layer.js';
import type { CallArgs, Node, SymbolicTensor } from './symbolic.js';

/**
 * A graph of layers from input placeholders to outputs (Keras's Container). It is itself a
 * Layer, so models nest. `execute` replays the nodes in topological order on real tensors.
 */
export class Container extends Layer {
  inputs: SymbolicTensor[] = [];
  outputs: SymbolicTensor[] = [];
  /** Nodes in execution order (input layers' nodes excluded). */
  protected nodes: Node[] = [];
  /** Every layer once, in order of first use, input layers included. */
  protected allLayers: Layer[] = [];

  constructor(options: Options = {}) {
    super(options);
  }

  protected setGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    const inputIds = new Set(inputs.map((t) => t.id));
    const visited = new Set<Node>();
    const order: Node[] = [];
    const visit = (t: SymbolicTensor, path: string[]): void => {
      const node = t.node;
      if (visited.has(node)) return;
      if (inputIds.has(t.id)) return;
      if (node.layer instanceof InputLayerImpl) {
        throw new ValueError(`Model: output ${outputs.map(String).join(', ')} depends on input ${node.layer.name}, which is not among the model's inputs (path: ${[...path, node.layer.name].join(' <- ')})`);
      }
      visited.add(node);
      for (const x of node.inputs) visit(x, [...path, node.layer.name]);
      order.push(node);
    };
    for (const o of outputs) visit(o, []);
    const layers: Layer[] = [];
    for (const t of inputs) if (!layers.includes(t.layer)) layers.push(t.layer);
    for (const n of order) if (!layers.includes(n.layer)) layers.push(n.layer);
    // Checked here, not at save time: a duplicate used to be found by HDF5 after hours of training.
    const names = new Set<string>();
    for (const l of layers) {
      if (names.has(l.name)) throw new ValueError(`${this.name}: all layer names should be unique; '${l.name}' is used by more than one layer`);
      names.add(l.name);
    }
    this.inputs = inputs;
    this.outputs = outputs;
    this.nodes = order;
    this.allLayers = layers;
    this.built = true;
  }

  override dispose(): void {
    super.dispose();
    for (const l of this.allLayers) l.dispose();
  }

  /** Layers in order; Sequential hides its input layer as Keras does. */
  get layers(): Layer[] { return this.allLayers; }

  getLayer(name: string): Layer {
    const l = this.allLayers.find((x) => x.name === name);
    if (!l) throw new ValueError(`${this.name}: no layer named '${name}' (layers: ${this.allLayers.map((x) => x.name).join(', ')})`);
    return l;
  }

  /**
   * Keras's Model.reset_states: zeroes the states of every stateful layer, nested models included
   * (for a stateful LSTM stack between independent sequences).
   */
  resetStates(): void {
    for (const l of this.allLayers) {
      const s = l as Layer & { stateful?: boolean; resetStates?: () => void };
      if (l instanceof Container) l.resetStates();
      else if (s.stateful === true && typeof s.resetStates === 'function') s.resetStates();
    }
  }

  /** @internal the nodes in execution order */
  get graphNodes(): readonly Node[] { return this.nodes; }

  override get layerWeights(): LayerWeight[] {
    const seen = new Set<LayerWeight['variable']>();
    const out: LayerWeight[] = [];
    for (const l of this.allLayers) for (const w of l.layerWeights) if (!seen.has(w.variable)) { seen.add(w.variable); out.push(w); }
    return out;
  }
  /** Each weight under its own layer's name ('dense_1/kernel:0'), in `layerWeights` order. */
  override get weightNames(): string[] {
    const seen = new Set<LayerWeight['variable']>();
    return this.allLayers.flatMap((l) => {
      const names = l.weightNames;
      return l.layerWeights.flatMap((w, i) => (seen.has(w.variable) ? [] : (seen.add(w.variable), [names[i]!])));
    });
  }
  override get trainableWeights() {
    if (!this.trainable) return [];
    return unique(this.allLayers.flatMap((l) => l.trainableWeights));
  }
  override get nonTrainableWeights() {
    if (!this.trainable) return this.weights;
    return unique(this.allLayers.flatMap((l) => l.nonTrainableWeights));
  }
  override regularizationLosses(): Tensor[] { return this.allLayers.flatMap((l) => l.regularizationLosses()); }
  override applyConstraints(): void { for (const l of this.allLayers) l.applyConstraints(); }

  override computeOutputShape(_inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.outputs.length === 1 ? this.outputs[0]!.shape : this.outputs.map((o) => o.shape);
  }

  override call(inputs: Tensor | Tensor[], args: CallArgs): Tensor | Tensor[] {
    const out = this.execute(Array.isArray(inputs) ? inputs : [inputs], args);
    return out.length === 1 ? out[0]! : out;
  }

  /** Runs the graph on real tensors (one per input), returning one tensor per output. */
  execute(xs: readonly Tensor[], args: CallArgs): Tensor[] {
    return this.executeWithMasks(xs, args).outputs;
  }

  /** `execute`, with each output's mask (null where none): training weights the loss by it. */
  executeWithMasks(xs: readonly Tensor[], args: CallArgs): { outputs: Tensor[]; masks: (Tensor | null)[] } {
    if (xs.length !== this.inputs.length) {
      throw new ValueError(`${this.name}: expected ${this.inputs.length} input array(s), got ${xs.length}`);
    }
    const values = new Map<number, Tensor>();
    const masks = new Map<number, Tensor | null>();
    this.inputs.forEach((t, i) => values.set(t.id, xs[i]!));
    for (const node of this.nodes) {
      const ins = node.inputs.map((t) => values.get(t.id)!);
      const inMasks = node.inputs.map((t) => masks.get(t.id) ?? null);
      const single = node.inputs.length === 1;
      const x = single ? ins[0]! : ins;
      const mask = single ? inMasks[0]! : inMasks.some((m) => m) ? inMasks : null;
      const out = node.layer.invoke(x, { ...args, mask });
      const outMask = node.layer.computeMask(x, mask);
      const outs = Array.isArray(out) ? out : [out];
      node.outputs.forEach((t, i) => {
        values.set(t.id, outs[i]!);
        masks.set(t.id, Array.isArray(outMask) ? (outMask[i] ?? null) : outMask);
      });
    }
    return { outputs: this.outputs.map((t) => values.get(t.id)!), masks: this.outputs.map((t) => masks.get(t.id) ?? null) };
  }

  override getConfig(): Record<string, unknown> {
    const ref = (t: SymbolicTensor) => [t.layer.name, t.layer.inboundNodes.indexOf(t.node), t.index, {}];
    return {
      name: this.name,
      layers: this.allLayers.map((l) => ({
        name: l.name,
        ...l.serialize(),
        inbound_nodes: l.inboundNodes
          .filter((n) => n.inputs.length > 0 && (n.inputs.every((t) => this.allLayers.includes(t.layer))))
          .map((n) => n.inputs.map(ref)),
      })),
      input_layers: this.inputs.map((t) => [t.layer.name, t.layer.inboundNodes.indexOf(t.node), t.index]),
      output_layers: this.outputs.map((t) => [t.layer.name, t.layer.inboundNodes.indexOf(t.node), t.index]),
    };
  }
}

export interface Container extends KerasSpelled<Container, typeof KERAS_METHOD_NAMES.Container> {}
installKerasNames(Container.prototype, KERAS_METHOD_NAMES.Container);

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
