import { broadcastStrides, sizeOf } from '../shape.js';
import type { AdapterFacts, DispatchStep, GpuContext, Uniform } from '../webgpu/context.js';
import type { GemmStep } from '../elementwise/fuse.js';
import { GPU_ELEMENT_BYTES, storageBindings, uniformStruct, type GpuTensor } from '../webgpu/wgsl.js';
import { scratch } from '../webgpu/scratch.js';
import { epilogueBindings, epilogueKey, GEMM_FIELDS, gemmKStep, gemmRowsFirst, gemmTile, gemmWgsl, variantKey, type GemmFit, type GemmEpilogue, type GemmHooks, type GemmVariant } from './matmul.wgsl.js';

/**
 * Forces one GEMM variant, by kind or exactly (tests exercise both on one adapter, tuning), and
 * the subgroup variant's row blocks; null = choose per adapter and problem.
 */
export const gemmOverride: { variant: GemmVariant['kind'] | GemmVariant | null; rowBlocks: number | null } = { variant: null, rowBlocks: null };

/**
 * The one place where a GEMM variant is chosen (measurements in BENCHMARKS.md): on a CPU adapter with subgroups,
 * subgroup-broadcast register blocking; on a GPU, 64×128×16 workgroup-memory tiles (64×64 when C
 * is narrow, so small problems still spread over the device).
 */
export function chooseGemmVariant(facts: AdapterFacts, p: GemmProblem): GemmVariant {
  const subgroupOk = facts.subgroups && [4, 8, 16].includes(facts.subgroupSize);
  if (typeof gemmOverride.variant === 'object' && gemmOverride.variant !== null) return gemmOverride.variant;
  const want = gemmOverride.variant ?? (facts.isCpu && subgroupOk ? 'subgroup' : 'tiled');
  // Large problems: four row blocks (32×4 outputs per lane, 8 vec4 loads per 512 multiply-adds)
  // measured ~20% faster than two on lavapipe despite register spills, but compile ~3x slower;
  // small ones keep two (16×4 per lane) and compile fast. 2 subgroups per workgroup.
  // M within one subgroup's four row blocks, in a problem given the large problems' kernel (or a
  // repeated step's: the LSTM's recurrent GEMMs, M = the batch): one subgroup per workgroup, so
  // a row tile is no taller than M (the LSTM's 160 steps ~10% faster; the CNN's first filter
  // gradient, M = 32 filters in one workgroup, 44 → ~30 ms).
  const sg = facts.subgroupSize;
  const large = p.repeated === true || gemmWork(p) >= FIT_MIN_WORK;
  if (want === 'subgroup' && subgroupOk && large && p.m <= 4 * sg && gemmOverride.rowBlocks === null) return { kind: 'subgroup', sg, sgsPerWg: 1, rowBlocks: 4, kUnroll: 4 };
  if (want === 'subgroup' && subgroupOk) return { kind: 'subgroup', sg, sgsPerWg: 2, rowBlocks: gemmOverride.rowBlocks ?? (gemmWork(p) >= FIT_MIN_WORK ? 4 : 2), kUnroll: 4 };
  return p.n <= 64 ? { kind: 'tiled', wx: 8, wy: 8, rm: 8, rn: 8, tk: 16 } : { kind: 'tiled', wx: 16, wy: 8, rm: 8, rn: 8, tk: 16 };
}

/** Multiply-adds from which whole-tile bounds checks are specialised away. */
export const FIT_MIN_WORK = 1 << 22;

/**
 * `repeated`: dispatched many times at this shape (a recurrent step): worth its own specialisation
 * (tiling for its M, no bounds checks where the tiles fit) despite a small size.
 */
export interface GemmProblem { m: number; n: number; k: number; batches: number; repeated?: boolean }

/** Multiply-adds of a problem. */
const gemmWork = (p: GemmProblem): number => p.m * p.n * p.k * p.batches;

/** An epilogue as run: the chain, and the buffers of its non-accumulator operands in order. */
export interface GemmEpilogueArgs { chain: GemmEpilogue; buffers: readonly GPUBuffer[] }

/**
 * Runs the GEMM template with `hooks` (specialisation `key`: everything the hooks' code depends
 * on). The grid is split into several dispatches where it exceeds the per-dimension limit.
 * `epilogue`: its operands are bound before C (the hooks' last binding, `buffers`' last buffer).
 * `fusible`: without an epilogue and in one dispatch, a recorded program may re-plan this GEMM
 * with one (fuse.ts): C must then be written once per element, by `mm_write` at (batch·M + row)·N + col.
 */
export function gemmGpu(ctx: GpuContext, op: string, key: string, hooks: GemmHooks, values: readonly Uniform[], buffers: readonly GPUBuffer[], p: GemmProblem, opts: { epilogue?: GemmEpilogueArgs; fusible?: boolean } = {}): void {
  if (p.m === 0 || p.n === 0 || p.batches === 0) return;
  const v = chooseGemmVariant(ctx.facts, p);
  const { tm, tn } = gemmTile(v);
  const { epilogue } = opts;
  const own = epilogue ? { ...hooks, epilogue: epilogue.chain, bindings: [...hooks.bindings.slice(0, -1), ...epilogueBindings(epilogue.chain), hooks.bindings.at(-1)!] } : hooks;
  const bound = epilogue ? [...buffers.slice(0, -1), ...epilogue.buffers, buffers.at(-1)!] : buffers;
  // Dropping the bounds checks of whole tiles helps large problems. Small ones keep them: fewer
  // specialisations, and each costs seconds of LLVM time on lavapipe. Lavapipe also compiles the
  // unchecked workgroup-memory kernel very slowly (and runs it slowly): there it keeps its checks.
  const checked = (gemmWork(p) < FIT_MIN_WORK && !p.repeated) || (v.kind === 'tiled' && ctx.facts.isCpu);
  const fit: GemmFit = { m: !checked && p.m % tm === 0, n: !checked && p.n % tn === 0, k: !checked && p.k % gemmKStep(v) === 0 };
  const fits = `${fit.m ? 'M' : ''}${fit.n ? 'N' : ''}${fit.k ? 'K' : ''}`;
  const epi = epilogue ? epilogueKey(epilogue.chain) : '';
  const pipeline = ctx.pipeline(`gemm:${variantKey(v)}:${hooks.aT4 ? 'aT4' : hooks.a4 ? 'a4' : 'a1'}:${hooks.b4 ? 'b4' : 'b1'}:${fits}:${epi}:${key}`, () => gemmWgsl(v, own, fit));
  const max = ctx.facts.maxWorkgroupsPerDim;
  const rowTiles = Math.ceil(p.m / tm), colTiles = Math.ceil(p.n / tn);
  const rowsFirst = gemmRowsFirst(v);
  const [gx, gy] = rowsFirst ? [rowTiles, colTiles] : [colTiles, rowTiles];
  // Only a GEMM of one dispatch can be given an epilogue in a recorded program: the same GEMM, writing `out`.
  const gemm: GemmStep | undefined = opts.fusible && !epilogue && gx <= max && gy <= max && p.batches <= max ? {
    out: buffers.at(-1)!, n: p.n, size: p.m * p.n * p.batches,
    withEpilogue: (e, out) => ctx.capture(() => gemmGpu(ctx, op, key, hooks, values, [...buffers.slice(0, -1), out], p, { epilogue: e })).at(-1) as DispatchStep,
  } : undefined;
  for (let z = 0; z < p.batches; z += max)
    for (let y = 0; y < gy; y += max)
      for (let x = 0; x < gx; x += max) {
        const [mOff, nOff] = rowsFirst ? [x, y] : [y, x];
        const sizes: Uniform[] = [p.m, p.n, p.k, mOff, nOff, z].map((u): Uniform => ['u32', u]);
        if (sizes.length !== GEMM_FIELDS.length) throw new Error('gemm: uniform layout mismatch');
        ctx.dispatch(op, pipeline, bound, [...sizes, ...values], [Math.min(max, gx - x), Math.min(max, gy - y), Math.min(max, p.batches - z)], gemm && { gemm });
      }
}

/** Index of an operand's matrix for an output batch, from the broadcast batch strides (uniforms ob*, s<name>*). */
function batchBase(name: string, rank: number, matrixSize: string): string {
  const lines = [`var rem = batch;`, `var o = 0u;`];
  for (let d = rank - 1; d >= 0; d--) lines.push(`{ let c = rem % u.ob${d}; rem = rem / u.ob${d}; o += c * u.s${name}${d}; }`);
  return `fn mm_base${name}(batch: u32) -> u32 {\n  ${rank === 0 ? 'return 0u;' : `${lines.join('\n  ')}\n  return o * ${matrixSize};`}\n}`;
}

/** Columns per packed B panel: the subgroup variant's column tile (8 lanes × vec4). */
const PANEL = 32;

/** k-steps one packing invocation copies (with 4 columns): fewer, fuller workgroups, which is what a CPU adapter pays for. */
const PACK_K = 8;

/**
 * How B is read: 'rows4', B's rows contiguous and 4-aligned (bCol = 1, N and bK multiples of 4),
 * a vec4 of 4 columns per k; 'cols4', a transposed B (bK = 1, K a multiple of 4), two vec4s of
 * PACK_K k-steps per column, transposed in registers; 'scalar', an element at a time.
 */
type PackRead = 'rows4' | 'cols4' | 'scalar';

const C4 = ['x', 'y', 'z', 'w'] as const;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

const PACK_LOOPS: Record<PackRead, string> = {
  rows4: `  for (var k = k0; k < min(k0 + ${PACK_K}u, u.K); k++) {
    var v = vec4f(0.0);
    if (col < u.N) { v = B[(mat * u.K * u.N + k * u.bK + col) / 4u]; }
    P[at(mat, col, k)] = v;
  }`,
  scalar: `  for (var k = k0; k < min(k0 + ${PACK_K}u, u.K); k++) {
    var v = vec4f(0.0);
    for (var c = 0u; c < 4u; c++) { if (col + c < u.N) { v[c] = B[mat * u.K * u.N + k * u.bK + (col + c) * u.bCol]; } }
    P[at(mat, col, k)] = v;
  }`,
  // q<h>_<c>: k-steps k0 + 4h .. + 3 of column col + c.
  cols4: `${range(PACK_K / 4).flatMap((h) => range(4).map((c) => `  var q${h}_${c} = vec4f(0.0);`)).join('\n')}
${range(4).map((c) => `  if (col + ${c}u < u.N) {
    let i = (mat * u.K * u.N + (col + ${c}u) * u.bCol + k0) / 4u;
${range(PACK_K / 4).map((h) => `    if (k0 + ${4 * h}u < u.K) { q${h}_${c} = B[i + ${h}u]; }`).join('\n')}
  }`).join('\n')}
${Array.from({ length: PACK_K }, (_, kk) => `  if (k0 + ${kk}u < u.K) { P[at(mat, col, k0 + ${kk}u)] = vec4f(${[0, 1, 2, 3].map((c) => `q${Math.floor(kk / 4)}_${c}.${C4[kk % 4]}`).join(', ')}); }`).join('\n')}`,
};

const packBWgsl = (read: PackRead) => `${uniformStruct([['K', 'u32'], ['N', 'u32'], ['bK', 'u32'], ['bCol', 'u32'], ['panels', 'u32']])}
${storageBindings(1, [['B', read === 'scalar' ? 'f32' : 'vec4f', 'read'], ['P', 'vec4f', 'read_write']])}
/** Where B's (k, col..col+3) go: panel col / ${PANEL}, row k, the vec4 at col within the panel. */
fn at(mat: u32, col: u32, k: u32) -> u32 { return ((mat * u.panels + col / ${PANEL}u) * u.K + k) * ${PANEL / 4}u + (col % ${PANEL}u) / 4u; }
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let col = gid.x * 4u;
  let mat = gid.z;
  if (col >= u.panels * ${PANEL}u) { return; }
  let k0 = gid.y * ${PACK_K}u;
${PACK_LOOPS[read]}
}`;

/**
 * B copied into column panels, [matrix][⌈N/32⌉][K][32], zero-padded: the subgroup GEMM then reads
 * each k-step of a panel as one contiguous 128-byte run instead of 8 rows N·4 bytes apart (~15%
 * faster at 1024² on lavapipe), and a transposed B gets vec4 reads too. Only where the copy pays:
 * the CPU adapter's variant, a large problem, B's panels reused by several row tiles. Null: not packed.
 */
function packedB(ctx: GpuContext, v: GemmVariant, b: GpuTensor, bStride: { k: number; col: number }, p: GemmProblem): GpuTensor | null {
  const matrices = sizeOf(b.shape.slice(0, -2));
  const panels = Math.ceil(p.n / PANEL);
  const bytes = matrices * panels * PANEL * p.k * GPU_ELEMENT_BYTES;
  const max = ctx.facts.maxWorkgroupsPerDim;
  if (v.kind !== 'subgroup' || v.sg * 4 !== PANEL || gemmWork(p) < FIT_MIN_WORK || p.m <= gemmTile(v).tm) return null;
  const kGroups = Math.ceil(p.k / PACK_K);
  if (bytes > ctx.facts.maxStorageBindingBytes || kGroups > max || matrices > max) return null;
  const uniforms: Uniform[] = [p.k, p.n, bStride.k, bStride.col, panels].map((x): Uniform => ['u32', x]);
  const packed = scratch(ctx, packSlot(ctx, b.buffer, uniforms), [matrices, panels, p.k, PANEL]);
  const read: PackRead = bStride.col === 1 && p.n % 4 === 0 && bStride.k % 4 === 0 ? 'rows4'
    : bStride.k === 1 && p.k % 4 === 0 && bStride.col % 4 === 0 ? 'cols4' : 'scalar';
  ctx.dispatch('matMul', ctx.pipeline(`gemm:packB:${read}`, () => packBWgsl(read)), [b.buffer, packed.buffer], uniforms, [Math.ceil((panels * PANEL) / 4 / 64), kGroups, matrices], { idempotent: true });
  return packed;
}

/** Per context, what the two pack buffers last held (source buffer and uniforms), most recent first. */
const packSlots = new WeakMap<GpuContext, { source: GPUBuffer; uniforms: string; slot: number }[]>();

/**
 * The scratch buffer of a packing: the one that last held this source packed the same way, else
 * the least recently used of two. So a GEMM packing the operand an earlier one packed (the
 * LSTM's weight gradients both pack dz, another packing between them) writes the same buffer,
 * and a recorded program can skip the repeat (a dispatch's exact repeat with nothing in between
 * writing its buffers).
 */
function packSlot(ctx: GpuContext, source: GPUBuffer, values: readonly Uniform[]): string {
  const uniforms = values.map(([, v]) => v).join(',');
  const slots = packSlots.get(ctx) ?? [];
  const same = slots.findIndex((s) => s.source === source && s.uniforms === uniforms);
  const slot = same >= 0 ? slots[same]!.slot : slots.length < 2 ? slots.length : slots[1]!.slot;
  const rest = slots.filter((s) => s.slot !== slot);
  packSlots.set(ctx, [{ source, uniforms, slot }, ...rest]);
  return `gemm:packedB${slot}`;
}

/**
 * y[..., m, n] = epilogue(op(a) · op(b)) with broadcast batch dims (right-aligned, size-1 dims
 * repeat, as matMulGeometry in core), with an optional fused epilogue.
 */
export function matMulGpu(ctx: GpuContext, a: GpuTensor, b: GpuTensor, attrs: { transposeA: boolean; transposeB: boolean }, y: GpuTensor, epilogue?: GemmEpilogueArgs): void {
  const r = y.shape.length;
  const m = y.shape[r - 2]!, n = y.shape[r - 1]!;
  const { transposeA: tA, transposeB: tB } = attrs;
  const k = tA ? a.shape[a.shape.length - 2]! : a.shape[a.shape.length - 1]!;
  // Batch ranks 1-3 share one pipeline (padded with size-1 dims): fewer shader compiles.
  const ownBatch = y.shape.slice(0, -2);
  const br = ownBatch.length === 0 ? 0 : Math.max(ownBatch.length, 3);
  const batchShape = [...Array<number>(br - ownBatch.length).fill(1), ...ownBatch];
  const problem: GemmProblem = { m, n, k, batches: sizeOf(batchShape) };
  if (m === 0 || n === 0 || problem.batches === 0) return;
  const bStride = { k: tB ? 1 : n, col: tB ? k : 1 };
  const packed = packedB(ctx, chooseGemmVariant(ctx.facts, problem), b, bStride, problem);
  const aStrides = br ? broadcastStrides(a.shape.slice(0, -2), batchShape) : [];
  const bStrides = br ? broadcastStrides(b.shape.slice(0, -2), batchShape) : [];
  // Vec4 reads where 4 consecutive k (A) or columns (B) are contiguous; otherwise element
  // strides are uniforms, so both transposes share one pipeline.
  const a4 = !tA && k % 4 === 0, b4 = packed !== null || (!tB && n % 4 === 0);
  const aT4 = tA && m % 4 === 0;
  const strides: [string, number][] = [['aRow', tA ? 1 : k], ['aK', tA ? m : 1], ['bK', bStride.k], ['bCol', bStride.col],
    ['bMat', packed ? packed.shape[1]! * PANEL * k : k * n]];
  const fields: [string, 'u32'][] = [...strides.map(([f]): [string, 'u32'] => [f, 'u32']), ...batchShape.map((_, d): [string, 'u32'] => [`ob${d}`, 'u32']),
    ...batchShape.map((_, d): [string, 'u32'] => [`sA${d}`, 'u32']), ...batchShape.map((_, d): [string, 'u32'] => [`sB${d}`, 'u32'])];
  const readB = packed
    ? `fn mm_readB4(base: u32, k: u32, col: u32) -> vec4f { return B[(base + ((col / ${PANEL}u) * u.K + k) * ${PANEL}u + col % ${PANEL}u) / 4u]; }`
    : b4 ? 'fn mm_readB4(base: u32, k: u32, col: u32) -> vec4f { return B[(base + k * u.N + col) / 4u]; }'
      : 'fn mm_readB(base: u32, k: u32, col: u32) -> f32 { return B[base + k * u.bK + col * u.bCol]; }';
  const hooks: GemmHooks = {
    fields,
    bindings: [['A', a4 || aT4 ? 'vec4f' : 'f32', 'read'], ['B', b4 ? 'vec4f' : 'f32', 'read'], ['C', 'f32', 'read_write']],
    code: [
      batchBase('A', br, 'u.M * u.K'),
      batchBase('B', br, 'u.bMat'),
      'fn mm_rowA(row: u32) -> vec4i { return vec4i(0); }',
      a4 ? 'fn mm_readA4(base: u32, rc: vec4i, row: u32, k: u32) -> vec4f { return A[(base + row * u.K + k) / 4u]; }'
        : `fn mm_readA(base: u32, rc: vec4i, row: u32, k: u32) -> f32 { let i = base + row * u.aRow + k * u.aK; return ${aT4 ? 'A[i / 4u][i % 4u]' : 'A[i]'}; }`,
      aT4 ? 'fn mm_readAT4(base: u32, row: u32, k: u32) -> vec4f { return A[(base + k * u.M + row) / 4u]; }' : '',
      readB,
      `fn mm_write(batch: u32, row: u32, col: u32, v: f32) { C[(batch * u.M + row) * u.N + col] = v; }`,
    ].join('\n'),
    a4, aT4, b4,
  };
  const values: Uniform[] = [...strides.map(([, v]) => v), ...batchShape, ...aStrides, ...bStrides].map((v): Uniform => ['u32', v]);
  gemmGpu(ctx, 'matMul', `mm:${br}${packed ? ':packedB' : ''}`, hooks, values, [a.buffer, (packed ?? b).buffer, y.buffer], problem, epilogue ? { epilogue } : { fusible: true });
}
