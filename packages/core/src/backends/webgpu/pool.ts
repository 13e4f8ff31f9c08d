import { BufferUsage } from '@kerasgpu/kernels';

/**
 * GPU buffers pooled by size class. A buffer released while the open batch may still read it
 * can be reused at once for a kernel output (its writes are recorded after those reads), but not
 * for an upload: `queue.writeBuffer` lands before the unsubmitted commands run. So releases go to
 * `recent` until the batch is submitted (`settle()`), and uploads only take `settled` buffers.
 */
/** Round up to a power of two below 1 MiB, else to an eighth of the next power of two. */
export function sizeClass(bytes: number): number {
  const b = Math.max(16, Math.ceil(bytes / 16) * 16);
  const p = 2 ** Math.ceil(Math.log2(b));
  if (p <= 1 << 20) return p;
  const step = p / 16;
  return Math.ceil(b / step) * step;
}

/**
 * A pooled buffer not taken for this many submits is surplus to the working set (a loop reuses
 * its buffers every step): it is destroyed, so memory from a one-off large predict or a
 * different batch shape goes back to the device instead of staying pooled for the process.
 */
export const IDLE_SUBMITS = 256;

export class BufferPool {
  /** Per size class, with the submit count at which each buffer was settled (a stack: reuse takes the newest). */
  private settled = new Map<number, { buffer: GPUBuffer; since: number }[]>();
  private recent = new Map<number, GPUBuffer[]>();
  private numBuffers = 0;
  private pooledBytes = 0;
  private submits = 0;

  constructor(private readonly device: GPUDevice) {}

  acquire(bytes: number, forUpload: boolean): GPUBuffer {
    const size = sizeClass(bytes);
    const b = this.settled.get(size)?.pop()?.buffer ?? (forUpload ? undefined : this.recent.get(size)?.pop());
    if (b) {
      this.pooledBytes -= size;
      return b;
    }
    this.numBuffers++;
    return this.device.createBuffer({ size, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
  }

  release(b: GPUBuffer): void {
    const list = this.recent.get(b.size) ?? [];
    list.push(b);
    this.recent.set(b.size, list);
    this.pooledBytes += b.size;
  }

  /** Takes `b` out of the free lists (a recorded step owns it now); false if it was not free. */
  withdraw(b: GPUBuffer): boolean {
    const take = <T>(list: T[] | undefined, i: number): boolean => {
      if (i < 0) return false;
      list!.splice(i, 1);
      this.pooledBytes -= b.size;
      return true;
    };
    const settled = this.settled.get(b.size);
    const recent = this.recent.get(b.size);
    return take(settled, settled?.findIndex((e) => e.buffer === b) ?? -1) || take(recent, recent?.indexOf(b) ?? -1);
  }

  /** The open batch was submitted: recently released buffers are safe for uploads too. */
  settle(): void {
    this.submits++;
    for (const [size, list] of this.recent) {
      const s = this.settled.get(size) ?? [];
      for (const buffer of list) s.push({ buffer, since: this.submits });
      this.settled.set(size, s);
    }
    this.recent.clear();
    if (this.submits % 64 === 0) this.destroySettled(this.submits - IDLE_SUBMITS);
  }

  /**
   * Destroys the settled buffers pooled since before submit `before` (all of them for Infinity).
   * Only settled ones: a recent buffer may still be read by commands not yet submitted.
   */
  destroySettled(before: number): void {
    for (const [size, list] of this.settled) {
      // Oldest first: the stack's bottom is what reuse never reached.
      let k = 0;
      while (k < list.length && list[k]!.since < before) {
        list[k]!.buffer.destroy();
        k++;
      }
      if (k === 0) continue;
      list.splice(0, k);
      this.numBuffers -= k;
      this.pooledBytes -= k * size;
      if (list.length === 0) this.settled.delete(size);
    }
  }

  stats(): { numBuffers: number; numPooledBytes: number } {
    return { numBuffers: this.numBuffers, numPooledBytes: this.pooledBytes };
  }
}
