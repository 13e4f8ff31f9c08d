import { ValueError } from '../utils/errors.js';

/** Lets the event loop run: timers, servers and progress UIs in the same process keep going during fit. */
const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * Orders a model's training against everything else that touches its weights. One training run
 * at a time (two fits on one model would interleave their steps silently), and a save asked for
 * while a run is going holds the next step back until it has read weights and optimizer state,
 * so the file never mixes two steps.
 */
export class RunGuard {
  private running: string | null = null;
  private readonly pauses = new Set<Promise<unknown>>();

  async exclusive<T>(what: string, model: string, fn: () => Promise<T>): Promise<T> {
    if (this.running !== null) {
      throw new ValueError(`${what}: model ${model} is already running ${this.running}; wait for it to finish before starting another training run`);
    }
    this.running = what;
    try {
      return await fn();
    } finally {
      this.running = null;
    }
  }

  /** Awaited by a training run before each step. */
  async stepBoundary(): Promise<void> {
    await yieldToEventLoop();
    while (this.pauses.size > 0) await Promise.allSettled(this.pauses);
  }

  /** Runs fn (a save) with training steps held back until it settles. */
  async pauseSteps<T>(fn: () => Promise<T>): Promise<T> {
    const p = fn();
    this.pauses.add(p);
    try {
      return await p;
    } finally {
      this.pauses.delete(p);
    }
  }
}
