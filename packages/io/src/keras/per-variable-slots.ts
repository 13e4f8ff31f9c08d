import type { Model } from '@kerasgpu/layers';
import type { NdArray } from '../hdf5/arrays.js';
import type { StoredLayer } from './h5-file.js';

/**
 * tf.keras 2.11–2.15's optimizers (`optimizer_experimental`, `is_legacy_optimizer: false`) save
 * their variables in creation order: `iteration:0` (int64), then what each optimizer's `build`
 * adds with `add_variable_from_reference`, named `[<optimizer>/]<slot>/<model variable>:0` —
 * Adam's m and v side by side per weight (then every v̂), RMSprop's velocities as one block.
 * So the slots are found by name, never by position.
 */
export const PER_VARIABLE_ITERATION = /(^|\/)iteration:0$/;

/** Slot names of tf.keras 2.11's optimizers, as the index of our optimizer's slot for that class (OPTIMIZER_SLOTS order). */
const SLOT_INDEX: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  SGD: { m: 0 },
  RMSprop: { velocity: 0 },
  Adagrad: { accumulator: 0 },
  Adadelta: { accumulated_grad: 0, accumulated_delta_var: 1 },
  Adam: { m: 0, v: 1, vhat: 2 },
  Adamax: { m: 0, u: 1 },
};

/** Scalars such a file may hold besides the slots; the config already carries their values. */
const HYPER_VARIABLE = /(^|\/)learning_rate:0$/;

const bare = (name: string) => name.replace(/:\d+$/, '');
/** tf.keras ≥ 2.5 names RNN weights inside the cell's scope (`lstm/lstm_cell/kernel`); our layer has them directly. */
const withoutCellScope = (name: string) => {
  const t = name.split('/');
  return [...t.slice(0, -2), t.at(-1)!].join('/');
};

export type PerVariableState = { iterations: number; slots: NdArray[][] } | { refused: string };

/**
 * The iteration count and each trainable weight's slots (our optimizer's order) from a tf.keras
 * 2.11+ `optimizer_weights` group, or why it cannot be restored exactly: an optimizer or slot we
 * do not hold the same state for (Nadam's unsaved u_product, RMSprop's momentum or centred mean),
 * a slot for no weight of the model, or a weight without all of its slots.
 */
export function perVariableState(model: Model, stored: StoredLayer): PerVariableState {
  const opt = model.optimizer!;
  const index = SLOT_INDEX[opt.className];
  const vars = model.trainableWeights;
  const k = opt.slotNames.length;
  if (!index) return { refused: `tf.keras 2.11's ${opt.className} keeps state kerasgpu's ${opt.className} does not (or does not save all of it)` };
  const names = new Map<string, number>();
  const all = new Map(model.layerWeights.map((w, i) => [w.variable, bare(model.weightNames[i]!)]));
  vars.forEach((v, i) => names.set(all.get(v)!, i));
  let iterations = 0;
  const slots = vars.map(() => [] as NdArray[]);
  for (const [i, name] of stored.weightNames.entries()) {
    const a = stored.weights[i]!;
    if (PER_VARIABLE_ITERATION.test(name)) { iterations = a.data[0]!; continue; }
    if (HYPER_VARIABLE.test(name)) continue;
    const tokens = bare(name).split('/');
    // The slot is the first token, or the second after the optimizer's name scope.
    const at = [0, 1].find((p) => tokens[p]! in index && resolve(tokens.slice(p + 1).join('/')) !== undefined);
    if (at === undefined) return { refused: `'${name}' is no ${opt.className} slot (${Object.keys(index).join(', ')}) of a weight of this model` };
    const v = resolve(tokens.slice(at + 1).join('/'))!;
    const j = index[tokens[at]!]!;
    // A slot our configured update never reads (SGD's m at momentum 0) changes nothing: dropped.
    if (j >= k) continue;
    if (slots[v]![j]) return { refused: `two arrays are ${tokens[at]} of ${tokens.slice(at + 1).join('/')}` };
    if (a.shape.join() !== vars[v]!.shape.join()) return { refused: `'${name}' has shape [${a.shape.join(', ')}], its weight [${vars[v]!.shape.join(', ')}]` };
    slots[v]![j] = a;
  }
  const complete = (s: NdArray[]) => s.filter(Boolean).length === k;
  // Only the iteration count (a model saved before training) restores as a fresh state at that count.
  if (!slots.every((s) => s.length === 0) && !slots.every(complete)) {
    return { refused: `not every trainable weight has its ${k} ${opt.className} slot(s) (${opt.slotNames.join(', ')}) in the file` };
  }
  return { iterations, slots };

  function resolve(name: string): number | undefined {
    return names.get(name) ?? names.get(withoutCellScope(name));
  }
}
