/**
 * bench:train runs each library in a worker process of its own (tfjs-backend-webgpu wants a
 * global `navigator`, which confuses other packages), both alive at once so that train.ts can
 * time them alternately. The worker end (`serve`) holds one trainer at a time and answers the
 * orchestrator's requests over Node's IPC channel; the orchestrator end is `Worker`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { timed, type Contender, type TimedTrainer } from './alternate.js';
import { CASES, type CaseName, type CaseSpec, type Measurement, type Trainer } from './train-cases.js';

type Backend = Measurement['backend'];
type Request = { op: 'start'; case: CaseName; backend: Backend } | { op: 'time'; batches: number } | { op: 'end' };
type Reply = { ok: true; seconds?: number } | { ok: false; error: string };
/** The first message a worker sends, once it is ready. */
export interface Hello { library: Measurement['library']; version: string; adapter: string }

/** The worker end: answers requests until the orchestrator disconnects. */
export function serve(hello: Hello, activate: (backend: Backend) => Promise<void>, makeTrainer: (c: CaseSpec) => Trainer): void {
  let trainer: TimedTrainer | null = null;
  let backend: Backend | null = null;
  const handle = async (r: Request): Promise<Reply> => {
    try {
      if (r.op === 'start') {
        if (backend !== r.backend) { await activate(r.backend); backend = r.backend; }
        trainer = timed(makeTrainer(CASES[r.case]));
        return { ok: true };
      }
      if (!trainer) throw new Error(`'${r.op}' before 'start'`);
      if (r.op === 'time') return { ok: true, seconds: await trainer.time(r.batches) };
      await trainer.dispose();
      trainer = null;
      return { ok: true };
    } catch (e) {
      return { ok: false, error: (e as Error).message.split('\n')[0]! };
    }
  };
  // Requests come one at a time (the orchestrator awaits each reply).
  process.on('message', (r: Request) => void handle(r).then((reply) => process.send!(reply)));
  process.on('disconnect', () => process.exit(0)); // Dawn keeps the event loop alive
  process.send!({ hello });
}

/** The orchestrator end of one worker process. */
export class Worker {
  private pending: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  private exited: string | null = null;

  private constructor(private readonly child: ChildProcess, readonly hello: Hello) {
    child.on('message', (m: Reply) => { const p = this.pending; this.pending = null; p?.resolve(m); });
    child.on('exit', (code, signal) => {
      this.exited = `the ${hello.library} worker stopped (${signal ?? `exit ${code}`})`;
      this.pending?.reject(new Error(this.exited));
      this.pending = null;
    });
  }

  /** Starts a worker script (a sibling .js in dist/, or .mjs when bundled) and waits for its hello. */
  static start(file: string): Promise<Worker> {
    const child = fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('message', (m: { hello: Hello }) => resolve(new Worker(child, m.hello)));
      child.once('exit', (code, signal) => reject(new Error(`${file} stopped before it was ready (${signal ?? `exit ${code}`})`)));
    });
  }

  private async request(r: Request): Promise<number> {
    if (this.exited) throw new Error(this.exited);
    const reply = await new Promise<Reply>((resolve, reject) => { this.pending = { resolve, reject }; this.child.send(r); });
    if (!reply.ok) throw new Error(reply.error);
    return reply.seconds ?? 0;
  }

  /** This worker's side of a case on a backend, for measureAlternately. */
  contender(c: CaseName, backend: Backend): Contender {
    return {
      library: this.hello.library,
      make: async () => {
        await this.request({ op: 'start', case: c, backend });
        return { time: (batches) => this.request({ op: 'time', batches }), dispose: async () => { if (!this.exited) await this.request({ op: 'end' }); } };
      },
    };
  }

  close(): void { this.child.disconnect(); }
}
