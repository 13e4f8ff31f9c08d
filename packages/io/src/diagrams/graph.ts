import { Container, Layer, Merge, ValueError, type Node, type SymbolicTensor } from '@kerasgpu/layers';

type Dim = number | null;
type Shape = readonly Dim[];

/** One box of the diagram: a layer of the model, with what Keras prints for it. */
export interface DiagramLayer {
  layer: Layer;
  /** Keras 2's `name: ClassName`, wrappers as `name(inner): Wrapper(Inner)`; the name part is left out without names. */
  name: string;
  className: string;
  /** Python's repr of the input / output shape(s), or 'multiple' when the layer's nodes disagree (as Keras). */
  inputShape: string;
  outputShape: string;
}

/** A Keras 1 `Merge([branchA, branchB])` branch: its layers are drawn inside a box named after the branch model. */
export interface DiagramCluster {
  model: Container;
  layers: Layer[];
  clusters: DiagramCluster[];
}

export interface Diagram {
  layers: DiagramLayer[];
  /** One edge per connection (inbound tensor → layer), in the order Keras adds them. */
  edges: [from: Layer, to: Layer][];
  /** Top-level grouping: layers outside any Merge branch, then one cluster per branch. */
  root: DiagramCluster;
}

/** Python's repr of a shape tuple: (None, 32), (None,), (). */
export const pyShape = (s: Shape): string =>
  `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;

/** A shape list as Keras's layer.input_shape / output_shape: one tuple, or a list of tuples for several tensors. */
const pyShapes = (ss: Shape[]): string => (ss.length === 1 ? pyShape(ss[0]!) : `[${ss.map(pyShape).join(', ')}]`);

/** Keras's rule: the same value over all of the layer's nodes, else 'multiple'. */
const agreed = (values: string[]): string => (values.length > 0 && values.every((v) => v === values[0]) ? values[0]! : 'multiple');

/** The layers in a container's graph, input layers first, then in execution order (Keras's model.layers). */
function graphLayers(model: Container): Layer[] {
  const out: Layer[] = [];
  for (const t of model.inputs) if (!out.includes(t.layer)) out.push(t.layer);
  for (const n of model.graphNodes) if (!out.includes(n.layer)) out.push(n.layer);
  return out;
}

/** The nodes of a model's graph: the input tensors' nodes and every node it executes. */
const graphNodeSet = (model: Container): Set<Node> =>
  new Set<Node>([...model.inputs.map((t: SymbolicTensor) => t.node), ...model.graphNodes]);

/** Wrappers (TimeDistributed, Bidirectional) hold their inner layer as `layer`. */
const innerLayer = (l: Layer): Layer | null => {
  const inner = (l as { layer?: unknown }).layer;
  return inner instanceof Layer ? inner : null;
};

function describe(layer: Layer, nodes: Node[]): DiagramLayer {
  const inner = innerLayer(layer);
  const inputs = nodes.map((n) => pyShapes(n.inputs.length > 0 ? n.inputs.map((t) => t.shape) : n.outputs.map((t) => t.shape)));
  const outputs = nodes.map((n) => pyShapes(n.outputs.map((t) => t.shape)));
  return {
    layer,
    name: inner ? `${layer.name}(${inner.name})` : layer.name,
    className: inner ? `${layer.className}(${inner.className})` : layer.className,
    inputShape: agreed(inputs),
    outputShape: agreed(outputs),
  };
}

/**
 * The Sequential branches that Keras 1 Merge layers in this graph take, each with its own layers
 * and sub-branches. A branch that itself starts with a Merge shows up among the merges at every
 * level above it, so it is kept only in the innermost branch that holds it.
 */
function clusterOf(model: Container, layers: Layer[]): DiagramCluster {
  const inGraph = new Set(layers);
  const candidates = layers
    .flatMap((l) => (l instanceof Merge && l.branches ? l.branches : []))
    .map((b) => clusterOf(b, graphLayers(b).filter((l) => inGraph.has(l))));
  const nested = new Set(candidates.flatMap((c) => subClusters(c).map((d) => d.model)));
  const clusters = candidates.filter((c) => !nested.has(c.model));
  const claimed = new Set(clusters.flatMap(allLayers));
  return { model, layers: layers.filter((l) => !claimed.has(l)), clusters };
}
const subClusters = (c: DiagramCluster): DiagramCluster[] => c.clusters.flatMap((d) => [d, ...subClusters(d)]);
const allLayers = (c: DiagramCluster): Layer[] => [...c.layers, ...c.clusters.flatMap(allLayers)];

/**
 * What Keras's model_to_dot walks: every layer of the model's graph (a Sequential's implicit
 * input layer included, as Keras draws it) and, for each of the layer's nodes that belong to
 * this model, an edge from every inbound layer. A model used as a layer is one box.
 */
export function diagramOf(model: Container): Diagram {
  if (!(model instanceof Container)) throw new ValueError(`modelToDot: expected a Model or Sequential, got ${String(model)}`);
  const layers = graphLayers(model);
  if (layers.length === 0) throw new ValueError(`modelToDot: model ${model.name} has no layers to draw`);
  const inModel = graphNodeSet(model);
  const nodesOf = (l: Layer) => l.inboundNodes.filter((n) => inModel.has(n));
  return {
    layers: layers.map((l) => describe(l, nodesOf(l))),
    edges: layers.flatMap((l) => nodesOf(l).flatMap((n) => n.inputs.map((t): [Layer, Layer] => [t.layer, l]))),
    root: clusterOf(model, layers),
  };
}
