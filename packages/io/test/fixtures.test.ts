import { readdirSync } from 'node:fs';
import { setBackend, tensor, type Tensor } from '@kerasgpu/core';
import { layerClasses, type Model } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, loadWeights, modelFromJSON, readKerasH5 } from '../src/index.js';
import { fixture, readJson } from './helpers.js';

interface RefIO { name: string; shape: number[]; dtype: string; data: number[] }
interface Ref {
  model?: string; weights_only?: string; config?: string;
  inputs: RefIO[]; outputs: RefIO[]; outputs_without_kernel_flip?: Omit<RefIO, 'name'>;
  tolerance: { abs: number; rel?: number };
}

/** The Keras class names a model config uses, nested models included. */
function classNames(spec: { class_name: string; config: unknown }): string[] {
  const c = spec.config as { class_name: string; config: unknown }[] | { layers?: { class_name: string; config: unknown }[]; layer?: { class_name: string; config: unknown } };
  const inner = Array.isArray(c) ? c : [...(c.layers ?? []), ...(c.layer ? [c.layer] : [])];
  return [spec.class_name, ...inner.flatMap(classNames)];
}

async function configOf(ref: Ref): Promise<{ class_name: string; config: unknown }> {
  if (ref.config) return readJson(ref.config);
  return (await readKerasH5(fixture(ref.model!))).modelConfig as { class_name: string; config: unknown };
}

/** Loads the fixture's model: the full save, or the JSON config plus the weights file. */
async function load(ref: Ref, originalBackend?: string): Promise<Model> {
  const opts = originalBackend ? { originalBackend } : {};
  if (ref.model) return loadModel(fixture(ref.model), opts);
  const model = modelFromJSON(readJson(ref.config!));
  await (originalBackend ? loadWeights(model, fixture(ref.weights_only!), opts) : model.loadWeights(fixture(ref.weights_only!)));
  return model;
}

async function predict(model: Model, ref: Ref): Promise<Float32Array[]> {
  const xs = ref.inputs.map((i) => tensor(i.data, i.shape, i.dtype === 'int32' ? 'int32' : 'float32'));
  const ys = model.predict(xs.length === 1 ? xs[0]! : xs, { batchSize: 1024 });
  const outs = (Array.isArray(ys) ? ys : [ys]) as Tensor[];
  const data = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  for (const t of [...xs, ...outs]) t.dispose();
  return data;
}

/**
 * Keras-computed (`*.expected.json`) or NumPy-reference (`*.ref.json`) outputs, within the
 * fixture's tolerance (|y - e| <= abs + rel·|e|, SOURCES.md) and with max abs error < 1e-4 on
 * outputs of magnitude up to 1 (the arange-weighted conv fixtures reach 1e4, beyond float32's 1e-4).
 */
function expectClose(got: Float32Array, want: Omit<RefIO, 'name'>, tol: Ref['tolerance']): void {
  expect(got.length).toBe(want.data.length);
  let worst = 0, excess = -Infinity;
  want.data.forEach((e, i) => {
    const d = Math.abs(got[i]! - e);
    worst = Math.max(worst, d / Math.max(1, Math.abs(e)));
    excess = Math.max(excess, d - tol.abs - (tol.rel ?? 0) * Math.abs(e));
  });
  expect(worst).toBeLessThan(1e-4);
  expect(excess).toBeLessThanOrEqual(0);
}

const REFS = readdirSync(fixture('.')).filter((n) => n.endsWith('.expected.json') || n.endsWith('.ref.json')).sort();

describe('Keras fixtures load and predict what Keras (or the NumPy reference) computed', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  for (const name of REFS) {
    it(name, async () => {
      const ref = readJson<Ref>(name);
      const missing = [...new Set(classNames(await configOf(ref)))].filter((c) => !layerClasses.has(c) && c !== 'Sequential' && c !== 'Model');
      if (missing.length > 0) {
        // Until every layer exists: loading must fail cleanly, naming the class.
        await expect(load(ref)).rejects.toThrow(new RegExp(missing[0]!));
        return;
      }
      const outs = await predict(await load(ref), ref);
      if (ref.outputs_without_kernel_flip && name.startsWith('k1_')) {
        // Keras 1 Theano files record no backend: read as Keras 2 reads them (kernels as stored), and,
        // with originalBackend 'theano', as Keras 1 computed on Theano (true convolution).
        expectClose(outs[0]!, ref.outputs_without_kernel_flip, ref.tolerance);
        const theano = await predict(await load(ref, 'theano'), ref);
        ref.outputs.forEach((o, i) => expectClose(theano[i]!, o, ref.tolerance));
      } else {
        ref.outputs.forEach((o, i) => expectClose(outs[i]!, o, ref.tolerance));
      }
    });
  }
});
