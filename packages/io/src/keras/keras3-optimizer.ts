import { nadamMomentumCache, tensor, type Tensor } from '@kerasgpu/core';
import type { Model, Optimizer } from '@kerasgpu/layers';
import { datasetAt, hostArray, readDataset, writeArray, type NdArray } from '../hdf5/arrays.js';
import { getPath } from '../hdf5/attrs.js';
import { h5wasm, type H5Group } from '../hdf5/h5.js';

/**
 * Keras 3 keeps an optimizer's variables at `optimizer/vars/<i>` in creation order (its `build`):
 * `iterations`; `learning_rate` unless the rate is a schedule (ours with decay is InverseTimeDecay);
 * then each `add_optimizer_variables` call, a block in which one weight's variables sit side by
 * side (Adam: m₀ v₀ m₁ v₁ …) before the next block (amsgrad's v̂s, RMSprop's momentums).
 * The blocks' names, flattened, are our optimizer's slots in OPTIMIZER_SLOTS order.
 * Nadam adds its u_product scalar: right after the learning rate up to Keras 3.9, last from 3.10
 * (keras-team/keras#21247); a file without a version (`.weights.h5`) is told by that scalar's place.
 */
const BLOCKS: Readonly<Record<string, (o: Optimizer) => string[][]>> = {
  // Keras 3 keeps momentums only when momentum ≠ 0; at 0 ours reads no old velocity either.
  SGD: (o) => ((o.getConfig().config.momentum as number) !== 0 ? [['momentum']] : []),
  RMSprop: () => [['velocity']],
  Adagrad: () => [['accumulator']],
  Adadelta: () => [['accumulated_grad', 'accumulated_delta_var']],
  Adam: (o) => [['momentum', 'velocity'], ...((o as { amsgrad?: boolean }).amsgrad ? [['velocity_hat']] : [])],
  Adamax: () => [['momentum', 'norm']],
  Nadam: () => [['momentum', 'velocity']],
};

type Entry = { kind: 'iterations' } | { kind: 'learning_rate' } | { kind: 'u_product' } | { kind: 'slot'; weight: number; slot: number; name: string };

const hasSchedule = (o: Optimizer) => (o.getConfig().config.decay as number) > 0;
/** Keras 3 versions before 3.10 create Nadam's u_product before the slots. */
const uProductFirst = (version: string) => {
  const [major, minor] = version.split('.').map(Number);
  return major! < 3 || (major === 3 && minor! < 10);
};

/** What a Keras 3 optimizer holds before `build` (an optimizer never stepped). */
function unbuilt(o: Optimizer): Entry[] {
  return [{ kind: 'iterations' }, ...(hasSchedule(o) ? [] : [{ kind: 'learning_rate' } as const])];
}

/** Every `optimizer/vars/<i>` of `o` on `n` trainable weights, in Keras `version`'s order; null for an optimizer Keras 3 lacks. */
export function keras3Layout(o: Optimizer, n: number, version: string): Entry[] | null {
  const blocks = BLOCKS[o.className]?.(o);
  if (!blocks) return null;
  let first = 0;
  const slots = blocks.flatMap((names) => {
    const at = first;
    first += names.length;
    return Array.from({ length: n }, (_, weight) => names.map((name, i): Entry => ({ kind: 'slot', weight, slot: at + i, name }))).flat();
  });
  const u: Entry[] = o.className === 'Nadam' ? [{ kind: 'u_product' }] : [];
  return uProductFirst(version) ? [...unbuilt(o), ...u, ...slots] : [...unbuilt(o), ...slots, ...u];
}

/** Nadam's u_product after `iterations` steps: the product of our momentum schedule (Keras 1/2's m_schedule). */
function uProduct(o: Optimizer, iterations: number): number {
  const { beta_1: beta1, schedule_decay: decay } = o.getConfig().config as { beta_1: number; schedule_decay: number };
  let p = 1;
  for (let t = 1; t <= iterations; t++) p *= nadamMomentumCache(t, beta1, decay);
  return p;
}

/**
 * Writes the optimizer's state under `g` (`optimizer/vars`) as Keras 3.1.1 does. Never stepped, it
 * is Keras 3's unbuilt optimizer; a weight without slots yet has zeros, which our lazily made
 * slots start from. Optimizers Keras 3 lacks write the unbuilt form.
 */
export async function writeKeras3Optimizer(g: H5Group, model: Model, version: string): Promise<void> {
  const o = model.optimizer!;
  const vars = model.trainableWeights;
  const slots = o.getSlots(vars);
  const stepped = o.iterations > 0 && slots.some((s) => s.length > 0);
  const layout = (stepped ? keras3Layout(o, vars.length, version) : null) ?? unbuilt(o);
  for (const [i, e] of layout.entries()) {
    const name = String(i);
    if (e.kind === 'iterations') g.create_dataset({ name, data: BigInt64Array.of(BigInt(o.iterations)), shape: [], dtype: '<q' });
    else if (e.kind === 'learning_rate') writeArray(g, name, { shape: [], data: Float32Array.of(o.currentLr) });
    else if (e.kind === 'u_product') writeArray(g, name, { shape: [], data: Float32Array.of(uProduct(o, o.iterations)) });
    else {
      const slot = slots[e.weight]![e.slot];
      writeArray(g, name, slot ? await hostArray(slot) : { shape: [...vars[e.weight]!.shape], data: new Float32Array(vars[e.weight]!.size) });
    }
  }
}

const shapeOf = (g: H5Group, at: string) => {
  const node = getPath(g, at);
  return node instanceof h5wasm.Dataset ? (node.shape ?? []).join() : null;
};

/**
 * The optimizer state under `g` restored exactly into `model`'s optimizer, or a warning saying why
 * it cannot be and the optimizer starting fresh (Keras 3's own reaction to a mismatch): another
 * optimizer's variables, state Keras 3 keeps that ours has not (RMSprop's momentum or centred
 * mean), a u_product that is not our Nadam's schedule (Keras 3's Nadam uses 0.96^t, ours Keras 1/2's
 * 0.96^(0.004·t)), or a slot whose shape is not its weight's. Nothing is ever matched by position alone.
 */
export function restoreKeras3Optimizer(model: Model, g: H5Group, path: string, version: string | null): void {
  const o = model.optimizer!;
  const vars = model.trainableWeights;
  const count = g.keys().length;
  const fresh = (why: string) => console.warn(`${path}: the saved optimizer state is not restored (${why}); the optimizer starts fresh`);
  const iterations = () => Number(readDataset(datasetAt(g, '0')).data[0]!);
  if (count === 0) return;
  if (count === unbuilt(o).length) {
    o.setState(iterations(), vars, []);
    return;
  }
  // Without a version, Nadam's u_product is where the scalar is (it cannot be a weight's slot unless that weight is a scalar).
  const at = unbuilt(o).length;
  const guess = version ?? (shapeOf(g, String(at)) === '' && vars[0]?.shape.length !== 0 ? '3.1.1' : '3.10.0');
  const layout = keras3Layout(o, vars.length, guess);
  if (!layout) return fresh(`Keras 3 has no ${o.className} state kerasgpu's ${o.className} would match`);
  if (layout.length !== count) {
    return fresh(`${count} variables, where Keras 3's ${o.className} on this model's ${vars.length} weights has ${layout.length}: ${layout.map((e) => (e.kind === 'slot' ? e.name : e.kind)).filter((k, i, a) => a.indexOf(k) === i).join(', ')}`);
  }
  const slots: NdArray[][] = vars.map(() => []);
  for (const [i, e] of layout.entries()) {
    if (e.kind !== 'slot' && e.kind !== 'u_product') continue;
    const a = readDataset(datasetAt(g, String(i)));
    if (e.kind === 'u_product') {
      const ours = Math.fround(uProduct(o, iterations()));
      if (a.data[0] !== ours) return fresh(`Nadam's u_product ${a.data[0]} is not this Nadam's momentum schedule after ${iterations()} steps (${ours})`);
      continue;
    }
    const want = vars[e.weight]!.shape;
    if (a.shape.join() !== want.join()) return fresh(`variable ${i} (${e.name} of weight ${e.weight}) has shape [${a.shape.join(', ')}], its weight [${want.join(', ')}]`);
    slots[e.weight]![e.slot] = a;
  }
  const tensors: Tensor[][] = slots.map((s) => s.map((a) => tensor(a.data, a.shape)));
  try {
    o.setState(iterations(), vars, tensors);
  } finally {
    for (const t of tensors.flat()) t.dispose();
  }
}
