/**
 * Waiting for the GPU without spinning a CPU core.
 *
 * While any promise of Dawn's Node binding is pending (onSubmittedWorkDone, mapAsync), the
 * binding polls the device by re-queueing a setImmediate: a busy loop on the main thread for as
 * long as the GPU works. On a CPU adapter that loop takes a core from the threads doing the GPU's
 * work (lavapipe on 2 cores: the main thread at ~85% of a core through an LSTM epoch; napping,
 * the bench:train models trained 1.36-1.80x the samples/s, medians of alternating rounds in two
 * runs, BENCHMARKS.md). So a wait longer than SPIN_MS also queues naps beside the binding's polls: one
 * 0.5 ms sleep (Atomics.wait) per turn of the event loop, so each poll still runs and a result
 * is seen at most a nap late. A short wait spins as before, so a quick read costs no latency.
 * Outside Node (a browser's main thread may not Atomics.wait, and has no such loop) this is the
 * promise itself.
 */

const SPIN_MS = 1;
const NAP_MS = 0.5;

type NodeGlobals = { process?: { versions?: { node?: string } }; setImmediate?: (fn: () => void) => unknown };
const node = globalThis as NodeGlobals;
const napCell = node.process?.versions?.node && node.setImmediate ? new Int32Array(new SharedArrayBuffer(4)) : null;

/** Resolves as `pending` does; in Node, the thread sleeps in short naps while it is pending. */
export function awaitGpu<T>(pending: Promise<T>): Promise<T> {
  const cell = napCell, later = node.setImmediate;
  if (!cell || !later) return pending;
  let settled = false;
  const start = performance.now();
  const nap = () => {
    if (settled) return;
    if (performance.now() - start > SPIN_MS) Atomics.wait(cell, 0, 0, NAP_MS);
    later(nap);
  };
  later(nap);
  return pending.finally(() => { settled = true; });
}
