import { Activation, Bidirectional, Dense, Input, LSTM, Merge, Model, Sequential, TimeDistributed, ValueError, concatenate } from '@kerasgpu/layers';
import { modelToDot, model_to_dot } from '@kerasgpu/io';
import { describe, expect, it } from 'vitest';
import { multiInputOutput, twoBranchMerge, vggLike } from './diagrams/models.js';

/** The `"id" [label="..."]` statements of a DOT text, id → label (DOT string escapes undone). */
const labels = (dot: string): Map<string, string> =>
  new Map([...dot.matchAll(/^\s*"((?:[^"\\]|\\.)*)" \[label="((?:[^"\\]|\\.)*)"\];$/gm)].map((m) => [m[1]!, m[2]!.replace(/\\(["\\])/g, '$1')]));
const edges = (dot: string): string[] => [...dot.matchAll(/^ {2}"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)";$/gm)].map((m) => `${m[1]}->${m[2]}`);

describe('modelToDot: DOT text as Keras draws it', () => {
  const vgg = vggLike(); // built once: its 30976x256 Dense takes a second to initialise
  it('a Sequential with shapes gives exactly Keras 2 model_to_dot(show_shapes=True), its input layer included', () => {
    const model = Sequential([Dense(32, { input_dim: 784, name: 'd1' }), Activation('relu', { name: 'a1' }), Dense(10, { name: 'out' })]);
    expect(modelToDot(model, { showShapes: true }).toString()).toBe([
      'digraph G {',
      '  graph [rankdir=TB, concentrate=true, fontname="DejaVu Sans"];',
      '  node [shape=record, fontname="DejaVu Sans"];',
      '  edge [fontname="DejaVu Sans"];',
      '  "d1_input" [label="d1_input: InputLayer|{input:|output:}|{{(None, 784)}|{(None, 784)}}"];',
      '  "d1" [label="d1: Dense|{input:|output:}|{{(None, 784)}|{(None, 32)}}"];',
      '  "a1" [label="a1: Activation|{input:|output:}|{{(None, 32)}|{(None, 32)}}"];',
      '  "out" [label="out: Dense|{input:|output:}|{{(None, 32)}|{(None, 10)}}"];',
      '  "d1_input" -> "d1";',
      '  "d1" -> "a1";',
      '  "a1" -> "out";',
      '}',
      '',
    ].join('\n'));
  });

  it('defaults (no shapes, names shown, TB) and the Keras 1 / snake_case spellings give the same text', () => {
    const model = vgg;
    const plain = modelToDot(model).toString();
    expect(plain).toContain('rankdir=TB');
    expect([...labels(plain).values()].every((l) => /^\w+: \w+$/.test(l))).toBe(true);
    expect(model_to_dot(model, { show_shapes: true, show_layer_names: false, rankdir: 'LR' }).toString())
      .toBe(modelToDot(model, { showShapes: true, showLayerNames: false, rankdir: 'LR' }).toString());
  });

  it('the VGG-like convnet: one node per layer with class names and the shapes Keras infers, a chain of edges', () => {
    const model = vgg;
    const dot = modelToDot(model, { showShapes: true }).toString();
    const ls = labels(dot);
    const names = [`${model.layers[0]!.name}_input`, ...model.layers.map((l) => l.name)];
    expect([...ls.keys()]).toEqual(names);
    const classes = ['InputLayer', 'Conv2D', 'Activation', 'Conv2D', 'Activation', 'MaxPooling2D', 'Dropout', 'Conv2D', 'Activation',
      'Conv2D', 'Activation', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense', 'Activation', 'Dropout', 'Dense', 'Activation'];
    const shapes = ['(None, 100, 100, 3)', '(None, 100, 100, 3)', '(None, 98, 98, 32)', '(None, 98, 98, 32)', '(None, 96, 96, 32)',
      '(None, 96, 96, 32)', '(None, 48, 48, 32)', '(None, 48, 48, 32)', '(None, 46, 46, 64)', '(None, 46, 46, 64)', '(None, 44, 44, 64)',
      '(None, 44, 44, 64)', '(None, 22, 22, 64)', '(None, 22, 22, 64)', '(None, 30976)', '(None, 256)', '(None, 256)', '(None, 256)',
      '(None, 10)', '(None, 10)'];
    names.forEach((name, i) => {
      expect(ls.get(name)).toBe(`${name}: ${classes[i]}|{input:|output:}|{{${shapes[i]}}|{${shapes[i + 1]}}}`);
    });
    expect(edges(dot)).toEqual(names.slice(1).map((n, i) => `${names[i]}->${n}`));
    expect(names[1]).toMatch(/^conv2d_\d+$/); // Keras 2's automatic names
    expect(names[5]).toMatch(/^max_pooling2d_\d+$/);
  });

  it('the two-branch Merge model: each Sequential branch boxed under its name, both feeding the merge', () => {
    const { model, left, right } = twoBranchMerge();
    const dot = modelToDot(model, { showShapes: true }).toString();
    const [dl, dr] = [left.layers[0]!.name, right.layers[0]!.name];
    const merge = model.layers.find((l) => l.className === 'Merge')!.name;
    const out = model.layers.at(-1)!.name;
    expect(labels(dot).get(merge)).toBe(`${merge}: Merge|{input:|output:}|{{[(None, 32), (None, 32)]}|{(None, 64)}}`);
    expect(edges(dot).sort()).toEqual([`${dl}_input->${dl}`, `${dr}_input->${dr}`, `${dl}->${merge}`, `${dr}->${merge}`, `${merge}->${out}`].sort());
    for (const [branch, dense] of [[left, dl], [right, dr]] as const) {
      const cluster = new RegExp(`subgraph cluster_\\d+ \\{\\n\\s+label="${branch.name}: Sequential";\\n\\s+"${dense}_input" \\[[^\\n]*\\n\\s+"${dense}" \\[`);
      expect(dot).toMatch(cluster);
    }
  });

  it('a Merge branch that itself merges two branches: clusters nest, every layer declared once', () => {
    const leaf = (name: string) => Sequential([Dense(4, { input_dim: 3, name: `${name}_d` })], { name });
    const inner = Sequential([Merge([leaf('c'), leaf('d')], { mode: 'sum', name: 'inner_merge' })], { name: 'cd' });
    const model = Sequential([Merge([inner, leaf('b')], { mode: 'concat', name: 'outer_merge' }), Dense(2, { name: 'top' })]);
    const dot = modelToDot(model).toString();
    const declared = [...labels(dot).keys()];
    expect(declared.sort()).toEqual(['b_d', 'b_d_input', 'c_d', 'c_d_input', 'd_d', 'd_d_input', 'inner_merge', 'outer_merge', 'top'].sort());
    // cd holds c and d and the inner merge; b is beside it; outer merge and top are outside both
    const block = (title: string) => {
      const start = dot.indexOf(`label="${title}: Sequential";`);
      const depth = (dot.slice(0, start).match(/subgraph/g) ?? []).length - (dot.slice(0, start).match(/^\s*}$/gm) ?? []).length;
      return { start, depth };
    };
    expect(block('cd').depth).toBe(1);
    expect(block('c').depth).toBe(2);
    expect(block('d').depth).toBe(2);
    expect(block('b').depth).toBe(1);
    expect(edges(dot).sort()).toEqual(['b_d_input->b_d', 'c_d_input->c_d', 'd_d_input->d_d', 'c_d->inner_merge', 'd_d->inner_merge',
      'inner_merge->outer_merge', 'b_d->outer_merge', 'outer_merge->top'].sort());
  });

  it('a multi-input, multi-output functional model: every connection, the fan-out of the LSTM included', () => {
    const model = multiInputOutput();
    const dot = modelToDot(model, { show_shapes: true }).toString();
    const emb = model.layers.find((l) => l.className === 'Embedding')!.name;
    expect(edges(dot).sort()).toEqual([
      `main_input->${emb}`, `${emb}->lstm`, 'lstm->aux_output', 'lstm->merged', 'aux_input->merged', 'merged->hidden', 'hidden->main_output',
    ].sort());
    const ls = labels(dot);
    expect(ls.get('merged')).toBe('merged: Concatenate|{input:|output:}|{{[(None, 8), (None, 5)]}|{(None, 13)}}');
    expect(ls.get('main_input')).toBe('main_input: InputLayer|{input:|output:}|{{(None, 100)}|{(None, 100)}}');
    expect(ls.get(emb)).toBe(`${emb}: Embedding|{input:|output:}|{{(None, 100)}|{(None, 100, 16)}}`);
  });

  it('a layer shared by two calls: one node, an edge per call, "multiple" where its calls disagree on shapes (as Keras)', () => {
    const a = Input({ shape: [4], name: 'sa' });
    const b = Input({ shape: [6], name: 'sb' });
    const act = Activation('relu', { name: 'act' });
    const same = Dense(3, { name: 'same' });
    const wide = act.apply(concatenate([a, a], { name: 'aa' }));
    const y = concatenate([same.apply(act.apply(a)), same.apply(Activation('tanh', { name: 't' }).apply(a)), wide], { name: 'cat' });
    const model = Model({ inputs: [a, b], outputs: [y, Dense(2, { name: 'bo' }).apply(b)] });
    const dot = modelToDot(model, { showShapes: true }).toString();
    const ls = labels(dot);
    expect(ls.get('act')).toBe('act: Activation|{input:|output:}|{{multiple}|{multiple}}');
    expect(ls.get('same')).toBe('same: Dense|{input:|output:}|{{(None, 4)}|{(None, 3)}}');
    expect(ls.get('cat')).toBe('cat: Concatenate|{input:|output:}|{{[(None, 3), (None, 3), (None, 8)]}|{(None, 14)}}');
    expect(edges(dot).filter((e) => e.endsWith('->act')).sort()).toEqual(['aa->act', 'sa->act']);
    expect(edges(dot).filter((e) => e.endsWith('->same')).sort()).toEqual(['act->same', 't->same']);
    expect(edges(dot).filter((e) => e === 'sa->aa')).toHaveLength(2); // concatenate([a, a]): two connections
    expect(edges(dot)).toContain('sb->bo');
  });

  it('wrappers read name(inner): Wrapper(Inner); a model used as a layer is one node', () => {
    const inner = Sequential([Dense(4, { input_dim: 3, name: 'inner_dense' })], { name: 'inner_model' });
    const x = Input({ shape: [5, 3], name: 'seq_in' });
    const td = TimeDistributed(inner, { name: 'td' }).apply(x);
    const bi = Bidirectional(LSTM(2, { name: 'fw' }), { name: 'bi' }).apply(td);
    const model = Model({ inputs: x, outputs: bi });
    const ls = labels(modelToDot(model, { showShapes: true }).toString());
    expect(ls.get('td')).toBe('td(inner_model): TimeDistributed(Sequential)|{input:|output:}|{{(None, 5, 3)}|{(None, 5, 4)}}');
    expect(ls.get('bi')).toBe('bi(fw): Bidirectional(LSTM)|{input:|output:}|{{(None, 5, 4)}|{(None, 4)}}');
    expect([...ls.keys()]).toEqual(['seq_in', 'td', 'bi']);

    const outerIn = Input({ shape: [3], name: 'outer_in2' });
    const outer = Model({ inputs: outerIn, outputs: Dense(1, { name: 'head' }).apply(inner.apply(outerIn)) });
    const ol = labels(modelToDot(outer, { showShapes: true }).toString());
    expect([...ol.keys()]).toEqual(['outer_in2', 'inner_model', 'head']);
    expect(ol.get('inner_model')).toBe('inner_model: Sequential|{input:|output:}|{{(None, 3)}|{(None, 4)}}');
  });

  it('record syntax, quotes, backslashes and runs of spaces in names are escaped so Graphviz draws them literally', () => {
    const model = Sequential([Dense(2, { input_dim: 2, name: 'a{b}|<c>  "d"\\' })]);
    expect(modelToDot(model).toString()).toContain(String.raw`  "a{b}|<c>  \"d\"\\" [label="a\{b\}\|\<c\>\ \ \"d\"\\: Dense"];`);
    const branch = Sequential([Dense(2, { input_dim: 2 })], { name: 'odd\\"branch' });
    const merged = Sequential([Merge([branch, Sequential([Dense(2, { input_dim: 2 })])], { mode: 'sum' })]);
    expect(modelToDot(merged).toString()).toContain(String.raw`    label="odd\\\"branch: Sequential";`);
  });

  it('a model with repeated layer names is refused before it can be drawn (Keras: names must be unique)', () => {
    const x = Input({ shape: [2], name: 'twin' });
    expect(() => Model({ inputs: x, outputs: Dense(2, { name: 'twin' }).apply(x) })).toThrow(/all layer names should be unique; 'twin'/);
  });

  it('bad options and models are errors that say what to do', () => {
    const model = vgg;
    expect(() => modelToDot(model, { show_shape: true })).toThrow(/unknown option 'show_shape'; did you mean 'show_shapes'/);
    expect(() => modelToDot(model, { rankdir: 'TD' as 'TB' })).toThrow(/rankdir must be one of TB, LR, BT, RL, got "TD"/);
    expect(() => modelToDot(Sequential())).toThrow(ValueError);
    expect(() => modelToDot(Sequential({ name: 'empty' }))).toThrow(/model empty has no layers/);
    expect(() => modelToDot(Dense(3) as never)).toThrow(/expected a Model or Sequential/);
  });
});
