import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { gpuBackend } from './harness.js';

describe('webgpu memory stays flat in a training-style loop', () => {
  it('1000 steps of matMul + relu + sum + backward (K.valueAndGrads in K.tidy) keep pool buffers and live tensors constant', async () => {
    const gpu = await gpuBackend();
    // Poisoning only doubles the dispatches here: this test is about memory.
    gpu.poisonOutputs = false;
    const x = K.randomNormal([8, 16], 0, 1, 1);
    const w = K.randomNormal([16, 4], 0, 0.5, 2);
    const loss = (a: K.Tensor, b: K.Tensor) => K.sum(K.relu(K.matMul(a, b)));
    const step = () => K.tidy(() => {
      const { value, grads: [, gw] } = K.valueAndGrads(loss)([x, w]);
      return K.add(value, K.sum(gw!));
    });
    const run = async (steps: number) => {
      for (let i = 0; i < steps; i++) {
        // Read the loss every step, as a training loop does (it also submits the batch).
        const v = step();
        await v.data();
        v.dispose();
      }
      await K.sync();
    };
    try {
      await run(20); // warm up: the pool fills its size classes once
      const before = K.memory();
      await run(1000);
      const after = K.memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBuffers).toBe(before.numBuffers);
    } finally {
      K.dispose([x, w]);
      gpu.poisonOutputs = true;
    }
  });
});

describe('webgpu pool gives memory back', () => {
  it('releaseCachedMemory destroys the pooled buffers, and the pool works afterwards', async () => {
    await gpuBackend();
    const big = K.randomNormal([1024, 1024], 0, 1, 3);
    await big.data();
    big.dispose();
    await K.sync();
    const pooled = K.memory();
    expect(pooled.numPooledBytes).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    await K.releaseCachedMemory();
    const after = K.memory();
    expect(after.numPooledBytes).toBe(0);
    expect(after.numBuffers).toBeLessThan(pooled.numBuffers);
    // The pool still works afterwards.
    const y = K.add(K.ones([5]), 1);
    expect(Array.from(await y.data())).toEqual([2, 2, 2, 2, 2]);
    y.dispose();
  });
});
