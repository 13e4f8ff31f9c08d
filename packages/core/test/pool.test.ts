import { describe, expect, it } from 'vitest';
import { BufferPool, IDLE_SUBMITS } from '../src/backends/webgpu/pool.js';

/** A device whose buffers only record being destroyed (the pool never touches their contents). */
function fakeDevice() {
  const destroyed: number[] = [];
  let made = 0;
  const device = {
    createBuffer: ({ size }: { size: number }) => {
      const id = made++;
      return { size, destroy: () => destroyed.push(id), id };
    },
  };
  return { device: device as unknown as GPUDevice, destroyed, made: () => made };
}

describe('BufferPool trimming', () => {
  (globalThis as { GPUBufferUsage?: object }).GPUBufferUsage ??= { STORAGE: 128, COPY_SRC: 4, COPY_DST: 8 };

  it('a loop that reuses its buffers keeps them; surplus buffers are destroyed after IDLE_SUBMITS submits', () => {
    const { device, destroyed, made } = fakeDevice();
    const pool = new BufferPool(device);
    // A one-off burst: three buffers of one class live at once, then released.
    const burst = [pool.acquire(4096, false), pool.acquire(4096, false), pool.acquire(4096, false)];
    for (const b of burst) pool.release(b);
    pool.settle();
    // A steady loop then needs one buffer of that class per submit.
    for (let i = 0; i < IDLE_SUBMITS + 128; i++) {
      const b = pool.acquire(4096, false);
      pool.release(b);
      pool.settle();
    }
    expect(made()).toBe(3);
    expect(destroyed.length).toBe(2);
    expect(pool.stats()).toEqual({ numBuffers: 1, numPooledBytes: 4096 });
  });

  it('destroySettled(Infinity) empties the settled pool but keeps buffers released since the last submit', () => {
    const { device, destroyed } = fakeDevice();
    const pool = new BufferPool(device);
    const a = pool.acquire(100, false), b = pool.acquire(100, false);
    pool.release(a);
    pool.settle();
    pool.release(b);
    pool.destroySettled(Infinity);
    expect(destroyed).toEqual([0]);
    expect(pool.stats()).toEqual({ numBuffers: 1, numPooledBytes: 128 });
  });
});
