import { setBackend, zeros, type Tensor } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { modelFromJSON, modelFromYAML } from '../src/index.js';
import { readJson } from './helpers.js';

beforeAll(async () => {
  await setBackend('cpu');
});

type Shape = (number | null)[];
/** The config-only fixtures (model.to_json() output, SOURCES.md §G): inputs, outputs and layer count each must build. */
const CONFIGS: [string, { inputs: Shape[]; outputs: Shape[]; layers: number; params?: number }][] = [
  ['k1_mlp_fapi_config.json', { inputs: [[null, 4], [null, 4]], outputs: [[null, 3], [null, 3]], layers: 11 }],
  // Keras's mnist_cnn example: 600,810 parameters in Keras 1 (32 + 32 filters), 1,199,882 in Keras 2 (32 + 64).
  ['k1_mnist_cnn_th_config.json', { inputs: [[null, 1, 28, 28]], outputs: [[null, 10]], layers: 12, params: 600810 }],
  ['k2_mnist_cnn_tf_config.json', { inputs: [[null, 28, 28, 1]], outputs: [[null, 10]], layers: 8, params: 1199882 }],
  ['k2_concat_bilstm_config.json', { inputs: [[null, 10], [null, null, 6]], outputs: [[null, 10, 14]], layers: 9 }],
  ['k2_add_config.json', { inputs: [[null, 16], [null, 32]], outputs: [[null, 4]], layers: 6 }],
];

describe('config-only fixtures build (model_from_json)', () => {
  for (const [name, want] of CONFIGS) {
    it(name, async () => {
      const model = modelFromJSON(readJson(name));
      expect(model.inputs.map((t) => t.shape)).toEqual(want.inputs);
      expect(model.outputs.map((t) => t.shape)).toEqual(want.outputs);
      expect(model.layers).toHaveLength(want.layers);
      if (want.params !== undefined) expect(model.countParams()).toBe(want.params);
      // It also runs: a batch of zeros (unknown sizes taken as 10) gives outputs of the stated shapes.
      const xs = model.inputs.map((t) => zeros(t.shape.map((d, i) => (i === 0 ? 2 : d ?? 10)), t.dtype === 'int32' ? 'int32' : 'float32'));
      const ys = model.predict(xs.length === 1 ? xs[0]! : xs);
      const outs = (Array.isArray(ys) ? ys : [ys]) as Tensor[];
      expect(outs.map((y) => y.shape)).toEqual(want.outputs.map((s) => s.map((d, i) => (i === 0 ? 2 : d ?? 10))));
    });
  }
});

describe("Keras 1.0's implicit 'th' ordering (a config without keras_version)", () => {
  const pool = (config: Record<string, unknown>) => modelFromJSON({ class_name: 'Sequential', config: [{ class_name: 'MaxPooling2D', config: { name: 'pool', pool_size: [2, 2], batch_input_shape: [null, 6, 6, 2], ...config } }] });
  const shapeOf = (model: ReturnType<typeof pool>) => (model.predict(zeros([2, 6, 6, 2])) as Tensor).shape;

  it("is added where the config names no ordering: (6, 6, 2) read as channels-first", () => {
    expect(shapeOf(pool({}))).toEqual([2, 6, 3, 1]);
  });

  it('never overrides an explicit data_format or dim_ordering', () => {
    expect(shapeOf(pool({ data_format: 'channels_last' }))).toEqual([2, 3, 3, 2]);
    expect(shapeOf(pool({ dim_ordering: 'tf' }))).toEqual([2, 3, 3, 2]);
  });
});

describe('tf.keras 2.x configs: options Keras 1 lacked', () => {
  const policy = { class_name: 'Policy', config: { name: 'float32' } };
  /** A Functional config as tf.keras 2.x writes it: every option at its default, dtype policies, a list axis. */
  const functional = (lstm: Record<string, unknown> = {}, input: Record<string, unknown> = {}) => ({
    class_name: 'Functional',
    config: {
      name: 'model',
      layers: [
        { class_name: 'InputLayer', name: 'x', inbound_nodes: [], config: { batch_input_shape: [null, 2, 6], dtype: 'float32', sparse: false, ragged: false, name: 'x', ...input } },
        { class_name: 'Conv1D', name: 'conv', inbound_nodes: [[['x', 0, 0, {}]]], config: { name: 'conv', dtype: policy, filters: 3, kernel_size: [2], strides: [1], padding: 'causal', data_format: 'channels_first', dilation_rate: [1], groups: 1, activation: 'linear', use_bias: true } },
        { class_name: 'BatchNormalization', name: 'bn', inbound_nodes: [[['conv', 0, 0, {}]]], config: { name: 'bn', dtype: policy, axis: [1], momentum: 0.99, epsilon: 0.001, center: true, scale: true, renorm: false, renorm_clipping: null, renorm_momentum: 0.99, fused: null, virtual_batch_size: null, adjustment: null } },
        { class_name: 'LSTM', name: 'lstm', inbound_nodes: [[['bn', 0, 0, {}]]], config: { name: 'lstm', dtype: policy, units: 4, return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, time_major: false, ...lstm } },
      ],
      input_layers: [['x', 0, 0]],
      output_layers: [['lstm', 0, 0]],
    },
  });

  it('loads at their defaults without a warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const model = modelFromJSON(functional());
      expect(model.outputs[0]!.shape).toEqual([null, 4]);
      expect((model.predict(zeros([2, 2, 6])) as Tensor).shape).toEqual([2, 4]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('return_state=true loads (the model outputs the LSTM node output 0, its h)', () => {
    expect(modelFromJSON(functional({ return_state: true })).outputs[0]!.shape).toEqual([null, 4]);
  });

  it('refuses any other value, naming the layer and the option', () => {
    expect(() => modelFromJSON(functional({ time_major: true }))).toThrow(/LSTM 'lstm': time_major=true/);
    expect(() => modelFromJSON(functional({}, { ragged: true }))).toThrow(/InputLayer 'x': ragged=true/);
  });

  it("reads Attention's use_causal_mask call option (tf.keras 2.11 node kwargs, Keras 3 {args, kwargs}) as causal; refuses return_attention_scores", () => {
    const att = { class_name: 'Attention', name: 'att', config: { name: 'att', dropout: 0, use_scale: false, score_mode: 'dot' } };
    const input = { class_name: 'InputLayer', name: 'x', inbound_nodes: [], config: { batch_input_shape: [null, 3, 4], name: 'x' } };
    const spec = (kwargs: Record<string, unknown>, layer: Record<string, unknown> = att) => ({
      class_name: 'Functional',
      config: { name: 'm', input_layers: [['x', 0, 0]], output_layers: [[layer.name, 0, 0]], layers: [input, { ...layer, inbound_nodes: [[['x', 0, 0, kwargs], ['x', 0, 0, {}]]] }] },
    });
    const causal = (m: ReturnType<typeof modelFromJSON>) => m.getLayer('att').getConfig().causal ?? false;
    expect(causal(modelFromJSON(spec({ use_causal_mask: false })))).toBe(false);
    expect(causal(modelFromJSON(spec({ use_causal_mask: true })))).toBe(true);
    const tensorOf = { class_name: '__keras_tensor__', config: { shape: [null, 3, 4], dtype: 'float32', keras_history: ['x', 0, 0] } };
    const keras3 = { class_name: 'Functional', config: { name: 'm', input_layers: ['x', 0, 0], output_layers: ['att', 0, 0], layers: [input, { ...att, inbound_nodes: [{ args: [[tensorOf, tensorOf]], kwargs: { use_causal_mask: true } }] }] } };
    expect(causal(modelFromJSON(keras3))).toBe(true);
    expect(() => modelFromJSON(spec({ return_attention_scores: true }))).toThrow(/layer 'att' \(Attention\) is called with return_attention_scores/);
    const add = { class_name: 'Add', name: 'att', config: { name: 'att' } };
    expect(() => modelFromJSON(spec({ use_causal_mask: true }, add))).toThrow(/'att' \(Add\) is called with use_causal_mask=true, which only Attention takes/);
  });

  it("reads Keras 3's batch_shape and dtype-policy objects on inputs", () => {
    const model = modelFromJSON(functional({}, { batch_input_shape: undefined, batch_shape: [null, 2, 6], dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } } }));
    expect(model.inputs.map((t) => [t.shape, t.dtype])).toEqual([[[null, 2, 6], 'float32']]);
  });
});

describe('YAML as PyYAML writes it (Keras model.to_yaml)', () => {
  // Tuples are tagged, and a repeated tuple is an anchor plus aliases, as PyYAML dumps them.
  const doc = `backend: tensorflow
class_name: Sequential
config:
- class_name: Conv2D
  config:
    activation: relu
    batch_input_shape: !!python/tuple [null, 6, 6, 1]
    data_format: channels_last
    dilation_rate: &id001 !!python/tuple [1, 1]
    filters: 2
    kernel_size: !!python/tuple [3, 3]
    name: conv2d_1
    padding: valid
    strides: *id001
    trainable: true
    use_bias: true
- class_name: Flatten
  config: {name: flatten_1, trainable: true}
- class_name: Dense
  config: {activation: softmax, name: dense_1, trainable: true, units: 3, use_bias: true}
keras_version: 2.1.4
`;

  it('reads tuples, anchors and aliases', () => {
    const model = modelFromYAML(doc);
    expect(model.layers.map((l) => l.name)).toEqual(['conv2d_1', 'flatten_1', 'dense_1']);
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    expect(model.countParams()).toBe(2 * 9 + 2 + 32 * 3 + 3);
  });

  it('round-trips through toYAML, which a YAML reader turns back into the JSON document', () => {
    const model = modelFromYAML(doc);
    const again = modelFromYAML(model.toYAML());
    expect(again.serialize()).toEqual(model.serialize());
    expect(JSON.parse(again.toJSON())).toEqual(JSON.parse(model.toJSON()));
  });

  it('invalid documents say so', () => {
    expect(() => modelFromYAML('class_name: [unclosed')).toThrow(/modelFromYAML: not valid YAML/);
    expect(() => modelFromYAML('just: text')).toThrow(/expected \{class_name, config\}/);
    expect(() => modelFromJSON('{"class_name": ')).toThrow(/modelFromJSON: not valid JSON/);
  });
});
