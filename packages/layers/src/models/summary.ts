import { InputLayerImpl } from '../engine/input-layer.js';
import type { Layer } from '../engine/layer.js';
import { write } from '../utils/output.js';
import { fmtShape } from '../utils/shape.js';
import type { ModelImpl } from './model.js';

export interface SummaryOptions { lineLength?: number; positions?: number[]; printFn?: (line: string) => void }

/** Keras 1.2's print_summary: Layer (type) | Output Shape | Param # | Connected to, then the totals. */
export function summary(model: ModelImpl, options: SummaryOptions = {}): void {
  const lineLength = options.lineLength ?? 100;
  const positions = (options.positions ?? [0.33, 0.55, 0.67, 1]).map((p) => Math.floor(lineLength * p));
  const print = options.printFn ?? ((line: string) => write(`${line}\n`));
  const row = (fields: string[]) => {
    let line = '';
    fields.forEach((f, i) => {
      line += f;
      line = line.slice(0, positions[i]).padEnd(positions[i]!);
    });
    print(line.trimEnd());
  };
  print('_'.repeat(lineLength));
  row(['Layer (type)', 'Output Shape', 'Param #', 'Connected to']);
  print('='.repeat(lineLength));
  const layers: Layer[] = model.layers;
  layers.forEach((layer, i) => {
    const nodes = layer.inboundNodes.filter((n) => layer instanceof InputLayerImpl || n.inputs.every((t) => model.layers.includes(t.layer) || model.inputs.includes(t)));
    const shapes = nodes.flatMap((n) => n.outputs.map((t) => fmtShape(t.shape)));
    const connected = nodes.flatMap((n) => n.inputs.map((t) => `${t.layer.name}[${t.layer.inboundNodes.indexOf(t.node)}][${t.index}]`));
    row([`${layer.name} (${layer.className})`, shapes[0] ?? 'multiple', String(layer.countParams()), connected[0] ?? '']);
    for (const c of connected.slice(1)) row(['', '', '', c]);
    print(i === layers.length - 1 ? '='.repeat(lineLength) : '_'.repeat(lineLength));
  });
  const total = model.countParams();
  const trainable = model.trainableWeights.reduce((n, v) => n + v.size, 0);
  const fmt = (n: number) => n.toLocaleString('en-US');
  print(`Total params: ${fmt(total)}`);
  print(`Trainable params: ${fmt(trainable)}`);
  print(`Non-trainable params: ${fmt(total - trainable)}`);
  print('_'.repeat(lineLength));
}
