import { readdirSync } from 'node:fs';
import { setBackend } from '@kerasgpu/core';
import { layerClasses, type Model } from '@kerasgpu/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, loadWeights, modelFromJSON, readKerasH5 } from '../src/index.js';
import { fixture, readJson } from './helpers.js';
import { expectClose, predict, type Ref } from './refs.js';

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
