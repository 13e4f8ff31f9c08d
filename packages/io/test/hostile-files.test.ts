import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KerasGpuError, memory, mul, ShapeError, type Tensor } from '@kerasgpu/core';
import { Dense, Lambda, Sequential, setBackend, type Model } from '@kerasgpu/layers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeStringAttr, writeStringList } from '../src/hdf5/attrs.js';
import { tempPathFor } from '../src/hdf5/atomic.js';
import { h5ready, h5wasm, writeH5Atomic } from '../src/hdf5/h5.js';
import { KerasFileError, loadModel, loadWeights, modelFromJSON, modelFromYAML, readKerasH5 } from '../src/index.js';
import { readJson, tempDir } from './helpers.js';

/**
 * Hostile input at the file boundary, one table per kind: the input, the error it must give
 * (class and a fragment naming the file / layer / value), and that nothing changed on refusal.
 */

const dir = tempDir();
beforeAll(async () => {
  await setBackend('cpu');
  await h5ready();
});

/** A Sequential config's layer specs: Keras 2.1's plain list or 2.2's {name, layers}. */
const layersOf = (spec: { config: unknown }) => (Array.isArray(spec.config) ? spec.config : (spec.config as { layers: unknown[] }).layers) as { class_name: string; config: Record<string, unknown> }[];

const weightsOf = async (m: Model) => Promise.all(m.getWeights().map(async (t) => Array.from(await t.data())));

/** The error a call gives, with how long it took. */
async function failure(f: () => unknown): Promise<{ error: unknown; ms: number }> {
  const t = performance.now();
  try {
    await f();
  } catch (error) {
    return { error, ms: performance.now() - t };
  }
  throw new Error('expected the call to fail');
}

describe('YAML alias bombs fail fast', () => {
  /** ~500 bytes that expand to 9⁹ values: each level aliases the one before nine times. */
  const billionLaughs = (at: string) => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    return `${levels.join('\n')}\nclass_name: Sequential\nconfig: {name: m, layers: [{class_name: Dense, config: {units: 1, ${at}: *a8}}]}\n`;
  };
  /** A wide anchor aliased often: each alias is cheap for the parser's count, 10⁷ values in all. */
  const wide = `w: &w [${Array(2000).fill(0).join(',')}]\nclass_name: Sequential\nconfig: {layers: [{class_name: Dense, config: {units: 1, batch_input_shape: [${Array(5000).fill('*w').join(',')}]}}]}\n`;

  it.each([
    ['billion laughs in a shape', billionLaughs('batch_input_shape'), /modelFromYAML: not valid YAML \(Excessive alias count/],
    ['billion laughs in a name', billionLaughs('name'), /modelFromYAML: not valid YAML \(Excessive alias count/],
    ['a wide anchor aliased 5000 times', wide, /modelFromYAML: the document's aliases expand to more than 2000000 values/],
  ])('%s', async (_, doc, message) => {
    expect(doc.length).toBeLessThan(wide.length + 1);
    const { error, ms } = await failure(() => modelFromYAML(doc));
    expect(error).toBeInstanceOf(KerasFileError);
    expect((error as Error).message).toMatch(message);
    // Unguarded, the 8-level bombs take ~10 s (the 7-level one took 1.1 s); the bound leaves room for a busy CI machine.
    expect(ms).toBeLessThan(3000);
  });

  it('Keras YAML with an anchor shared by many layers still loads', () => {
    // PyYAML aliases a tuple every layer shares (a default `strides=(1, 1)`): past the parser's default limit of 100.
    const pool = (i: number) => `- class_name: MaxPooling2D\n  config: {name: p${i}, pool_size: *s, strides: *s, padding: valid}`;
    const doc = `class_name: Sequential\nconfig:\n- class_name: MaxPooling2D\n  config: {name: p0, batch_input_shape: [null, 4, 4, 1], pool_size: &s !!python/tuple [1, 1]}\n${Array.from({ length: 150 }, (_, i) => pool(i + 1)).join('\n')}\n`;
    const model = modelFromYAML(doc);
    expect(model.layers).toHaveLength(151);
    model.dispose();
  });
});

/** A Keras weights file with one Dense group whose kernel declares `kernel` but stores (almost) nothing. */
async function craftWeights(p: string, kernel: number[], options: { modelConfig?: string } = {}): Promise<void> {
  await writeH5Atomic(p, (f) => {
    writeStringAttr(f, 'keras_version', '2.1.6');
    writeStringAttr(f, 'backend', 'tensorflow');
    if (options.modelConfig) writeStringAttr(f, 'model_config', options.modelConfig);
    const root = options.modelConfig ? f.create_group('model_weights') : f;
    writeStringList(root, 'layer_names', ['dense_1']);
    const g = root.create_group('dense_1');
    writeStringList(g, 'weight_names', ['dense_1/kernel:0', 'dense_1/bias:0']);
    const d = g.create_group('dense_1');
    // Chunked storage allocates nothing until written: a huge declared shape in a small file.
    const k = d.create_dataset({ name: 'kernel:0', data: new Float32Array(4), shape: [2, 2], dtype: '<f', maxshape: kernel.map(() => null), chunks: kernel.map(() => 2) });
    k.resize(kernel);
    d.create_dataset({ name: 'bias:0', data: new Float32Array(2), shape: [2], dtype: '<f' });
  });
}

const denseConfig = JSON.stringify({ class_name: 'Sequential', config: [{ class_name: 'Dense', config: { name: 'dense_1', units: 2, batch_input_shape: [null, 2] } }] });

describe('weight files that declare more than the model holds are refused before reading', () => {
  const huge = join(dir, 'huge.h5');
  const wide = join(dir, 'wide.h5');
  beforeAll(async () => {
    await craftWeights(huge, [20000, 20000]);
    await craftWeights(wide, [3, 2]);
  });

  it('the crafted file is small', () => {
    expect(readFileSync(huge).length).toBeLessThan(64 * 1024);
  });

  it.each([
    ['a 1.6 GB kernel declared in a small file', huge, /huge\.h5: layer dense_1: weight kernel has shape \[2, 2\], the file's 'dense_1\/kernel:0' has shape \[20000, 20000\]/],
    ['a kernel larger than the layer\'s', wide, /wide\.h5: layer dense_1: weight kernel has shape \[2, 2\], the file's 'dense_1\/kernel:0' has shape \[3, 2\]/],
  ])('loadWeights: %s', async (_, p, message) => {
    const model = Sequential([Dense(2, { input_dim: 2, name: 'dense_1' })]);
    const before = await weightsOf(model);
    const { error, ms } = await failure(() => loadWeights(model, p));
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as Error).message).toMatch(message);
    expect(ms).toBeLessThan(1000);
    expect(await weightsOf(model)).toEqual(before);
    model.dispose();
  });

  it('read on its own, a dataset larger than its whole file is refused before reading', async () => {
    const { error, ms } = await failure(() => readKerasH5(huge));
    expect(error).toBeInstanceOf(KerasFileError);
    expect((error as Error).message).toMatch(/huge\.h5: dataset \/dense_1\/dense_1\/kernel:0 declares shape \[20000, 20000\] \(1600000000 bytes\), more than the whole file/);
    expect(ms).toBeLessThan(1000);
  });

  it('loadModel checks the declared shapes against the model it builds', async () => {
    const p = join(dir, 'huge-model.h5');
    await craftWeights(p, [20000, 20000], { modelConfig: denseConfig });
    const { error, ms } = await failure(() => loadModel(p));
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as Error).message).toMatch(/huge-model\.h5: layer dense_1: .*'dense_1\/kernel:0' has shape \[20000, 20000\]/);
    expect(ms).toBeLessThan(1000);
  });
});

describe('saving where the file cannot be written is one line naming the path and the cause', () => {
  const model = () => Sequential([Dense(2, { input_dim: 2 })]);
  const aFile = join(dir, 'a-file');
  const readOnly = join(dir, 'read-only');
  beforeAll(() => {
    writeFileSync(aFile, 'not a folder');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
  });
  const isRoot = process.getuid?.() === 0;

  const cases: [string, string, RegExp][] = [
    ['a missing folder', join(dir, 'missing', 'm.h5'), /cannot save .*missing\/m\.h5: no such directory/],
    ['a parent that is a file', join(aFile, 'm.h5'), /cannot save .*a-file\/m\.h5: .*a-file is not a directory/],
    ['a target that is a folder', dir, /cannot save .*: it is a directory/],
  ];
  // Root writes into a read-only folder anyway (CI runs as root).
  if (!isRoot) cases.push(['a read-only folder', join(readOnly, 'm.h5'), /cannot save .*read-only\/m\.h5: permission denied/]);
  it.each(cases)('%s', async (_, p, message) => {
    const listing = readdirSync(dir);
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (stderr.push(String(s)), true)) as typeof process.stderr.write;
    let error: unknown;
    try {
      ({ error } = await failure(() => model().save(p)));
    } finally {
      process.stderr.write = write;
    }
    expect(error).toBeInstanceOf(KerasFileError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    expect(stderr.join('')).not.toContain('HDF5-DIAG');
    expect(readdirSync(dir)).toEqual(listing);
  });

  it('a full disk (HDF5\'s 54-line diagnostic) becomes one line, and the old file stays', async () => {
    const p = join(dir, 'full.h5');
    await model().save(p);
    const before = readFileSync(p);
    // The tail of what h5wasm throws when a write hits ENOSPC (seen on a 64 KiB tmpfs).
    const diag = `HDF5-DIAG: Error detected in HDF5 (2.0.0):\n${'  #000: H5D.c line 1360 in H5Dwrite(): can\'t synchronously write data\n    major: Dataset\n    minor: Write failed\n'.repeat(16)}  #016: H5FDsec2.c line 775 in H5FD__sec2_write(): file write failed: time = Sat Dec  5 11:33:58 2026\n, filename = '${p}', file descriptor = 3, errno = 51, error message = 'No space left on device', buf = 0x2f4f18\n    major: Low-level I/O\n    minor: Write failed\n`;
    const { error } = await failure(() => writeH5Atomic(p, () => {
      throw new Error(diag);
    }));
    expect(error).toBeInstanceOf(KerasFileError);
    expect((error as Error).message).toBe(`cannot save ${p}: no space left on device`);
    expect(readFileSync(p).equals(before)).toBe(true);
    expect(existsSync(tempPathFor(p))).toBe(false);
  });
});

describe('temporary files never outlive a save', () => {
  it('a stale temporary file (a save killed by SIGKILL) is removed by the next save to the target', async () => {
    const p = join(dir, 'stale.h5');
    writeFileSync(tempPathFor(p), Buffer.alloc(4096, 7));
    await Sequential([Dense(2, { input_dim: 2 })]).save(p);
    expect(existsSync(tempPathFor(p))).toBe(false);
    (await loadModel(p)).dispose();
  });

  // The child is a user's plain node script, so it runs the built package (as core's exports test does).
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  it('SIGINT during a large save removes the temporary file and still ends the process', async () => {
    expect(existsSync(dist), `${dist} is missing: run \`npm run build\` first`).toBe(true);
    const p = join(dir, 'interrupted.h5');
    const script = `
      import { Dense, Sequential } from '@kerasgpu/layers';
      import '@kerasgpu/io';
      const model = Sequential([Dense(1024, { input_dim: 1024 }), ...Array.from({ length: 24 }, () => Dense(1024))]);
      await model.save(${JSON.stringify(p)});
      console.log('saved');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, env: { ...process.env, KERASGPU_BACKEND: 'cpu' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_, signal) => done(signal)));
    let sent = false;
    while (!sent && child.exitCode === null) {
      if (existsSync(tempPathFor(p))) sent = child.kill('SIGINT');
      else await new Promise((r) => setTimeout(r, 2));
    }
    const signal = await exited;
    expect(sent, `the child finished before its temporary file was seen (${out})`).toBe(true);
    expect(signal).toBe('SIGINT');
    expect(out).not.toContain('saved');
    expect(existsSync(tempPathFor(p))).toBe(false);
    expect(existsSync(p)).toBe(false);
  });
});

describe('Lambda functions come from customObjects, never from the file', () => {
  const double = (x: Tensor | Tensor[]) => mul(x as Tensor, 2);
  const make = () => Sequential([Dense(2, { input_dim: 2 }), Lambda(function twice(x) { return double(x); }, { name: 'my_lambda' })]);

  it('by the function name the config gives, through JSON and through a saved file', async () => {
    const model = make();
    const x = [[1, 2]];
    const want = await (model.predict(x as never) as Tensor).array();
    const fromJson = modelFromJSON(model.toJSON(), { twice: double });
    fromJson.setWeights(model.getWeights());
    expect(await (fromJson.predict(x as never) as Tensor).array()).toEqual(want);
    const p = join(dir, 'lambda.h5');
    await model.save(p);
    const loaded = await loadModel(p, { customObjects: { twice: double } });
    expect(await (loaded.predict(x as never) as Tensor).array()).toEqual(want);
    for (const m of [model, fromJson, loaded]) m.dispose();
  });

  it('by the layer name when the config holds marshalled bytecode (Keras\'s lambda)', () => {
    const json = JSON.parse(make().toJSON()) as { config: unknown };
    Object.assign(layersOf(json)[1]!.config, { function: ['4wEAAAAAAAAAAQAAAAIAAABTAAAAcwgAAAB8AGQBFABTACkCTukCAAAAqQApAdoBeHIBAAAAcgEAAAD6AHoIPGxhbWJkYT4BAAAA8wAAAAA=', null, null], function_type: 'lambda' });
    const model = modelFromJSON(json, { my_lambda: double });
    expect(model.layers[1]!.className).toBe('Lambda');
    model.dispose();
  });

  it.each([
    ['no customObjects', {}],
    ['a non-function under the name', { twice: 'not code' }],
    ['a name on the prototype only', Object.create({ twice: double }) as Record<string, unknown>],
  ])('%s: refused, naming the layer and where to put the function', (_, customObjects) => {
    const before = memory().numTensors;
    expect(() => modelFromJSON(make().toJSON(), customObjects)).toThrow(KerasFileError);
    expect(() => modelFromJSON(make().toJSON(), customObjects)).toThrow(/Lambda layer 'my_lambda' needs its function: pass it in customObjects under 'twice' or 'my_lambda'/);
    expect(memory().numTensors).toBeGreaterThanOrEqual(before);
  });
});

describe('class names are looked up as own keys only', () => {
  const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];
  it.each(names)('layer class_name %s is an unknown layer class', (name) => {
    for (const customObjects of [{}, { MyLayer: Dense }]) {
      const spec = { class_name: 'Sequential', config: [{ class_name: name, config: { name: 'x' } }] };
      expect(() => modelFromJSON(spec, customObjects)).toThrow(KerasGpuError);
      expect(() => modelFromJSON(spec, customObjects)).toThrow(new RegExp(`unknown layer class '${name}'`));
    }
  });
  it.each(names)('model class_name %s is refused', (name) => {
    expect(() => modelFromJSON({ class_name: name, config: {} })).toThrow(/expected class_name Sequential, Model or Functional, got/);
  });
});

describe('a failed loadModel frees what it built', () => {
  it('20 failing loads leave the number of tensors unchanged', async () => {
    const good = join(dir, 'good.h5');
    const model = Sequential([Dense(4, { input_dim: 2, name: 'a' }), Dense(3, { name: 'b' })]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    await model.save(good);
    model.dispose();
    const config = (await readKerasH5(good)).modelConfig as { config: unknown };
    const variant = async (name: string, edit: (f: InstanceType<typeof h5wasm.File>) => void) => {
      const p = join(dir, name);
      writeFileSync(p, readFileSync(good));
      const f = new h5wasm.File(p, 'a');
      edit(f);
      f.close();
      return p;
    };
    const badLayer = structuredClone(config);
    layersOf(badLayer)[1]!.class_name = 'constructor';
    const files = [
      await variant('bad-layer.h5', (f) => { f.delete_attribute('model_config'); writeStringAttr(f, 'model_config', JSON.stringify(badLayer)); }),
      await variant('bad-optimizer.h5', (f) => { f.delete_attribute('training_config'); writeStringAttr(f, 'training_config', JSON.stringify({ loss: 'mse', metrics: [], optimizer_config: { class_name: 'toString', config: {} } })); }),
      await variant('no-group.h5', (f) => { (f.get('model_weights') as InstanceType<typeof h5wasm.Group>).delete_attribute('layer_names'); writeStringList(f.get('model_weights') as InstanceType<typeof h5wasm.Group>, 'layer_names', ['a', 'nope']); }),
    ];
    const huge = join(dir, 'huge-model-2.h5');
    await craftWeights(huge, [20000, 20000], { modelConfig: denseConfig });
    files.push(huge);
    const before = memory().numTensors;
    for (let i = 0; i < 20; i++) {
      const p = files[i % files.length]!;
      await expect(loadModel(p), p).rejects.toThrow(KerasGpuError);
    }
    expect(memory().numTensors).toBe(before);
  });
});

describe('modelFromJSON on mutated configs', () => {
  type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
  const configs = ['k2_add_config.json', 'k1_mlp_fapi_config.json'].map((n) => readJson<{ [k: string]: Json }>(n));

  /** Every path to a value in `v`. */
  const paths = (v: Json, at: (string | number)[] = []): (string | number)[][] => {
    if (Array.isArray(v)) return [at, ...v.flatMap((c, i) => paths(c, [...at, i]))];
    if (v !== null && typeof v === 'object') return [at, ...Object.entries(v).flatMap(([k, c]) => paths(c, [...at, k]))];
    return [at];
  };
  // Small numbers only: a hostile `units: 1e6` allocates gigabytes by design, not by a bug.
  const value: fc.Arbitrary<Json> = fc.oneof(
    fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 40 }), fc.constantFrom(0.5, NaN, Infinity, -1e300, 1e300),
    fc.constantFrom('', 'constructor', '__proto__', 'toString', 'Dense', 'Model', 'Sequential', 'relu', 'input_3'),
    fc.constant<Json>([]), fc.constant<Json>({}), fc.constant<Json>([null, 2]), fc.constant<Json>([['input_3', 0, 0, {}]]),
  );
  const mutation = fc.record({ config: fc.nat(configs.length - 1), at: fc.nat(), kind: fc.constantFrom('set', 'delete', 'swap'), value, other: fc.nat() });

  it('gives a model or a KerasGpuError, never a TypeError or a hang', () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
      const doc = structuredClone(configs[ms[0]!.config]!) as Json;
      for (const m of ms) {
        const all = paths(doc).filter((p) => p.length > 0);
        const path = all[m.at % all.length]!;
        const parent = path.slice(0, -1).reduce<Json>((o, k) => (o as Record<string, Json>)[k]!, doc) as Record<string | number, Json>;
        const key = path.at(-1)!;
        if (m.kind === 'delete') {
          if (Array.isArray(parent)) parent.splice(key as number, 1);
          else delete parent[key];
        } else if (m.kind === 'set') parent[key] = m.value;
        else parent[key] = structuredClone(parent[all[m.other % all.length]!.at(-1)!] ?? null);
      }
      const t = performance.now();
      try {
        modelFromJSON(doc as Record<string, unknown>).dispose();
      } catch (e) {
        if (!(e instanceof KerasGpuError)) throw new Error(`${(e as Error).stack} for ${JSON.stringify(ms)}`);
      }
      expect(performance.now() - t).toBeLessThan(5000);
    }), { numRuns: 300, seed: 16 });
  });
});
