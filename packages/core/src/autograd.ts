import { engine, Tape, type TapeNode } from './engine.js';
import { GradientError, ShapeError } from './errors.js';
import { VJPS } from './gradients.js';
import { add } from './ops/elementwise.js';
import { concat, pad } from './ops/layout.js';
import { unusedOutputGradient } from './cotangent.js';
import { onesLike, zerosLike } from './ops/creation.js';
import type { Vjp } from './ops/run.js';
import { toNamed, toPositional, type Primitive } from './primitives.js';
import { fmt, sameShape } from './shape.js';
import { Tensor, Variable } from './tensor.js';

/** Runs f with a tape watching `xs`, then back-propagates from its (scalar or given-dy) result. */
function gradients(f: () => Tensor, xs: readonly Tensor[], dy?: Tensor): { value: Tensor; grads: Tensor[] } {
  return engine.tidy(() => {
    const tape = new Tape(xs);
    engine.pushTape(tape);
    let y: Tensor;
    try {
      y = f();
    } finally {
      engine.popTape();
    }
    if (!(y instanceof Tensor)) throw new GradientError('grad: the function must return a Tensor');
    if (dy && !sameShape(dy.shape, y.shape)) throw new ShapeError(`grad: dy ${fmt(dy.shape)} does not match the output ${fmt(y.shape)}`);
    const grads = engine.withoutRecording(() => backward(tape, y, dy ?? onesLike(y), xs));
    return { value: y, grads };
  });
}

interface SlicePart { begin: number[]; size: number[]; g: Tensor }

/**
 * The gradient of `shape` from the gradients of slices of it: one concat when the slices tile
 * one axis (unstack or split, e.g. an RNN's per-step inputs), else each zero-padded and summed.
 * Padding each step's slice to the full tensor and adding would cost O(steps²).
 */
function fromSlices(parts: readonly SlicePart[], shape: readonly number[]): Tensor {
  const axes = shape.map((_, a) => a).filter((a) => parts.some((p) => p.begin[a] !== 0 || p.size[a] !== shape[a]));
  if (axes.length <= 1) {
    const a = axes[0] ?? 0;
    const sorted = [...parts].sort((p, q) => p.begin[a]! - q.begin[a]!);
    let end = 0;
    const tiles = sorted.every((p) => { const ok = p.begin[a] === end; end += p.size[a]!; return ok; }) && end === shape[a];
    if (tiles) return sorted.length === 1 ? sorted[0]!.g : concat(sorted.map((p) => p.g), a);
  }
  return parts.map((p) => pad(p.g, p.begin.map((b, d) => [b, shape[d]! - b - p.size[d]!] as [number, number]))).reduce((s, t) => add(s, t));
}

function backward(tape: Tape, y: Tensor, dy: Tensor, xs: readonly Tensor[]): Tensor[] {
  const acc = new Map<number, Tensor>([[y.id, dy]]);
  // Slice gradients per sliced tensor, folded into acc when that tensor's gradient is read.
  const slices = new Map<number, SlicePart[]>();
  const settle = (x: Tensor) => {
    const parts = slices.get(x.id);
    if (!parts) return;
    slices.delete(x.id);
    const g = fromSlices(parts, x.shape);
    const prev = acc.get(x.id);
    acc.set(x.id, prev ? add(prev, g) : g);
  };
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i]!;
    node.outputs.forEach(settle);
    if (!node.outputs.some((o) => acc.has(o.id))) continue;
    const dys = node.outputs.map((o) => acc.get(o.id) ?? unusedOutputGradient(o));
    const prim = node.prim;
    if (prim === 'slice') {
      const { x } = toNamed(prim, 'inputs', node.inputs);
      const { begin, size } = (node as TapeNode<'slice'>).attrs;
      if (tape.watched.has(x.id)) slices.set(x.id, [...(slices.get(x.id) ?? []), { begin, size, g: toNamed(prim, 'outputs', dys).y }]);
      continue;
    }
    const vjp = VJPS[prim] as Vjp<Primitive>;
    const application = { attrs: node.attrs, inputs: toNamed(prim, 'inputs', node.inputs), outputs: toNamed(prim, 'outputs', node.outputs) };
    const needs = toNamed(prim, 'inputs', node.inputs.map((x) => tape.watched.has(x.id)));
    const ins = toPositional(prim, 'inputs', vjp(toNamed(prim, 'outputs', dys), application, needs));
    node.inputs.forEach((x, k) => {
      const g = ins[k];
      if (!g || !tape.watched.has(x.id)) return;
      if (!sameShape(g.shape, x.shape)) {
        throw new GradientError(`grad: the VJP of ${node.prim} gave a gradient of shape ${fmt(g.shape)} for an input of shape ${fmt(x.shape)}`);
      }
      const prev = acc.get(x.id);
      acc.set(x.id, prev ? add(prev, g) : g);
    });
  }
  xs.forEach(settle);
  return xs.map((x) => acc.get(x.id) ?? zerosLike(x));
}

/** grad(f)(x, dy?) = d(sum of f(x) weighted by dy)/dx. */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  return (x, dy) => gradients(() => f(x), [x], dy).grads[0]!;
}

/** grads(f)(xs) for a function of several tensors. */
export function grads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => Tensor[] {
  return (xs, dy) => gradients(() => f(...xs), xs, dy).grads;
}

export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    const r = gradients(() => f(x), [x], dy);
    return { value: r.value, grad: r.grads[0]! };
  };
}

export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (xs: Tensor[], dy?: Tensor) => { value: Tensor; grads: Tensor[] } {
  return (xs, dy) => gradients(() => f(...xs), xs, dy);
}

/**
 * Value of f (a scalar loss) and its gradient w.r.t. each trainable variable of `vars`, keyed by
 * variable name. Non-trainable variables in the list are skipped.
 */
export function variableGrads(f: () => Tensor, vars: readonly Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
  const trainable = vars.filter((v) => v.trainable);
  const r = gradients(f, trainable);
  if (r.value.size !== 1) throw new ShapeError(`variableGrads: f must return a scalar, got ${fmt(r.value.shape)}`);
  const out: Record<string, Tensor> = {};
  trainable.forEach((v, i) => { out[v.name] = r.grads[i]!; });
  return { value: r.value, grads: out };
}

export function variable(initial: Tensor, trainable = true, name?: string): Variable {
  return new Variable(initial, trainable, name);
}

