import type { Layer } from '@kerasgpu/layers';
import type { Diagram, DiagramCluster, DiagramLayer } from './graph.js';

export type Rankdir = 'TB' | 'LR' | 'BT' | 'RL';
export const RANKDIRS: readonly Rankdir[] = ['TB', 'LR', 'BT', 'RL'];

export interface DotStyle {
  showShapes: boolean;
  showLayerNames: boolean;
  rankdir: Rankdir;
}

/**
 * Text inside a record label: braces, bars, angle brackets and backslashes are record syntax, so
 * they are escaped; a run of spaces would shrink to one, so its spaces are escaped too.
 */
const recordText = (s: string): string =>
  s.replace(/[\\{}|<>]/g, (c) => `\\${c}`).replace(/ {2,}/g, (run) => '\\ '.repeat(run.length));
/** A DOT string of text already in label syntax: only the quote needs escaping (DOT keeps every other backslash). */
const dotString = (s: string): string => `"${s.replace(/"/g, '\\"')}"`;
/** A DOT string of plain text (node ids, cluster titles): a backslash is a label escape, so it is doubled. */
const quoted = (s: string): string => dotString(s.replace(/\\/g, '\\\\'));

/** Keras 2's label: `name: ClassName`, plus the input/output table as one record with show_shapes. */
function label(d: DiagramLayer, style: DotStyle): string {
  const title = recordText(style.showLayerNames ? `${d.name}: ${d.className}` : d.className);
  if (!style.showShapes) return title;
  return `${title}|{input:|output:}|{{${recordText(d.inputShape)}}|{${recordText(d.outputShape)}}}`;
}

/** Node ids are layer names (readable in the DOT and the SVG titles); a repeated name gets a #n suffix. */
function nodeIds(layers: DiagramLayer[]): Map<Layer, string> {
  const ids = new Map<Layer, string>();
  const used = new Set<string>();
  for (const { layer } of layers) {
    let id = layer.name;
    for (let n = 2; used.has(id); n++) id = `${layer.name}#${n}`;
    used.add(id);
    ids.set(layer, id);
  }
  return ids;
}

/**
 * The DOT text Keras's model_to_dot builds with pydot (digraph G, rankdir, concentrate, record
 * nodes), with DejaVu Sans named everywhere so Graphviz measures the text with the metrics of
 * the font the PNG is drawn with.
 */
export function toDot(diagram: Diagram, style: DotStyle): string {
  const ids = nodeIds(diagram.layers);
  const byLayer = new Map(diagram.layers.map((d) => [d.layer, d]));
  const font = 'fontname="DejaVu Sans"';
  const lines = [
    'digraph G {',
    `  graph [rankdir=${style.rankdir}, concentrate=true, ${font}];`,
    `  node [shape=record, ${font}];`,
    `  edge [${font}];`,
  ];
  let clusterCount = 0;
  // Branches first: they feed their Merge, so the file then reads in layer order.
  const emit = (c: DiagramCluster, indent: string): void => {
    for (const sub of c.clusters) {
      // A Keras 1 Merge branch: its layers in a box titled like the branch model's own node.
      lines.push(`${indent}subgraph cluster_${clusterCount++} {`);
      lines.push(`${indent}  label=${quoted(style.showLayerNames ? `${sub.model.name}: ${sub.model.className}` : sub.model.className)};`);
      emit(sub, `${indent}  `);
      lines.push(`${indent}}`);
    }
    for (const l of c.layers) lines.push(`${indent}${quoted(ids.get(l)!)} [label=${dotString(label(byLayer.get(l)!, style))}];`);
  };
  emit(diagram.root, '  ');
  for (const [from, to] of diagram.edges) lines.push(`  ${quoted(ids.get(from)!)} -> ${quoted(ids.get(to)!)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
