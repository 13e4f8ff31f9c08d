import { describe, expect, it } from 'vitest';
import { dispatchFlat, udivWgsl, UDIV_EXACT_BELOW, uniformStruct, storageBindings, ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, BufferUsage, MapMode } from '@kerasgpu/kernels';
import { gpuBackend } from './harness.js';

/** ⌊x/d⌋ and x mod d on the GPU for (x, d) pairs, through `udiv`/`umod` with rd = 1/d rounded to f32. */
async function divide(xs: Uint32Array, ds: Uint32Array): Promise<{ q: Uint32Array; r: Uint32Array }> {
  const gpu = await gpuBackend();
  const { device, ctx } = gpu;
  const n = xs.length;
  const make = (data: ArrayBufferView | null, bytes: number) => {
    const b = device.createBuffer({ size: bytes, usage: BufferUsage.STORAGE | BufferUsage.COPY_DST | BufferUsage.COPY_SRC });
    if (data) device.queue.writeBuffer(b, 0, data);
    return b;
  };
  const rds = Float32Array.from(ds, (d) => 1 / d);
  const [bx, bd, brd, out] = [make(xs, n * 4), make(ds, n * 4), make(rds, n * 4), make(null, n * 8)];
  const code = `${uniformStruct([['n', 'u32']])}
${storageBindings(1, [['X', 'u32', 'read'], ['D', 'u32', 'read'], ['RD', 'f32', 'read'], ['Y', 'u32', 'read_write']])}
${udivWgsl(true)}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n) { return; }
  Y[2u * i] = udiv(X[i], D[i], RD[i]);
  Y[2u * i + 1u] = umod(X[i], D[i], RD[i]);
}`;
  dispatchFlat(ctx, 'udiv-test', 'udiv-test', () => code, [bx, bd, brd, out], [], n);
  const staging = device.createBuffer({ size: n * 8, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  ctx.copy(out, 0, staging, 0, n * 8);
  await gpu.sync();
  await staging.mapAsync(MapMode.READ);
  const y = new Uint32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  for (const b of [bx, bd, brd, out]) b.destroy();
  return { q: y.filter((_, i) => i % 2 === 0), r: y.filter((_, i) => i % 2 === 1) };
}

describe('udiv: f32-reciprocal division, exact below 2^24', () => {
  it('matches integer division at the edges: multiples of d ± 1, the largest dividends, divisors 1..4099 and large', async () => {
    const pairs: [number, number][] = [];
    const max = UDIV_EXACT_BELOW - 1;
    const divisors = [...Array.from({ length: 300 }, (_, i) => i + 1), 511, 512, 513, 4095, 4096, 4099, 65535, 65536, 999_983, max, max - 1];
    for (const d of divisors) {
      for (const x of [0, 1, d - 1, d, d + 1, max, max - 1, max - d, Math.floor(max / d) * d, Math.floor(max / d) * d - 1, Math.floor(max / 3 / d) * d]) {
        if (x >= 0 && x <= max) pairs.push([x, d]);
      }
    }
    // Pseudo-random dividends across the whole range.
    let s = 12345;
    for (let k = 0; k < 20000; k++) {
      s = (s * 1103515245 + 12345) >>> 0;
      pairs.push([s % UDIV_EXACT_BELOW, divisors[k % divisors.length]!]);
    }
    const { q, r } = await divide(Uint32Array.from(pairs, ([x]) => x), Uint32Array.from(pairs, ([, d]) => d));
    const wrong = pairs.map(([x, d], i) => ({ x, d, q: q[i]!, r: r[i]! })).filter(({ x, d, q, r }) => q !== Math.floor(x / d) || r !== x % d);
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
