import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Dense, Sequential } from '@kerasgpu/layers';
import { modelToDot, plot, plotModel, plot_model } from '@kerasgpu/io';
import { describe, expect, it } from 'vitest';
import { multiInputOutput, twoBranchMerge, vggLike } from './diagrams/models.js';
import { parsePngHeader, parseSvg } from './diagrams/parse.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
const names = (model: { inputs: { layer: { name: string } }[]; layers: { name: string }[] }) =>
  [...new Set([...model.inputs.map((t) => t.layer.name), ...model.layers.map((l) => l.name)])];

describe('rendering with Graphviz (WebAssembly) and resvg, no system install', () => {
  const vgg = vggLike();

  it("the spec's SVG(model_to_dot(model).create(prog='dot', format='svg')): one SVG node per layer, the chain of edges", async () => {
    const svg = await modelToDot(vgg).create({ prog: 'dot', format: 'svg' });
    const parsed = parseSvg(svg);
    const layers = names(vgg);
    expect(parsed.nodes).toEqual(layers);
    expect(parsed.edges).toEqual(layers.slice(1).map((n, i) => [layers[i], n]));
    expect(parsed.texts).toContain(`${layers[1]}: Conv2D`);
    expect(parsed.heightPt).toBeGreaterThan(parsed.widthPt); // top to bottom
    const lr = parseSvg(await modelToDot(vgg, { rankdir: 'LR' }).create());
    expect(lr.widthPt).toBeGreaterThan(lr.heightPt);
  });

  it("the spec's plot(model, show_shapes=True, to_file='model.png'): a PNG of Graphviz's size at 96 dpi", async () => {
    const file = join(dir, 'model.png');
    await plot(vgg, { show_shapes: true, to_file: file });
    const png = new Uint8Array(await readFile(file));
    const header = parsePngHeader(png);
    const svg = parseSvg(await modelToDot(vgg, { showShapes: true }).create({ format: 'svg' }));
    expect(header.width).toBeCloseTo((svg.widthPt * 96) / 72, -0.5);
    expect(header.height).toBeCloseTo((svg.heightPt * 96) / 72, -0.5);
    expect(svg.texts).toContain('(None, 98, 98, 32)');
    expect(svg.texts).toContain('input:');
  });

  it('plotModel picks the format by extension (none: PNG, as Keras) and dpi scales the PNG', async () => {
    const model = Sequential([Dense(4, { input_dim: 3 })]);
    await plotModel(model, { toFile: join(dir, 'm.svg') });
    const svg = await readFile(join(dir, 'm.svg'), 'utf8');
    expect(parseSvg(svg).nodes).toEqual(names(model));
    await plot_model(model, { to_file: join(dir, 'noext'), show_shapes: true });
    const base = parsePngHeader(new Uint8Array(await readFile(join(dir, 'noext'))));
    await plotModel(model, { toFile: join(dir, 'big.PNG'), showShapes: true, dpi: 192 });
    const big = parsePngHeader(new Uint8Array(await readFile(join(dir, 'big.PNG'))));
    expect(base.width).toBeGreaterThan(0);
    expect(base.height).toBeGreaterThan(0);
    expect(Math.abs(big.width - 2 * base.width)).toBeLessThanOrEqual(1);
    expect(Math.abs(big.height - 2 * base.height)).toBeLessThanOrEqual(1);
  });

  it('the two-branch Merge model: one node per layer, each branch a titled cluster, both branches into the merge', async () => {
    const { model, left, right } = twoBranchMerge();
    const parsed = parseSvg(await modelToDot(model, { showShapes: true }).create({ prog: 'dot', format: 'svg' }));
    expect(parsed.nodes.sort()).toEqual(names(model).sort());
    expect(parsed.clusters).toHaveLength(2);
    expect(parsed.texts).toEqual(expect.arrayContaining([`${left.name}: Sequential`, `${right.name}: Sequential`, '[(None, 32), (None, 32)]']));
    const merge = model.layers.find((l) => l.className === 'Merge')!.name;
    expect(parsed.edges.filter(([, to]) => to === merge).map(([from]) => from).sort()).toEqual([left.layers[0]!.name, right.layers[0]!.name].sort());
    const png = await modelToDot(model, { showShapes: true }).create({ format: 'png' });
    expect(parsePngHeader(png).width).toBeGreaterThan(parsePngHeader(png).height); // two branches side by side
  });

  it('a multi-input, multi-output model: every connection is drawn, fan-out included', async () => {
    const model = multiInputOutput();
    const parsed = parseSvg(await modelToDot(model).create({ format: 'svg' }));
    expect(parsed.nodes.sort()).toEqual(names(model).sort());
    const emb = model.layers.find((l) => l.className === 'Embedding')!.name;
    expect(parsed.edges.map((e) => e.join('->')).sort()).toEqual([
      `main_input->${emb}`, `${emb}->lstm`, 'lstm->aux_output', 'lstm->merged', 'aux_input->merged', 'merged->hidden', 'hidden->main_output',
    ].sort());
  });

  it('names with record syntax, quotes, backslashes and runs of spaces render literally', async () => {
    const name = 'a{b}|<c>  "d"\\';
    const parsed = parseSvg(await modelToDot(Sequential([Dense(2, { input_dim: 2, name })])).create());
    expect(parsed.texts.map((t) => t.replace(/\u00a0/g, ' '))).toEqual([`${name}_input: InputLayer`, `${name}: Dense`]);
    expect(parsed.edges).toHaveLength(1);
  });

  it("Keras's positional to_file: plot(model, 'model.png') writes what plot(model, {to_file}) writes", async () => {
    const model = Sequential([Dense(2, { input_dim: 3 }), Dense(1)]);
    await plot(model, join(dir, 'positional.png'));
    await plot(model, { to_file: join(dir, 'keyword.png') });
    expect(await readFile(join(dir, 'positional.png'))).toEqual(await readFile(join(dir, 'keyword.png')));
    await plot(model, join(dir, 'shapes.svg'), { show_shapes: true });
    expect(parseSvg(await readFile(join(dir, 'shapes.svg'), 'utf8')).texts).toContain('(None, 3)');
    await expect(plot(model, 'a.png', { to_file: 'b.png' } as never)).rejects.toThrow(/to_file given both positionally \('a.png'\) and as an option \('b.png'\)/);
  });

  it('unknown formats, engines and extensions are errors that list what works', async () => {
    const dot = modelToDot(Sequential([Dense(2, { input_dim: 2 })]));
    await expect(dot.create({ format: 'gif' as 'svg' })).rejects.toThrow(/unknown format 'gif' \(known: svg, png\)/);
    await expect(dot.create({ prog: 'dott' })).rejects.toThrow(/unknown prog 'dott' \(known: [^)]*\bdot\b/);
    await expect(dot.create({ format: 'png', dpi: 0 })).rejects.toThrow(/dpi must be a positive number/);
    await expect(plotModel(Sequential([Dense(2, { input_dim: 2 })]), { toFile: join(dir, 'x.jpg') })).rejects.toThrow(/\.svg, \.png/);
    await expect(plotModel(Sequential([Dense(2, { input_dim: 2 })]), { tofile: 'x.png' })).rejects.toThrow(/did you mean 'toFile'/);
  });
});
