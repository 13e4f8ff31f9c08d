import type { DynamicArgs, Storage } from './backend.js';
import type { PrimitiveAttrs } from './primitives.js';
import type { RandomKey } from './random.js';
import type { DataRef, Variable } from './tensor.js';

/**
 * What a traced step did, as backend-independent data: every primitive run, upload, optimizer
 * update, variable assignment and free, with storages numbered as slots (in order of first
 * use). The same trace is taken on every backend, so its op list and buffer liveness can be
 * printed and tested on cpu too.
 */
export type TraceOp =
  | { kind: 'run'; op: string; prim: string; inputs: number[]; outputs: number[] }
  | { kind: 'upload'; slot: number }
  | { kind: 'update'; rule: string; param: number; grad: number; slots: number[] }
  | { kind: 'assign'; variable: string; from: number; to: number }
  | { kind: 'free'; slot: number };

/** A slot's bytes, whether it existed before the step (weights, the batch) and the ops that use it first and last. */
export interface SlotInfo { bytes: number; external: boolean; first: number; last: number }

export class StepProgram {
  constructor(readonly ops: readonly TraceOp[], readonly slots: readonly SlotInfo[]) {}

  /** One line per op, then each slot's liveness; what `compile({jit})` replays, in words. */
  describe(): string {
    const s = (i: number) => `%${i}`;
    const lines = this.ops.map((o, i) => {
      const at = String(i).padStart(4);
      switch (o.kind) {
        case 'run': return `${at} ${o.outputs.map(s).join(', ')} = ${o.prim}(${o.inputs.map(s).join(', ')})${o.op !== o.prim ? `  # ${o.op}` : ''}`;
        case 'upload': return `${at} ${s(o.slot)} = upload`;
        case 'update': return `${at} update.${o.rule}(${[o.param, o.grad, ...o.slots].map(s).join(', ')})`;
        case 'assign': return `${at} ${o.variable} := ${s(o.to)} (was ${s(o.from)})`;
        case 'free': return `${at} free ${s(o.slot)}`;
      }
    });
    const live = this.slots.map((sl, i) => `${s(i)}: ${sl.bytes} B, ${sl.external ? 'external' : 'step'}, ops ${sl.first}..${sl.last}`);
    return [...lines, '-- slots --', ...live].join('\n');
  }
}

/**
 * Collects a step's trace while the engine runs it eagerly; the engine calls these hooks.
 * Besides the op list it keeps what decides whether the step can be replayed: the keys drawn,
 * the per-step kernels (random draws, optimizer updates) in order, host reads, and the
 * variables re-assigned.
 */
export class Tracer {
  readonly ops: TraceOp[] = [];
  private readonly slotOf = new Map<Storage, number>();
  readonly slots: SlotInfo[] = [];
  readonly created = new Set<Storage>();
  readonly freed = new Set<Storage>();
  readonly keys: RandomKey[] = [];
  /** Per-step kernels in the order the backend met them. */
  readonly dynamic: ({ kind: 'random'; attrs: PrimitiveAttrs['random'] } | { kind: 'update'; rule: string })[] = [];
  readonly hostReads: string[] = [];
  /** Re-assigned variables and the storage each had before the step. */
  readonly assigned = new Map<Variable, DataRef>();

  slot(s: Storage, bytes: number): number {
    let i = this.slotOf.get(s);
    if (i === undefined) {
      i = this.slots.length;
      this.slotOf.set(s, i);
      this.slots.push({ bytes, external: !this.created.has(s), first: this.ops.length, last: this.ops.length });
    }
    this.slots[i]!.last = this.ops.length;
    return i;
  }

  /** The storages the step used but did not make (weights, the batch, anything else it read). */
  external(): Storage[] {
    return [...this.slotOf].filter(([, i]) => this.slots[i]!.external).map(([s]) => s);
  }

  made(s: Storage): void {
    this.created.add(s);
  }

  program(): StepProgram {
    return new StepProgram([...this.ops], this.slots.map((s) => ({ ...s })));
  }
}

export type { DynamicArgs };
