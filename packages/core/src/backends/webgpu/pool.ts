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

export class BufferPool {
  private settled = new Map<number, GPUBuffer[]>();
  private recent = new Map<number, GPUBuffer[]>();
  private numBuffers = 0;
  private pooledBytes = 0;

  constructor(private readonly device: GPUDevice) {}

  acquire(bytes: number, forUpload: boolean): GPUBuffer {
    const size = sizeClass(bytes);
    const b = this.settled.get(size)?.pop() ?? (forUpload ? undefined : this.recent.get(size)?.pop());
    if (b) {
      this.pooledBytes -= size;
      return b;
    }
    this.numBuffers++;
    return this.device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }

  release(b: GPUBuffer): void {
    const list = this.recent.get(b.size) ?? [];
    list.push(b);
    this.recent.set(b.size, list);
    this.pooledBytes += b.size;
  }

  /** Takes `b` out of the free lists (a recorded step owns it now); false if it was not free. */
  withdraw(b: GPUBuffer): boolean {
    for (const lists of [this.settled, this.recent]) {
      const list = lists.get(b.size);
      const i = list?.indexOf(b) ?? -1;
      if (i >= 0) {
        list!.splice(i, 1);
        this.pooledBytes -= b.size;
        return true;
      }
    }
    return false;
  }

  /** The open batch was submitted: recently released buffers are safe for uploads too. */
  settle(): void {
    for (const [size, list] of this.recent) {
      const s = this.settled.get(size) ?? [];
      s.push(...list);
      this.settled.set(size, s);
    }
    this.recent.clear();
  }

  stats(): { numBuffers: number; numPooledBytes: number } {
    return { numBuffers: this.numBuffers, numPooledBytes: this.pooledBytes };
  }
}
