import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Adadelta, Adam, Dense, Nadam, randomUniform, RMSprop, SGD, Sequential, setBackend, setSeed, type Model, type Optimizer } from '@kerasgpu/layers';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadModel } from '../src/index.js';
import { readKerasArchive } from '../src/keras/keras3.js';
import { h5Listing } from './h5-listing.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
beforeAll(async () => {
  await setBackend('cpu');
});

const OPTIMIZERS: [string, () => string | Optimizer][] = [
  ['SGD with Nesterov momentum', () => SGD({ lr: 0.05, momentum: 0.9, nesterov: true })],
  ['SGD with time decay (an InverseTimeDecay schedule: no learning_rate variable)', () => SGD({ lr: 0.05, momentum: 0.5, decay: 0.1 })],
  ...['rmsprop', 'adagrad', 'adadelta', 'adam', 'adamax', 'nadam'].map((o): [string, () => string] => [o, () => o]),
  ['Adam amsgrad', () => Adam({ amsgrad: true })],
];

const mlp = () => Sequential([Dense(5, { input_shape: [4], activation: 'tanh' }), Dense(2)]);
async function state(m: Model): Promise<[number, number[][][]]> {
  const slots = m.optimizer!.getSlots(m.trainableWeights);
  return [m.optimizer!.iterations, await Promise.all(slots.map((s) => Promise.all(s.map(async (t) => Array.from(await t.data())))))];
}

describe('.keras optimizer state: training resumed after load gives the uninterrupted losses', () => {
  for (const [name, optimizer] of OPTIMIZERS) {
    it(name, async () => {
      setSeed(3);
      const x = randomUniform([12, 4]);
      const y = randomUniform([12, 2]);
      const opts = { batch_size: 4, shuffle: false, verbose: 0 as const, epochs: 2 };
      const run = async (interrupt: boolean): Promise<number[]> => {
        setSeed(11);
        let model: Model = mlp();
        model.compile({ optimizer: optimizer(), loss: 'mse' });
        const first = await model.fit(x, y, opts);
        if (interrupt) {
          const p = join(dir, `resume-${name.replace(/\W+/g, '_')}.keras`);
          await model.save(p);
          const warn = vi.spyOn(console, 'warn');
          try {
            const loaded = await loadModel(p);
            expect(warn).not.toHaveBeenCalled();
            expect(await state(loaded)).toEqual(await state(model));
            model = loaded;
          } finally {
            warn.mockRestore();
          }
        }
        const second = await model.fit(x, y, opts);
        return [...first.history.loss!, ...second.history.loss!];
      };
      expect(await run(true)).toEqual(await run(false));
    });
  }
});

/** `optimizer/vars/<i>` shapes in index order. */
async function optimizerShapes(p: string): Promise<string[]> {
  const listing = await h5Listing(readKerasArchive(p).weights);
  const vars = listing.filter((l) => /^optimizer\/vars\/\d+ /.test(l)).map((l) => l.replace(/^optimizer\/vars\//, '').split(' '));
  return vars.sort((a, b) => Number(a[0]) - Number(b[0])).map((v) => v[1]!);
}

describe("Keras 3's order of optimizer variables (its build(): one weight's variables side by side, blocks after one another)", () => {
  const saved = async (name: string, optimizer: Optimizer) => {
    const model = mlp();
    model.compile({ optimizer, loss: 'mse' });
    await model.fit(randomUniform([4, 4]), randomUniform([4, 2]), { epochs: 1, verbose: 0 });
    const p = join(dir, `${name}.keras`);
    await model.save(p);
    return p;
  };
  const [k, b, k2, b2] = ['[4,5]', '[5]', '[5,2]', '[2]'];

  it("Adadelta: iterations, learning_rate, then each weight's accumulated_grad and accumulated_delta_var", async () => {
    expect(await optimizerShapes(await saved('adadelta', Adadelta()))).toEqual(['[]', '[]', k, k, b, b, k2, k2, b2, b2]);
  });
  it("RMSprop: the velocities; Nadam (as Keras 3.1): u_product before the momentum/velocity pairs", async () => {
    expect(await optimizerShapes(await saved('rmsprop', RMSprop()))).toEqual(['[]', '[]', k, b, k2, b2]);
    expect(await optimizerShapes(await saved('nadam', Nadam()))).toEqual(['[]', '[]', '[]', k, k, b, b, k2, k2, b2, b2]);
  });
  it('Adam amsgrad: the m/v pairs, then every v̂', async () => {
    expect(await optimizerShapes(await saved('amsgrad', Adam({ amsgrad: true })))).toEqual(['[]', '[]', k, k, b, b, k2, k2, b2, b2, k, b, k2, b2]);
  });

  it('state that fits another optimizer is not restored by position: a warning saying what Keras 3 keeps, and a fresh optimizer', async () => {
    const p = await saved('adam-as-adagrad', Adam());
    const entries = unzipSync(readFileSync(p));
    const config = JSON.parse(strFromU8(entries['config.json']!)) as { compile_config: { optimizer: { class_name: string; config: Record<string, unknown> } } };
    config.compile_config.optimizer = { ...config.compile_config.optimizer, class_name: 'Adagrad', config: { name: 'adagrad', learning_rate: 0.01, epsilon: 1e-8 } };
    writeFileSync(p, zipSync({ ...entries, 'config.json': strToU8(JSON.stringify(config)) }));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const loaded = await loadModel(p);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not restored \(10 variables, where Keras 3's Adagrad on this model's 4 weights has 6: iterations, learning_rate, accumulator\); the optimizer starts fresh/));
      expect(loaded.optimizer!.iterations).toBe(0);
    } finally {
      warn.mockRestore();
    }
  });
});
