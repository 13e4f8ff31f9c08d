import { describe, expect, it } from 'vitest';
import * as K from '@kerasgpu/core';
import { gpuBackend } from './harness.js';

describe('webgpu memory stays flat in a training-style loop', () => {
  it('1000 steps of a dense product + relu + sum + backward (K.grads in K.tidy) keep pool buffers and live tensors constant', async () => {
    await gpuBackend();
    const x = K.randomNormal([8, 16], 0, 1, 1);
    const w = K.randomNormal([16, 4], 0, 0.5, 2);
    // a·b as broadcast multiply + sum (the matMul kernel is being written; switch to K.matMul when it lands).
    const product = (a: K.Tensor, b: K.Tensor) => K.sum(K.mul(K.expandDims(a, 2), K.expandDims(b, 0)), 1);
    const loss = (a: K.Tensor, b: K.Tensor) => K.sum(K.relu(product(a, b)));
    const step = () => K.tidy(() => {
      const [, gw] = K.grads(loss)([x, w]);
      return K.add(loss(x, w), K.sum(gw!));
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
    await run(20); // warm up: the pool fills its size classes once
    const before = K.memory();
    await run(1000);
    const after = K.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBuffers).toBe(before.numBuffers);
    K.dispose([x, w]);
  });
});
