import fc from 'fast-check';
import { mul, setBackend, sum, tensor, tidy, valueAndGrads, type Layer, type Tensor } from '@kerasgpu/layers';
import { it } from 'vitest';

/** Where input values are drawn: [min, max] minus `margin` around each kink in `avoid`. */
export interface Dist { min: number; max: number; avoid?: readonly number[]; margin?: number }
export const SMOOTH: Dist = { min: -2, max: 2 };

const H = 1e-3;
const TOLERANCE = 1e-6;
const FLOOR = 1e-3;
const runs = (): number => Number(process.env.KERASGPU_PROPERTY_RUNS ?? 10);
/** float64 exists on the CPU backend only; the webgpu project checks forward values instead. */
const onCpu = (process.env.KERASGPU_BACKEND ?? 'cpu') === 'cpu';

type Swap = [target: Record<string, unknown>, key: string, value: unknown];

/**
 * Runs `fn` with the layer's weight variables replaced by `ws` (same order as `layer.weights`)
 * wherever the layer holds them: own fields, arrays in own fields, and its weight list. So the
 * layer's unmodified `call` runs on float64 tensors the gradient is taken with respect to.
 */
function withWeights<T>(layer: Layer, ws: readonly Tensor[], fn: () => T): T {
  const vars: unknown[] = layer.weights;
  const swaps: Swap[] = [];
  const swap = (target: Record<string, unknown>, key: string) => {
    const i = vars.indexOf(target[key]);
    if (i >= 0) { swaps.push([target, key, target[key]]); target[key] = ws[i]; }
  };
  const self = layer as unknown as Record<string, unknown>;
  for (const key of Object.keys(self)) {
    const v = self[key];
    swap(self, key);
    if (Array.isArray(v)) for (let j = 0; j < v.length; j++) {
      const item = v[j] as unknown;
      if (item !== null && typeof item === 'object' && 'variable' in item) swap(item as Record<string, unknown>, 'variable');
      else swap(v as unknown as Record<string, unknown>, String(j));
    }
  }
  try {
    return fn();
  } finally {
    for (const [target, key, value] of swaps.reverse()) target[key] = value;
  }
}

function valueArb(d: Dist): fc.Arbitrary<number> {
  const margin = d.margin ?? 0.05;
  return fc.double({ min: d.min, max: d.max, noNaN: true }).filter((v) => (d.avoid ?? []).every((k) => Math.abs(v - k) >= margin));
}
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);

/**
 * Numeric gradient property of a layer: in float64 on the CPU backend, the VJP of
 * L = Σ w ⊙ layer(x) with respect to the input and every weight matches a five-point central
 * difference along random directions (relative error < 1e-6). `makeLayer` returns a built layer;
 * its weights are where the check starts (set them with `weights` to keep kinks where `dist` avoids).
 * `training` runs the training-time call (give random layers a fixed seed).
 */
export function checkLayerGrad(name: string, makeLayer: () => Layer, inputShape: number[], dist: Dist = SMOOTH, { training = false } = {}): void {
  it.skipIf(!onCpu)(`${name}: gradients match finite differences (float64)`, async () => {
    await setBackend('cpu');
    const layer = makeLayer();
    layer.ensureBuilt([null, ...inputShape.slice(1)]);
    const weights = await Promise.all(layer.weights.map(async (w) => ({ shape: [...w.shape], values: Array.from(await w.data()) })));
    const outShape = tidy(() => withWeights(layer, weights.map((p) => tensor(p.values, p.shape, 'float64')), () =>
      [...(layer.call(tensor(new Float64Array(size(inputShape)), inputShape, 'float64'), { training }) as Tensor).shape]));
    const n = [size(inputShape), ...weights.map((w) => w.values.length)];
    const probe = fc.record({
      x: fc.array(valueArb(dist), { minLength: n[0]!, maxLength: n[0]! }),
      w: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: size(outShape), maxLength: size(outShape) }),
      dirs: fc.array(fc.tuple(...n.map((k) => fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: k, maxLength: k }))), { minLength: 2, maxLength: 2 }),
    });
    await fc.assert(fc.asyncProperty(probe, async ({ x, w, dirs }) => {
      const points = [x, ...weights.map((p) => p.values)];
      const shapes = [inputShape, ...weights.map((p) => p.shape)];
      const loss = (...ts: Tensor[]) => withWeights(layer, ts.slice(1), () =>
        sum(mul(layer.call(ts[0]!, { training }) as Tensor, tensor(w, outShape, 'float64'))));
      const at = async (dir: number[][] | null, t: number) => {
        const l = tidy(() => loss(...points.map((p, i) => tensor(p.map((v, k) => v + t * (dir?.[i]![k] ?? 0)), shapes[i], 'float64'))));
        const v = (await l.data())[0]!;
        l.dispose();
        return v;
      };
      const xs = points.map((p, i) => tensor(p, shapes[i], 'float64'));
      const { value, grads } = valueAndGrads(loss)(xs);
      const analytic = await Promise.all(grads.map((g) => g.data()));
      [value, ...grads, ...xs].forEach((t) => t.dispose());
      for (const dir of dirs) {
        const a = analytic.reduce((s, g, i) => s + dot(g, dir[i]!), 0);
        const [m2, m1, p1, p2] = await Promise.all([-2, -1, 1, 2].map((k) => at(dir, k * H)));
        const numeric = (m2! - 8 * m1! + 8 * p1! - p2!) / (12 * H);
        const err = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), FLOOR);
        if (!(err < TOLERANCE)) throw new Error(`${name}: VJP gives ${a}, finite differences ${numeric} (relative error ${err.toExponential(2)})`);
      }
    }), { numRuns: runs() });
  });
}
