import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRU, mul, Sequential, randomUniform, sum, tensor, tidy, valueAndGrads, type Tensor } from '@kerasgpu/layers';
import { ACTS, expectClose, useBackend, values, type Act } from './helpers.js';

beforeAll(useBackend);

interface Case { b: number; T: number; d: number; u: number; x: number[]; W: number[]; U: number[]; bias: number[] }

/**
 * Keras 2 / TF 2's reset-after GRU in float64, written from the equations (bias rows: input,
 * recurrent): [r_z, r_r, r_h] = h·U + b_r; z = σ(x_z + r_z); r = σ(x_r + r_r); ĥ = act(x_h + r∘r_h);
 * h' = z∘h + (1 − z)∘ĥ. Returns every step's h, [b, T, u].
 */
function reference(c: Case, act: Act, inner: Act): number[] {
  const { b, T, d, u, x, W, U, bias } = c;
  const out: number[] = [];
  const hs = Array.from({ length: b }, () => new Array<number>(u).fill(0));
  const seq: number[][][] = hs.map(() => []);
  for (let t = 0; t < T; t++) {
    for (let n = 0; n < b; n++) {
      const h = hs[n]!;
      const xw = Array.from({ length: 3 * u }, (_, j) => bias[j]! + Array.from({ length: d }, (_, k) => x[(n * T + t) * d + k]! * W[k * 3 * u + j]!).reduce((p, q) => p + q, 0));
      const hu = Array.from({ length: 3 * u }, (_, j) => bias[3 * u + j]! + h.reduce((p, hv, k) => p + hv * U[k * 3 * u + j]!, 0));
      const next = h.map((hv, j) => {
        const z = inner(xw[j]! + hu[j]!);
        const r = inner(xw[u + j]! + hu[u + j]!);
        const cand = act(xw[2 * u + j]! + r * hu[2 * u + j]!);
        return z * hv + (1 - z) * cand;
      });
      hs[n] = next;
      seq[n]!.push(next);
    }
  }
  for (const s of seq) for (const h of s) out.push(...h);
  return out;
}

const caseArb = fc.record({ b: fc.integer({ min: 1, max: 3 }), T: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 1, max: 3 }), u: fc.integer({ min: 1, max: 3 }) })
  .chain(({ b, T, d, u }) => {
    const vals = (n: number) => fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n });
    return fc.record({ x: vals(b * T * d), W: vals(d * 3 * u), U: vals(u * 3 * u), bias: vals(6 * u) }).map((v) => ({ b, T, d, u, ...v }));
  });

function layerFor(c: Case, activations: { activation: string; recurrent_activation: string }) {
  const gru = GRU(c.u, { reset_after: true, return_sequences: true, ...activations });
  gru.apply(tensor(new Float32Array(c.b * c.T * c.d), [c.b, c.T, c.d])).dispose();
  gru.setWeights([tensor(c.W, [c.d, 3 * c.u]), tensor(c.U, [c.u, 3 * c.u]), tensor(c.bias, [2, 3 * c.u])]);
  return gru;
}

describe('GRU reset_after (Keras 2 / TF 2)', () => {
  it('matches the float64 reference for random shapes and values, with each activation pair', async () => {
    await fc.assert(fc.asyncProperty(caseArb, fc.constantFrom(['tanh', 'hard_sigmoid'], ['tanh', 'sigmoid'], ['sigmoid', 'sigmoid']), async (c, [a, i]) => {
      const gru = layerFor(c, { activation: a, recurrent_activation: i });
      const y = gru.apply(tensor(c.x, [c.b, c.T, c.d]));
      expectClose(await values(y), reference(c, ACTS[a]!, ACTS[i]!), 1e-5);
      y.dispose();
      gru.dispose();
    }), { numRuns: 15 });
  });

  it('gradients w.r.t. the input and every weight match finite differences of the float64 reference', async () => {
    await fc.assert(fc.asyncProperty(caseArb, fc.integer(), async (c, seed) => {
      const gru = layerFor(c, { activation: 'tanh', recurrent_activation: 'sigmoid' }); // smooth, for finite differences
      const rnd = (n: number) => Array.from({ length: n }, (_, k) => Math.sin(seed + 7 * k));
      const w = rnd(c.b * c.T * c.u);
      const loss = (cc: Case) => reference(cc, Math.tanh, ACTS.sigmoid!).reduce((s, v, k) => s + v * w[k]!, 0);
      const x = tensor(c.x, [c.b, c.T, c.d]);
      const wt = tensor(w, [c.b, c.T, c.u]);
      const [kernel, recurrent, bias] = gru.weights;
      const { value, grads } = valueAndGrads((xx) => sum(mul(gru.call(xx!, { training: true }) as Tensor, wt)))([x, kernel!, recurrent!, bias!]);
      const analytic = await Promise.all(grads.map((g) => values(g)));
      const keys = ['x', 'W', 'U', 'bias'] as const;
      keys.forEach((key, gi) => {
        const dir = rnd(c[key].length).map((v) => Math.cos(3 * v + gi));
        const h = 1e-4;
        const at = (t: number) => loss({ ...c, [key]: c[key].map((v, k) => v + t * dir[k]!) });
        const numeric = (at(-2 * h) - 8 * at(-h) + 8 * at(h) - at(2 * h)) / (12 * h);
        const a = analytic[gi]!.reduce((s, g, k) => s + g * dir[k]!, 0);
        expect(Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), 1e-2), key).toBeLessThan(2e-3);
      });
      tidy(() => [value, ...grads, x, wt].forEach((t) => t.dispose()));
      gru.dispose();
    }), { numRuns: 10 });
  });

  it('Keras 2 names and config: bias (2, 3·units), reset_after round-trips, Keras 1 default is reset before', async () => {
    const gru = GRU(4, { reset_after: true, input_shape: [3, 2] });
    const model = Sequential([gru]);
    expect(gru.weights.map((v) => v.shape)).toEqual([[2, 12], [4, 12], [2, 12]]);
    const config = gru.getConfig();
    expect(config.reset_after).toBe(true);
    const again = GRU.fromConfig({ ...config, name: 'gru_copy' });
    expect(again.resetAfter).toBe(true);
    const copy = Sequential([again]);
    copy.setWeights(model.getWeights());
    const x = randomUniform([2, 3, 2]);
    expect(await values(copy.predict(x) as Tensor)).toEqual(await values(model.predict(x) as Tensor));
    expect(GRU(4).getConfig().reset_after).toBe(false);
    expect(GRU(4, { input_shape: [3, 2] }).resetAfter).toBe(false);
  });

  it('a Sequential model with a reset_after GRU trains', async () => {
    const model = Sequential([GRU(5, { reset_after: true, input_shape: [4, 3] })]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const [x, y] = [randomUniform([16, 4, 3]), randomUniform([16, 5])];
    const h = await model.fit(x, y, { nb_epoch: 3, batch_size: 8, verbose: 0 });
    expect(h.history.loss![2]).toBeLessThan(h.history.loss![0]!);
  });
});
