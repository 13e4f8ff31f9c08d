import { files } from '#host';
import { Container, InputLayer, Sequential, ValueError, type Layer, type Model, type SymbolicTensor } from '@kerasgpu/layers';
import { strToU8, zipSync } from 'fflate';
import { hostArray, writeArray } from '../hdf5/arrays.js';
import { h5Bytes, type H5Group } from '../hdf5/h5.js';
import { ensureGroups } from '../hdf5/attrs.js';
import { toKeras3Layer } from './keras3-layers.js';
import { writeKeras3Optimizer } from './keras3-optimizer.js';
import { childPaths, weightPaths } from './keras3-paths.js';

/** The Keras that our `.keras` archives claim, whose layout (checked against its files) they follow. */
export const KERAS3_VERSION = '3.1.1';

type Spec = Record<string, unknown>;
const shapeOf = (ts: readonly SymbolicTensor[]) => (ts.length === 1 ? ts[0]!.shape : ts.map((t) => t.shape));

const MODULES: [RegExp, string][] = [[/_initializer$/, 'keras.initializers'], [/_regularizer$/, 'keras.regularizers'], [/_constraint$/, 'keras.constraints']];

/**
 * A layer config in Keras 3's form: nested initializers, regularizers and constraints name their
 * module; the input shape lives on the InputLayer (Keras 3 layers take no batch_input_shape).
 */
function keras3Config(config: Spec): Spec {
  const { batch_input_shape: _shape, ...rest } = config;
  const object = (k: string, v: unknown) => {
    const module = MODULES.find(([re]) => re.test(k))?.[1];
    return module && typeof v === 'object' && v !== null && 'class_name' in v ? { module, ...v, registered_name: null } : v;
  };
  return { ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, object(k, v)])), dtype: 'float32' };
}

/**
 * Keras 3 takes Attention's causal mask as a call argument (`use_causal_mask`), not a config key:
 * moved from our config to each call's kwargs.
 */
const isAttention = (layer: Layer) => layer.className === 'Attention';
function withoutCallOptions(layer: Layer): Spec {
  const { causal: _causal, ...config } = layer.getConfig();
  return isAttention(layer) ? config : layer.getConfig();
}
const callKwargs = (layer: Layer): Spec => (isAttention(layer) && layer.getConfig().causal === true ? { use_causal_mask: true } : {});

/** A layer as Keras 3 serializes it: module, class, config, and the input shape it was built for. */
function layerSpec(layer: Layer): Spec {
  if (layer instanceof Container) return modelSpec(layer);
  const node = layer.inboundNodes.find((n) => n.inputs.length > 0);
  const build = node ? { build_config: { input_shape: shapeOf(node.inputs) } } : {};
  if (layer instanceof InputLayer) {
    return { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: layer.batchInputShape, dtype: layer.dtype, sparse: false, name: layer.name }, registered_name: null, ...build };
  }
  return { ...toKeras3Layer(layer.className, withoutCallOptions(layer), keras3Config), ...build };
}

const kerasTensor = (t: SymbolicTensor) => ({
  class_name: '__keras_tensor__',
  config: { shape: t.shape, dtype: t.dtype ?? 'float32', keras_history: [t.layer.name, t.layer.inboundNodes.indexOf(t.node), t.index] },
});

/** Keras 3's Sequential (its input layer first) or Functional config (each call as {args, kwargs}). */
function modelSpec(model: Container): Spec {
  const input = model.inputs.length === 1 ? model.inputs[0]!.layer : null;
  const build = { build_config: { input_shape: shapeOf(model.inputs) } };
  if (model instanceof Sequential) {
    if (!(input instanceof InputLayer)) throw new ValueError(`${model.name}: a Sequential that merges several models (Keras 1's Merge) has no Keras 3 form; save it as HDF5`);
    const layers = [layerSpec(input), ...model.layers.map(layerSpec)];
    return { module: 'keras', class_name: 'Sequential', config: { name: model.name, trainable: model.trainable, dtype: 'float32', layers, build_input_shape: input.batchInputShape }, registered_name: null, ...build };
  }
  const inModel = (n: { inputs: SymbolicTensor[] }) => n.inputs.length > 0 && n.inputs.every((t) => model.layers.includes(t.layer));
  const layers = model.layers.map((l) => ({
    ...layerSpec(l),
    name: l.name,
    inbound_nodes: l.inboundNodes.filter(inModel).map((n) => ({ args: [n.inputs.length === 1 ? kerasTensor(n.inputs[0]!) : n.inputs.map(kerasTensor)], kwargs: callKwargs(l) })),
  }));
  const ref = (t: SymbolicTensor) => [t.layer.name, t.layer.inboundNodes.indexOf(t.node), t.index];
  return {
    module: 'keras.src.models.functional', class_name: 'Functional',
    config: { name: model.name, trainable: model.trainable, layers, input_layers: model.inputs.map(ref), output_layers: model.outputs.map(ref) },
    registered_name: 'Functional', ...build,
  };
}

/**
 * Keras 3's optimizer config: `learning_rate` (Keras 1/2's time decay lr/(1 + decay·t) is
 * InverseTimeDecay with decay_steps 1), no `lr` / `decay`, which Keras 3 refuses.
 */
function optimizerSpec(model: Model): Spec {
  const { class_name: cls, config } = model.optimizer!.getConfig();
  const { lr, decay, ...rest } = config as { lr: number; decay: number } & Spec;
  const learningRate = decay > 0
    ? { module: 'keras.optimizers.schedules', class_name: 'InverseTimeDecay', config: { initial_learning_rate: lr, decay_steps: 1, decay_rate: decay, staircase: false, name: 'InverseTimeDecay' }, registered_name: null }
    : lr;
  return { module: 'keras.optimizers', class_name: cls, config: { name: cls.toLowerCase(), learning_rate: learningRate, ...rest }, registered_name: null };
}

function compileSpec(model: Model): Spec | null {
  if (!model.compiled) return null;
  const c = model.compiled.config as { loss: unknown; metrics: unknown[]; loss_weights: unknown };
  return { optimizer: optimizerSpec(model), loss: c.loss, loss_weights: c.loss_weights, metrics: c.metrics.length > 0 ? c.metrics : null, weighted_metrics: null, run_eagerly: false, steps_per_execution: 1, jit_compile: false };
}

/**
 * Keras 3's weights file (model.weights.h5 in a `.keras` archive, or `save_weights('x.weights.h5')`):
 * each layer's variables at `layers/<snake_case class>[_n]/vars/<i>` (groups of weightless layers
 * too, as Keras), the model's own (none) at `vars`, and a compiled model's optimizer state at
 * `optimizer/vars` (keras3-optimizer.ts).
 */
export async function writeKeras3Weights(f: H5Group, model: Model): Promise<void> {
  f.create_group('vars');
  for (const [layer, at] of childPaths(model.layers, 'layers')) {
    const paths = weightPaths(layer, at);
    if (paths.length === 0) ensureGroups(f, [...at.split('/'), 'vars']);
    for (const [i, p] of paths.entries()) writeArray(f, p, await hostArray(layer.weights[i]!));
  }
  if (model.optimizer) await writeKeras3Optimizer(f.create_group('optimizer').create_group('vars'), model, KERAS3_VERSION);
}

/**
 * Keras 3's model.save('x.keras'): a zip of config.json, metadata.json and model.weights.h5, as
 * Keras 3.1 writes it, so that current Keras (on any backend) opens it.
 */
export async function saveKerasArchive(model: Model, path: string): Promise<void> {
  const config = { ...modelSpec(model), compile_config: compileSpec(model) };
  const metadata = { keras_version: KERAS3_VERSION, date_saved: new Date().toISOString().replace(/T(\d+):(\d+):(\d+).*/, '@$1:$2:$3') };
  const weights = await h5Bytes((f) => writeKeras3Weights(f, model));
  const zip = zipSync({ 'metadata.json': strToU8(JSON.stringify(metadata)), 'config.json': strToU8(JSON.stringify(config)), 'model.weights.h5': weights }, { level: 0 });
  await files.writeAtomic(path, (tmp) => files.writeFile(tmp, zip));
}
