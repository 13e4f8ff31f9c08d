import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { gpuBackend } from './harness.js';

/** Expected a + 1 for a = range(0, n) in float32, checked at every index. */
function expectRangePlusOne(y: ArrayLike<number>, n: number): void {
  expect(y.length).toBe(n);
  for (let i = 0; i < n; i++) {
    const want = Math.fround(Math.fround(i) + 1);
    if (y[i] !== want) throw new Error(`element ${i}: ${y[i]} vs ${want}`);
  }
}

describe('webgpu adapter limits', () => {
  it('an adapter is found (CI=true makes a missing one a failure) and named', async () => {
    const gpu = await gpuBackend();
    console.log(`WebGPU adapter: ${gpu.ctx.facts.description} (maxStorageBufferBindingSize ${gpu.ctx.facts.maxStorageBindingBytes}, subgroups ${gpu.ctx.facts.subgroups})`);
    expect(gpu.ctx.facts.description.length).toBeGreaterThan(0);
  });

  it('dispatches over 65,535 workgroups fold into 2-D and cover every element', async () => {
    const gpu = await gpuBackend();
    const n = 4_200_007; // 65,626 workgroups of 64
    expect(Math.ceil(n / 64)).toBeGreaterThan(gpu.ctx.facts.maxWorkgroupsPerDim);
    const a = K.range(0, n);
    const outs = [K.add(a, 1), K.sum(K.reshape(K.add(a, 1), [n, 1]), 1), K.reshape(K.transpose(K.reshape(K.add(a, 1), [1, n, 1]), [2, 1, 0]), [n])];
    for (const y of outs) expectRangePlusOne(await y.data(), n);
    // One workgroup per row: 70,001 rows.
    const p = await K.softmax(K.zeros([70_001, 2])).data();
    expect(p.every((v) => v === 0.5)).toBe(true);
    // Philox in the folded rows matches the cpu generator element for element.
    const u = await K.randomUniform([n], 0, 1, 1234).data();
    const key = K.randomKey(1234);
    for (const i of [0, 65_535 * 64 - 1, 65_535 * 64, 65_535 * 64 + 1, n - 1]) expect(u[i]).toBe(K.uniformAt(key, i));
    K.dispose([a, ...outs]);
  });

  it('elementwise tensors beyond one storage binding (128 MiB on lavapipe) are split; other kernels refuse them clearly', async () => {
    const gpu = await gpuBackend();
    const limit = gpu.ctx.facts.maxStorageBindingBytes;
    if (limit > 2 ** 28) return; // a discrete GPU binds 2 GiB: such a tensor would not fit the test's time
    let n = limit / 4 + 197; // just past the limit, not a whole chunk, a multiple of 7
    while (n % 7 !== 0) n++;
    const a = K.range(0, n);
    const y = K.add(a, 1);
    expectRangePlusOne(await y.data(), n);
    expect(() => K.sum(a)).toThrow(/reduce: a \[\d+\] tensor .* exceeds this adapter's storage binding limit/);
    // The optimizer's update of one such variable (vec4s, an odd number in the last chunk) runs
    // per chunk: each chunk's last invocation must stop at the chunk's end, not the variable's.
    const m = limit / 4 + 196;
    const v = K.variable(K.range(0, m));
    const velocity = K.variable(K.zeros([m]));
    K.applyOptimizerUpdate('sgd', { lr: 0.5, momentum: 0, nesterov: false }, v, K.fill([m], 2), [velocity]);
    const p = await v.data();
    for (let i = 0; i < m; i++) if (p[i] !== Math.fround(Math.fround(i) - 1)) throw new Error(`sgd over chunks: element ${i}: ${p[i]}`);
    K.dispose([v, velocity]);
    expect(() => K.add(K.reshape(a, [n / 7, 7]), K.ones([7]))).toThrow(/broadcast to .* splitting supports only same-shape or scalar operands/);
    K.dispose([a, y]);
  });
});
