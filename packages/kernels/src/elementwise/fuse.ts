import { bindingBuffer, type DispatchStep, type GpuContext, type GpuStep } from '../webgpu/context.js';
import { broadcastUniformValues, dispatchFlat } from '../webgpu/wgsl.js';
import { elementwiseKey, elementwisePlan } from './elementwise.webgpu.js';
import { fusedElementwiseWgsl, type Elem, type FusedStage, type InputMode } from './elementwise.wgsl.js';
import type { GemmEpilogueArgs } from '../matmul/matmul.webgpu.js';
import type { GemmEpilogue } from '../matmul/matmul.wgsl.js';

/**
 * What an elementwise dispatch computes (attached by elementwise.webgpu.ts to a kernel of one
 * dispatch): the table expression, its operands (the table's parameter names, buffers, how each
 * is indexed, strides over `shape` for strided ones), its output and element count.
 */
export interface ElementwiseStep {
  expr: string;
  inputs: readonly { name: string; type: Elem; buffer: GPUBuffer; mode: InputMode; strides: readonly number[] }[];
  out: { type: Elem; buffer: GPUBuffer };
  n: number;
  /** The coalesced output dims the strided inputs' strides walk. */
  shape: readonly number[];
}

/**
 * A GEMM of one dispatch without epilogue (attached by gemmGpu for matMul and the convolutions):
 * its output, columns and element count, and the same GEMM re-planned to apply an elementwise
 * chain to each accumulator before writing `out` (the template's epilogue).
 */
export interface GemmStep {
  out: GPUBuffer;
  n: number;
  size: number;
  withEpilogue(epilogue: GemmEpilogueArgs, out: GPUBuffer): DispatchStep;
}

/** What the fusion pass needs to know of the recorded program beyond its steps. */
export interface FusionFacts {
  /** Per buffer, the step counts at which a tensor gave it back (its value is dead from there). */
  releases: ReadonlyMap<GPUBuffer, readonly number[]>;
  /** Steps that must stay as recorded (per-step kernels a replay re-plans in place). */
  frozen: ReadonlySet<number>;
  /** Buffers whose values outlive the program or enter it (batch inputs, results, variables). */
  keep: ReadonlySet<GPUBuffer>;
  /** Steps whose results stay in their buffers as long as the program lives (replays skip them: constant uploads, what is computed only from them): reading one earlier reads the same. */
  constants?: ReadonlySet<number>;
}

export interface Fused {
  steps: GpuStep[];
  /** Per recorded step, its index in `steps` (-1: fused into a later one). */
  index: number[];
  /** The fused chains, each as its ops joined by '+' (e.g. 'add+relu'; 'matMul+add+sigmoid', 'matMul+step+mul' for GEMM epilogues). */
  chains: string[];
  /**
   * Ops the chains compute more than once: the copies of duplicated producers beyond the
   * dispatches they replaced. Σ over chains of (ops − 1) = dispatches removed + this.
   */
  duplicatedOps: number;
}

interface Input { type: Elem; buffer: GPUBuffer; mode: InputMode; strides: readonly number[] }
/** A chain being built: stages in order, inputs shared by buffer and indexing. */
interface Group { stages: FusedStage[]; inputs: Input[]; out: ElementwiseStep['out']; n: number; shape: readonly number[] | null; ops: string[]; members: number[] }

/** Duplication limits: a producer computed in several readers is small, and read by few. */
const MAX_DUPLICATED_STAGES = 4;
const MAX_DUPLICATES = 4;

const sameInput = (a: Input, b: Input) => a.buffer === b.buffer && a.mode === b.mode && a.type === b.type && a.strides.join() === b.strides.join();

/**
 * Fuses chains of elementwise dispatches in a recorded program into one generated kernel each:
 * a kernel whose output is read by exactly one later elementwise kernel, as a same-shape operand,
 * before the tensor in it is freed, runs inside that reader (at the reader's place), so the
 * intermediate is neither written nor read. Data-driven from the steps: which buffers each step
 * binds, when tensors were freed (`facts.releases`), and what must survive the program. The fused
 * kernel evaluates the same table expressions in the same order, converting each intermediate
 * through its stored type, so it computes what the chain computed.
 */
export function fuseElementwise(ctx: GpuContext, steps: readonly GpuStep[], facts: FusionFacts): Fused {
  const refs = new Map<GPUBuffer, number[]>();
  steps.forEach((s, i) => {
    for (const b of stepBuffers(s)) {
      const r = refs.get(b) ?? [];
      if (r.at(-1) !== i) r.push(i);
      refs.set(b, r);
    }
  });
  const maxInputs = ctx.device.limits.maxStorageBuffersPerShaderStage - 1;
  const groups: (Group | undefined)[] = steps.map((s, i) => (s.kind === 'dispatch' && s.elementwise && !facts.frozen.has(i) ? single(s, i) : undefined));
  const removed = new Set<number>();

  /** Whether nothing between steps i and j (exclusive) may write a buffer group i reads. */
  const undisturbed = (g: Group, i: number, j: number) => g.inputs.every((inp) => (refs.get(inp.buffer) ?? []).every((r) => r <= i || r >= j || readsOnly(ctx, steps[r]!, inp.buffer)));

  /**
   * The steps reading the value step i writes to x, before the tensor in it is freed: several
   * when a cheap kernel feeds several chains (a clipped probability, 1 − y). Null when x
   * outlives the program or is never freed.
   */
  const readersOf = (x: GPUBuffer, i: number): number[] | null => {
    if (facts.keep.has(x)) return null;
    const death = facts.releases.get(x)?.find((p) => p > i);
    return death === undefined ? null : refs.get(x)!.filter((r) => r > i && r < death);
  };

  /**
   * Whether producer p (step i, writing x) may be computed inside each of its readers instead:
   * a chain of a few stages, read as a same-shape operand by at most MAX_DUPLICATES elementwise
   * kernels of its size, its own inputs intact until the last of them. Not one reading a GEMM's
   * output: that chain is the GEMM's epilogue (a bias add), which saves more.
   */
  const duplicable = (p: Group, x: GPUBuffer, i: number, readers: readonly number[]) =>
    p.stages.length <= MAX_DUPLICATED_STAGES && readers.length <= MAX_DUPLICATES && undisturbed(p, i, readers.at(-1)! + 1)
    && p.inputs.every((q) => !(refs.get(q.buffer) ?? []).some((r) => r < i && (steps[r] as DispatchStep).gemm?.out === q.buffer))
    && readers.every((r) => {
      const e = steps[r]!.kind === 'dispatch' ? (steps[r] as DispatchStep).elementwise : undefined;
      return e !== undefined && !facts.frozen.has(r) && e.n === p.n && e.out.buffer !== x && e.inputs.every((q) => q.buffer !== x || q.mode === 'same');
    });
  /** Per duplicated producer, the readers that compute it; it is removed once all of them do. */
  const absorbed = new Map<number, Set<number>>();
  /** Ops in chains that are not their members (duplicated producers), less the producers' dispatches removed. */
  let duplicatedOps = 0;

  groups.forEach((g, j) => {
    if (!g) return;
    for (let k = 0; k < g.inputs.length; k++) {
      const x = g.inputs[k]!;
      if (x.mode !== 'same' || g.out.buffer === x.buffer) continue;
      // The step writing x last before j (readers in between only read it).
      const i = refs.get(x.buffer)!.filter((r) => r < j && !readsOnly(ctx, steps[r]!, x.buffer)).at(-1);
      const p = i === undefined ? undefined : groups[i];
      if (!p || p.out.buffer !== x.buffer || p.n !== g.n || p.inputs.some((q) => q.buffer === x.buffer)) continue;
      const readers = readersOf(x.buffer, i!);
      if (!readers?.includes(j)) continue;
      const alone = readers.length === 1;
      if (alone ? !undisturbed(p, i!, j) : !duplicable(p, x.buffer, i!, readers)) continue;
      const merged = merge(p, g, k);
      if (!merged || merged.inputs.length > maxInputs || plan(merged).length !== 1) continue;
      // A duplicated producer's step stays (until every reader computes it): it is no member of this chain.
      if (!alone) merged.members = g.members;
      groups[j] = g = merged;
      const by = absorbed.get(i!) ?? new Set<number>();
      absorbed.set(i!, by.add(j));
      if (by.size === readers.length) {
        // A duplicated producer's own dispatches go (a single reader's producer became members of it).
        if (!alone) duplicatedOps -= p.members.length;
        groups[i!] = undefined;
        removed.add(i!);
      }
      k = -1; // the inputs were renumbered: look at them all again
    }
  });

  // A chain reading a GEMM's output (a bias and activation, an activation's gradient) becomes the
  // GEMM's epilogue, at the GEMM's place. A, B and C take three bindings.
  const maxOperands = ctx.device.limits.maxStorageBuffersPerShaderStage - 3;
  const epilogues = new Map<number, { step: DispatchStep; ops: string[]; copies: number }>();
  groups.forEach((g, j) => {
    if (!g || g.out.type !== 'f32') return;
    const first = Math.min(...g.members);
    for (const y of g.inputs) {
      if (y.mode !== 'same' || y.type !== 'f32') continue;
      const i = refs.get(y.buffer)!.filter((r) => r < first).at(-1);
      const s = i === undefined ? undefined : steps[i]!;
      const gemm = s?.kind === 'dispatch' ? s.gemm : undefined;
      // An invariant GEMM (replays skip it) keeps its step: the chain may not be.
      if (!gemm || removed.has(i!) || epilogues.has(i!) || facts.frozen.has(i!) || facts.constants?.has(i!) || gemm.out !== y.buffer || gemm.size !== g.n) continue;
      const e = epilogueOf(g, y.buffer, gemm.n);
      if (!e || e.buffers.length > maxOperands) continue;
      // y is read by the chain only, and dies in it (no other chain computes a duplicated producer from it).
      const death = facts.releases.get(y.buffer)?.find((p) => p > i!);
      if (facts.keep.has(y.buffer) || death === undefined || refs.get(y.buffer)!.some((r) => r > i! && r < death && !g.members.includes(r))) continue;
      if (groups.some((h) => h && h !== g && h.inputs.some((q) => q.buffer === y.buffer))) continue;
      // The operands are read and the output written at the GEMM's place, earlier than the chain did: nothing in
      // between may write an operand (but the chain's last kernel may write its output over a same-shape one, in
      // place: one invocation reads and writes each element) or touch the output, which the GEMM must not read.
      const untouched = (b: GPUBuffer, read: boolean) => (refs.get(b) ?? []).every((r) => r <= i! || r > j
        || (read ? readsOnly(ctx, steps[r]!, b) || facts.constants?.has(r) || (r === j && b === g.out.buffer) : g.members.includes(r)));
      const inPlaceOk = g.inputs.every((x) => x.buffer !== g.out.buffer || x.mode === 'same');
      const gemmReadsOut = g.out.buffer !== y.buffer && stepBuffers(s!).includes(g.out.buffer);
      if (!e.buffers.every((b) => untouched(b, true)) || !untouched(g.out.buffer, false) || !inPlaceOk || gemmReadsOut) continue;
      epilogues.set(i!, { step: gemm.withEpilogue(e, g.out.buffer), ops: [(s as DispatchStep).op, ...g.ops], copies: g.ops.length - g.members.length });
      groups[j] = undefined;
      removed.add(j);
      return;
    }
  });

  // A chain whose output only a reduction reads (a loss or a metric before its mean, a cross-entropy's
  // terms before their sum) is computed inside the reduction, at the reduction's place. Y takes one binding.
  const prologues = new Map<number, { step: DispatchStep; ops: string[]; copies: number }>();
  groups.forEach((g, j) => {
    if (!g || g.out.type !== 'f32' || g.inputs.length > ctx.device.limits.maxStorageBuffersPerShaderStage - 1 || g.inputs.some((x) => x.mode === 'strided')) return;
    const readers = readersOf(g.out.buffer, j);
    const r = readers?.length === 1 ? readers[0]! : undefined;
    const s = r === undefined ? undefined : steps[r]!;
    const reduce = s?.kind === 'dispatch' ? s.reduce : undefined;
    if (!reduce || reduce.input !== g.out.buffer || reduce.n !== g.n || removed.has(r!) || facts.frozen.has(r!) || facts.constants?.has(r!)) return;
    // The operands are read at the reduction's place (nothing in between may write them), beside its output.
    const written = ctx.writes(s as DispatchStep);
    if (!undisturbed(g, j, r!) || g.inputs.some((x) => written.includes(x.buffer))) return;
    const prologue = { stages: g.stages, operands: g.inputs.map((x) => ({ at: x.mode === 'scalar' ? 'scalar' as const : 'same' as const, type: x.type })) };
    prologues.set(r!, { step: reduce.withPrologue(prologue, g.inputs.map((x) => x.buffer)), ops: [...g.ops, (s as DispatchStep).op], copies: g.ops.length - g.members.length });
    groups[j] = undefined;
    removed.add(j);
  });

  const out: GpuStep[] = [];
  const index: number[] = [];
  const chains: string[] = [];
  steps.forEach((s, i) => {
    if (removed.has(i)) {
      index.push(-1);
      return;
    }
    index.push(out.length);
    const g = groups[i];
    const e = epilogues.get(i) ?? prologues.get(i);
    if (e) {
      chains.push(e.ops.join('+'));
      duplicatedOps += e.copies;
      out.push(e.step);
    } else if (!g || g.stages.length === 1) out.push(s);
    else {
      chains.push(g.ops.join('+'));
      duplicatedOps += g.ops.length - g.members.length;
      out.push(fusedStep(ctx, g));
    }
  });
  return { steps: out, index, chains, duplicatedOps };
}

/**
 * Chain `g` as the epilogue of the GEMM writing `y` ([rows, n]): y is the accumulator; other
 * operands are same-shape, per column (strides 0, 1 over [rows, n]: a bias) or scalar. The template
 * evaluates the same stages (the same generated code) on the f32 accumulator the GEMM would have
 * stored, so it computes what the kernels computed. Null: an operand indexed otherwise.
 */
function epilogueOf(g: Group, y: GPUBuffer, n: number): GemmEpilogueArgs | null {
  const operands: GemmEpilogue['operands'][number][] = [];
  const buffers: GPUBuffer[] = [];
  for (const x of g.inputs) {
    const at = x.buffer === y ? (x.mode === 'same' ? 'acc' : null)
      : x.mode !== 'strided' ? x.mode
        : g.shape?.length === 2 && g.shape[1] === n && x.strides.join() === '0,1' ? 'column' : null;
    if (!at) return null;
    operands.push({ at, type: x.type });
    if (at !== 'acc') buffers.push(x.buffer);
  }
  return { chain: { stages: g.stages, operands }, buffers };
}

function single(s: DispatchStep, at: number): Group {
  const e = s.elementwise!;
  const strided = e.inputs.some((x) => x.mode === 'strided');
  return {
    stages: [{ expr: e.expr, params: e.inputs.map((x) => x.name), args: e.inputs.map((_, k) => ({ input: k })), out: e.out.type }],
    inputs: e.inputs.map(({ type, buffer, mode, strides }) => ({ type, buffer, mode, strides })),
    out: e.out, n: e.n, shape: strided ? e.shape : null, ops: [s.op], members: [at],
  };
}

/** `p`'s chain feeding input `k` of `g` (which `p` writes): the inputs of both, shared where the same; null if their strided frames differ. */
function merge(p: Group, g: Group, k: number): Group | null {
  const fed = g.inputs[k]!.buffer;
  if (p.shape && g.shape && p.shape.join() !== g.shape.join()) return null;
  if (g.inputs.some((x) => x.buffer === fed && x.mode !== 'same')) return null;
  const inputs: Input[] = [];
  const place = (x: Input) => {
    const at = inputs.findIndex((y) => sameInput(x, y));
    if (at >= 0) return at;
    inputs.push(x);
    return inputs.length - 1;
  };
  const fromP = p.inputs.map(place);
  const fromG = g.inputs.map((x) => (x.buffer === fed && x.mode === 'same' ? -1 : place(x)));
  const last = p.stages.length - 1;
  const stages: FusedStage[] = [
    ...p.stages.map((s) => ({ ...s, args: s.args.map((a) => ('input' in a ? { input: fromP[a.input]! } : a)) })),
    ...g.stages.map((s) => ({
      ...s,
      args: s.args.map((a) => ('input' in a ? (fromG[a.input]! < 0 ? { stage: last } : { input: fromG[a.input]! }) : { stage: a.stage + p.stages.length })),
    })),
  ];
  return { stages, inputs, out: g.out, n: g.n, shape: p.shape ?? g.shape, ops: [...p.ops, ...g.ops], members: [...p.members, ...g.members] };
}

const rankOf = (g: Group) => (g.inputs.some((x) => x.mode === 'strided') ? g.shape!.length : 0);
const plan = (g: Group) => elementwisePlan(g.n, rankOf(g), g.inputs.map((x) => x.mode));

/** The generated kernel of a chain, planned as the one elementwise template plans any kernel. */
function fusedStep(ctx: GpuContext, g: Group): GpuStep {
  const variant = plan(g)[0]!.variant;
  const types = g.inputs.map((x) => x.type);
  const strided = g.inputs.filter((x) => x.mode === 'strided').map((x) => x.strides);
  const uniforms = strided.length > 0 ? broadcastUniformValues(g.shape!, strided) : [];
  const desc = g.stages.map((s) => `(${s.params.join(',')})=>${s.expr}(${s.args.map((a) => ('input' in a ? `p${a.input}` : `t${a.stage}`)).join(',')})>${s.out}`).join(';');
  const key = elementwiseKey(`fused[${desc}]`, types, g.out.type, variant);
  const [step] = ctx.capture(() => dispatchFlat(ctx, g.ops.join('+'), key, () => fusedElementwiseWgsl(g.stages, types, g.out.type, variant), [...g.inputs.map((x) => x.buffer), g.out.buffer], uniforms, g.n, variant.perInvocation));
  return step!;
}

/** Whether step `s` only reads buffer `b`: a copy's source, or bound by a dispatch that may not write it (GpuContext.writes). */
function readsOnly(ctx: GpuContext, s: GpuStep, b: GPUBuffer): boolean {
  if (s.kind === 'copy') return s.dst !== b;
  return s.kind === 'dispatch' && !ctx.writes(s).includes(b);
}

/** The buffers a step binds or copies. */
export function stepBuffers(s: GpuStep): GPUBuffer[] {
  if (s.kind === 'copy') return [s.src, s.dst];
  if (s.kind === 'upload' || s.kind === 'clear') return [s.buffer];
  return s.buffers.map(bindingBuffer);
}
