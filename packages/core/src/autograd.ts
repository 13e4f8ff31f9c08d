import { engine, Tape, type TapeNode } from './engine.js';
import { GradientError, ShapeError } from './errors.js';
import { VJPS } from './gradients.js';
import { add } from './ops/elementwise.js';
import { onesLike, zerosLike } from './ops/creation.js';
import type { Vjp } from './ops/run.js';
import type { Primitive } from './primitives.js';
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

function backward(tape: Tape, y: Tensor, dy: Tensor, xs: readonly Tensor[]): Tensor[] {
  const acc = new Map<number, Tensor>([[y.id, dy]]);
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i]!;
    if (!node.outputs.some((o) => acc.has(o.id))) continue;
    const dys = node.outputs.map((o) => acc.get(o.id) ?? zerosLike(o));
    const vjp = VJPS[node.prim] as Vjp<Primitive>;
    const ins = vjp(dys, node as TapeNode<Primitive>, node.inputs.map((x) => tape.watched.has(x.id)));
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
 * Value of f (a scalar loss) and its gradient w.r.t. each of `vars` (default: every trainable
 * variable f reads is the caller's list; pass them explicitly), keyed by variable name.
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

