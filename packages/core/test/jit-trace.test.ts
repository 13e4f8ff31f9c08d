import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { gpuBackend } from './webgpu/harness.js';

/**
 * A step of a tiny model built from core ops: dropout, a dense layer, a squared loss, Adam. The
 * `t` counter stands for the optimizer's iteration count a replay asks for.
 */
function makeStep(w: K.Variable, m: K.Variable, v: K.Variable, x: K.Tensor, counter: { t: number }) {
  return (): K.Tensor[] => K.tidy(() => {
    const { value, grads } = K.variableGrads(() => K.mean(K.square(K.matMul(K.dropout(x, 0.25), w))), [w]);
    counter.t++;
    K.applyOptimizerUpdate('adam', { lr: 0.01 / counter.t, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, t: counter.t }, w, grads[w.name]!, [m, v]);
    return [value];
  });
}

const adamValues = (counter: { t: number }) => ({ update: () => { counter.t++; return { rule: 'adam' as const, hyper: { lr: 0.01 / counter.t, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, t: counter.t } }; } });

describe('traceStep (the backend-independent trace)', () => {
  it('lists the ops, the optimizer update and each slot\'s liveness; the cpu backend runs steps eagerly', async () => {
    await K.setBackend('cpu');
    // Made in tidy: each variable owns its storage, so the update runs in place (no unsharing copy).
    const w = K.tidy(() => K.variable(K.randomUniform([4, 2], -1, 1, 1)));
    const [m, v] = K.tidy(() => [K.variable(K.zerosLike(w)), K.variable(K.zerosLike(w))]);
    const x = K.randomUniform([3, 4], 0, 1, 2);
    const traced = K.traceStep(makeStep(w, m, v, x, { t: 0 }), [x], [w, m, v]);
    expect(traced.step).toBeNull();
    expect(traced.reason).toMatch(/cpu backend runs steps eagerly/);
    const text = traced.program.describe();
    expect(text).toMatch(/= random\(\)/);
    expect(text).toMatch(/= matMul\(/);
    expect(text).toMatch(/update\.adam\(/);
    const ops = traced.program.ops;
    // The batch is slot 0 and external; every slot the step made is freed or returned.
    expect(traced.program.slots[0]).toMatchObject({ external: true });
    const made = traced.program.slots.map((s, i) => (s.external ? -1 : i)).filter((i) => i >= 0);
    const freed = new Set(ops.flatMap((o) => (o.kind === 'free' ? [o.slot] : [])));
    expect(made.filter((i) => !freed.has(i)).length).toBe(1); // the loss
    expect(ops.some((o) => o.kind === 'assign')).toBe(false);
    for (const s of traced.program.slots) expect(s.first).toBeLessThanOrEqual(s.last);
    K.dispose([...traced.outputs, w, m, v, x]);
  });
});

describe('traceStep on webgpu: replay', () => {
  it('replays with fresh keys and per-step values, equal to eager steps, creating no pipeline, bind group or buffer', async () => {
    await K.setBackend('webgpu');
    const run = async (compiled: boolean) => {
      K.setSeed(3);
      const w = K.variable(K.randomUniform([64, 8], -1, 1, 1));
      const [m, v] = [K.variable(K.zerosLike(w)), K.variable(K.zerosLike(w))];
      const counter = { t: 0 };
      const losses: number[] = [];
      let outs: K.Tensor[] = [];
      const batch = (i: number) => K.randomUniform([16, 64], 0, 1, 100 + i);
      let step: K.CompiledStep | null = null;
      let around = { created: 0, buffers: 0 };
      for (let i = 0; i < 12; i++) {
        const x = batch(i);
        if (!compiled || i < 2) {
          const out = i === 1 && compiled ? K.traceStep(makeStep(w, m, v, x, counter), [x], [w, m, v]) : { outputs: makeStep(w, m, v, x, counter)(), step: null, reason: null };
          if (out.step) step = out.step;
          else if (compiled && i === 1) throw new Error(`not replayable: ${out.reason}`);
          outs = out.outputs;
        } else {
          expect(step!.canReplay([x])).toBe(true);
          await K.sync(); // the batch's own kernel is submitted (with its uniforms) before the replay
          const before = K.deviceStats()!, buffers = K.memory().numBuffers;
          outs = step!.replay([x], adamValues(counter));
          const after = K.deviceStats()!;
          around = { created: around.created + after.pipelines - before.pipelines + after.bindGroups - before.bindGroups, buffers: around.buffers + K.memory().numBuffers - buffers };
          // The per-step values (Adam's bias corrections, the dropout key) reach the device in one write.
          expect(after.writes - before.writes).toBe(1);
        }
        if (i === 5 && step) expect(step.canReplay([x])).toBe(false); // the loss is still held: a replay would overwrite it
        x.dispose();
        losses.push((await outs[0]!.data())[0]!);
        K.dispose(outs);
      }
      return { losses, weights: [w, m, v], step, around };
    };
    const eager = await run(false);
    const compiled = await run(true);
    expect(compiled.around).toEqual({ created: 0, buffers: 0 });
    const values = async (ts: K.Tensor[]) => Promise.all(ts.map(async (t) => Array.from(await t.data())));
    expect(compiled.losses).toEqual(eager.losses);
    expect(await values(compiled.weights)).toEqual(await values(eager.weights));
    // Dropout drew a new mask each step: the losses differ from step to step.
    expect(new Set(compiled.losses).size).toBe(compiled.losses.length);
    K.dispose([...eager.weights, ...compiled.weights]);
    compiled.step!.dispose();
    await K.setBackend('cpu');
  });
});

describe('traceStep on webgpu: exact repeats', () => {
  it('a replay skips packing a GEMM operand a second time (another packing between), with the same results', async () => {
    await K.setBackend('webgpu');
    // Large enough for B to be packed on a CPU adapter; b is packed, then c, then b again.
    const [b, c] = K.tidy(() => [K.variable(K.randomUniform([256, 160], -1, 1, 1)), K.variable(K.randomUniform([256, 160], -1, 1, 2))]);
    const step = (x: K.Tensor) => () => K.tidy(() => [K.sum(K.matMul(x, b)), K.sum(K.matMul(x, c)), K.sum(K.matMul(K.neg(x), b))]);
    const batch = (i: number) => K.randomUniform([128, 256], 0, 1, 10 + i);
    const values = async (ts: K.Tensor[]) => Promise.all(ts.map(async (t) => (await t.data())[0]!));
    const x0 = batch(0);
    const traced = K.traceStep(step(x0), [x0], [b, c]);
    K.dispose(traced.outputs);
    const compiled = traced.step!;
    // Only the CPU adapter's GEMM packs B (a GPU's tiles stage it in workgroup memory instead).
    if ((await gpuBackend()).ctx.facts.isCpu) expect(compiled.counts.repeatedDispatches).toBe(1);
    expect(compiled.counts.replayedDispatches).toBeLessThanOrEqual(compiled.counts.dispatches - compiled.counts.repeatedDispatches);
    for (let i = 1; i < 4; i++) {
      const x = batch(i);
      const eager = step(x)();
      const want = await values(eager);
      K.dispose(eager);
      await K.sync();
      const replayed = compiled.replay([x], {});
      expect(await values(replayed)).toEqual(want);
      K.dispose([...replayed, x]);
    }
    compiled.dispose();
    K.dispose([b, c, x0]);
    await K.setBackend('cpu');
  });

  it('but not when the operand was written in between (an update of it)', async () => {
    await K.setBackend('webgpu');
    const vars = () => K.tidy(() => [K.variable(K.randomUniform([256, 160], -1, 1, 1)), K.variable(K.randomUniform([256, 160], -1, 1, 2)), K.variable(K.zeros([256, 160]))]);
    const sgd = { rule: 'sgd' as const, hyper: { lr: 0.1, momentum: 0, nesterov: false } };
    const step = (x: K.Tensor, [b, c, v]: K.Variable[]) => () => K.tidy(() => {
      const first = K.sum(K.matMul(x, b!));
      K.applyOptimizerUpdate(sgd.rule, sgd.hyper, b!, K.ones([256, 160]), [v!]);
      return [first, K.sum(K.matMul(x, c!)), K.sum(K.matMul(x, b!))];
    });
    const batch = (i: number) => K.randomUniform([128, 256], 0, 1, 20 + i);
    const values = async (ts: K.Tensor[]) => Promise.all(ts.map(async (t) => (await t.data())[0]!));
    const [eagerVars, replayVars] = [vars(), vars()];
    const x0 = batch(0);
    K.dispose(step(x0, eagerVars)());
    const traced = K.traceStep(step(x0, replayVars), [x0], replayVars);
    K.dispose(traced.outputs);
    const compiled = traced.step!;
    expect(compiled.counts.repeatedDispatches).toBe(0);
    for (let i = 1; i < 4; i++) {
      const x = batch(i);
      const eager = step(x, eagerVars)();
      const want = await values(eager);
      K.dispose(eager);
      await K.sync();
      const replayed = compiled.replay([x], { update: () => sgd });
      expect(await values(replayed)).toEqual(want);
      K.dispose([...replayed, x]);
    }
    compiled.dispose();
    K.dispose([...eagerVars, ...replayVars, x0]);
    await K.setBackend('cpu');
  });
});

describe('traceStep on webgpu: steps a replay could not repeat run eagerly, with the reason', () => {
  const cases: [string, (w: K.Variable, x: K.Tensor, other: K.Tensor) => K.Tensor[], RegExp][] = [
    ['a read back to the host', (w, x) => K.tidy(() => { const y = K.matMul(x, w); void y.data(); return [K.sum(y)]; }), /reads values back to the host/],
    ['a tensor that is neither the batch nor the state', (w, x, other) => K.tidy(() => [K.sum(K.add(K.matMul(x, w), other))]), /neither the batch nor a model or optimizer weight/],
    ['a key drawn for the host', (w, x) => K.tidy(() => { new K.RandomStream().uniform(); return [K.sum(K.matMul(x, w))]; }), /random key that no random op uses/],
    ['a result the step did not make', (w) => [w], /not made by it/],
  ];
  for (const [what, fn, reason] of cases) {
    it(what, async () => {
      await K.setBackend('webgpu');
      const w = K.tidy(() => K.variable(K.randomUniform([4, 2], -1, 1, 1)));
      const x = K.randomUniform([3, 4], 0, 1, 2);
      const other = K.ones([3, 2]);
      const buffers = K.memory().numPooledBytes;
      const traced = K.traceStep(() => fn(w, x, other), [x], [w]);
      expect(traced.step).toBeNull();
      expect(traced.reason).toMatch(reason);
      // It ran eagerly all the same, and nothing was withheld from the pool.
      expect(traced.outputs.length).toBe(1);
      if (traced.outputs[0] !== w) K.dispose(traced.outputs);
      expect(K.memory().numPooledBytes).toBeGreaterThanOrEqual(buffers);
      await K.sync();
      K.dispose([w, x, other]);
      await K.setBackend('cpu');
    });
  }
});

describe('traceStep on webgpu: memory', () => {
  it('stays flat over 10,000 replayed steps (tensors, bytes, buffers, pipelines, bind groups)', async () => {
    await K.setBackend('webgpu');
    const w = K.tidy(() => K.variable(K.randomUniform([32, 4], -1, 1, 1)));
    const [m, v] = K.tidy(() => [K.variable(K.zerosLike(w)), K.variable(K.zerosLike(w))]);
    const counter = { t: 0 };
    const x = K.randomUniform([8, 32], 0, 1, 2);
    K.dispose(makeStep(w, m, v, x, counter)());
    const traced = K.traceStep(makeStep(w, m, v, x, counter), [x], [w, m, v]);
    K.dispose(traced.outputs);
    const step = traced.step!;
    const snapshot = () => ({ ...K.memory(), ...K.deviceStats()!, dispatches: 0, submits: 0, writes: 0 });
    const before = snapshot();
    // The traced batch itself, passed again, is in place: no copy.
    expect(step.canReplay([x])).toBe(true);
    for (let i = 0; i < 10_000; i++) {
      K.dispose(step.replay([x], adamValues(counter)));
      if (i % 1000 === 999) await K.sync();
    }
    // The pool may give idle buffers back (IDLE_SUBMITS) but creates nothing on the replay path.
    const after = snapshot();
    expect(after.numBuffers).toBeLessThanOrEqual(before.numBuffers);
    expect({ ...after, numBuffers: 0, numPooledBytes: 0 }).toEqual({ ...before, numBuffers: 0, numPooledBytes: 0 });
    expect(Number.isFinite((await w.data())[0])).toBe(true);
    step.dispose();
    K.dispose([w, m, v, x]);
    await K.setBackend('cpu');
  });
});

describe('fillVariable (in place, after the queued work)', () => {
  for (const backend of ['cpu', 'webgpu'] as const) {
    it(`${backend}: queued reads see the old values, the storage stays, a replayed step stays bound to it`, async () => {
      await K.setBackend(backend);
      const s = K.tidy(() => K.variable(K.fill([3], 2)));
      const storage = s.ref!.storage;
      const before = K.add(s, 1); // queued (webgpu batches it) before the fill: must read 2s
      K.fillVariable(s, 0);
      expect(s.ref!.storage).toBe(storage);
      expect(Array.from(await before.data())).toEqual([3, 3, 3]);
      expect(Array.from(await s.data())).toEqual([0, 0, 0]);
      before.dispose();
      // A step that adds its batch into s, as fit's running sums do.
      const x = K.tensor([1, 2, 3], [3]);
      const step = () => { K.tidy(() => s.assign(K.add(s, x))); return [K.mul(x, 1)]; };
      K.dispose(step());
      const traced = K.traceStep(step, [x], [s]);
      K.dispose(traced.outputs);
      expect(Array.from(await s.data())).toEqual([2, 4, 6]);
      K.fillVariable(s, 0);
      if (backend === 'webgpu') {
        const compiled = traced.step!;
        K.dispose(compiled.replay([x], {}));
        expect(compiled.matches()).toBe(true);
        expect(Array.from(await s.data())).toEqual([1, 2, 3]);
        compiled.dispose();
      }
      // Refused where another tensor shares the storage, and inside a trace.
      const alias = K.reshape(s, [3]);
      expect(() => K.fillVariable(s, 0)).toThrow(/shares its storage/);
      alias.dispose();
      expect(() => K.traceStep(() => { K.fillVariable(s, 1); return [K.mul(x, 1)]; }, [x], [s])).toThrow(/while a step is traced/);
      K.dispose([s, x]);
      await K.setBackend('cpu');
    });
  }
});
