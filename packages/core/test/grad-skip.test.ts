import { afterEach, describe, expect, it, vi } from 'vitest';
import * as K from '@kerasgpu/core';
import { engine } from '../src/engine.js';
import type { Primitive } from '../src/primitives.js';
import { useCpuBackend } from './helpers/runs.js';

useCpuBackend();
afterEach(() => { vi.restoreAllMocks(); });

/** The primitives the backend runs (and their values) while taking the gradient w.r.t. `wrt` only. */
async function gradOf(f: (a: K.Tensor, b: K.Tensor) => K.Tensor, inputs: [K.Tensor, K.Tensor], wrt: 0 | 1): Promise<{ prims: Primitive[]; values: number[] }> {
  const spy = vi.spyOn(engine.backend, 'run');
  const other = inputs[1 - wrt]!;
  const g = K.grads((x) => (wrt === 0 ? f(x!, other) : f(other, x!)))([inputs[wrt]!])[0]!;
  const prims = spy.mock.calls.map((c) => c[0] as Primitive);
  spy.mockRestore();
  return { prims, values: Array.from(await g.data()) };
}

const seq = (shape: number[], scale = 0.1) => K.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i + 1) * scale), shape, 'float64');

describe('a VJP skips the gradients of inputs that lead to no watched tensor', () => {
  it('matMul: only the product for the watched operand runs, with the same value', async () => {
    const [a, b] = [seq([3, 4]), seq([4, 5])];
    const both = K.grads((x, y) => K.matMul(x!, y!))([a, b]);
    for (const wrt of [0, 1] as const) {
      const r = await gradOf((x, y) => K.matMul(x, y), [a, b], wrt);
      expect(r.prims.filter((p) => p === 'matMul')).toHaveLength(2); // forward + one gradient product
      expect(r.values).toEqual(Array.from(await both[wrt]!.data()));
    }
  });

  it('conv2d: no backprop-input for a data input, no backprop-filter for a fixed filter', async () => {
    const [x, w] = [seq([2, 5, 5, 3]), seq([3, 3, 3, 4])];
    const conv = (a: K.Tensor, b: K.Tensor) => K.conv2d(a, b, { padding: 'same' });
    const both = K.grads((a, b) => conv(a!, b!))([x, w]);
    const byFilter = await gradOf(conv, [x, w], 1);
    expect(byFilter.prims).not.toContain('conv2dBackpropInput');
    expect(byFilter.values).toEqual(Array.from(await both[1]!.data()));
    const byInput = await gradOf(conv, [x, w], 0);
    expect(byInput.prims).not.toContain('conv2dBackpropFilter');
    expect(byInput.values).toEqual(Array.from(await both[0]!.data()));
  });

  it('mul by a constant does not reduce dy·x to the constant\'s shape', async () => {
    const x = seq([4, 6]);
    const r = await gradOf((a, b) => K.sum(K.mul(a, b)), [x, K.tensor(3, [], 'float64')], 0);
    expect(r.prims.filter((p) => p === 'reduce')).toHaveLength(1); // the forward sum only
    expect(r.values).toEqual(Array.from({ length: 24 }, () => 3));
  });
});

describe('gradients of slices of one tensor', () => {
  const spyPrims = <T>(f: () => T): { prims: Primitive[]; result: T } => {
    const spy = vi.spyOn(engine.backend, 'run');
    const result = f();
    const prims = spy.mock.calls.map((c) => c[0] as Primitive);
    spy.mockRestore();
    return { prims, result };
  };
  it('unstacked steps (an RNN\'s inputs) get one concat, not a padded full-size gradient per step', async () => {
    const x = seq([2, 5, 3]);
    const f = (t: K.Tensor) => K.unstack(t, 1).map((s, i) => K.sum(K.mul(K.mul(s, s), i + 1))).reduce((a, b) => K.add(a, b));
    const { prims, result: [g] } = spyPrims(() => K.grads(f)([x]));
    expect(prims).not.toContain('pad');
    expect(prims.filter((p) => p === 'concat')).toHaveLength(1);
    const xs = Array.from(await x.data());
    // d/dx of (t+1)·x² summed = 2(t+1)x for the elements of step t (axis 1).
    expect(Array.from(await g!.data())).toEqual(xs.map((v, i) => 2 * (Math.floor(i / 3) % 5 + 1) * v));
  });

  it('overlapping or partial slices are padded and summed, as the slice VJP', async () => {
    const [x, weights] = [seq([2, 5, 3]), seq([3], 1)];
    const f = (t: K.Tensor) => K.add(K.sum(K.mul(K.slice(t, [0, 1, 0], [2, 3, 3]), weights)), K.sum(K.slice(t, [1, 0, 1], [1, 4, 2])));
    const [g] = K.grads(f)([x]);
    const w = Array.from(await weights.data());
    const expected = Array.from({ length: 30 }, (_, i) => {
      const [b, s, c] = [Math.floor(i / 15), Math.floor(i / 3) % 5, i % 3];
      return (s >= 1 && s < 4 ? w[c]! : 0) + (b === 1 && s < 4 && c >= 1 ? 1 : 0);
    });
    expect(Array.from(await g!.data())).toEqual(expected);
  });
});
