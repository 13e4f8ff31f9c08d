import { parseArgs } from 'node:util';

/** The flags every example (and the main job) accepts. */
export interface RunOptions {
  /** Epochs to train; undefined means the example's own default. */
  epochs?: number;
  /** cpu or webgpu; undefined keeps the default choice (webgpu when an adapter exists). */
  backend?: 'cpu' | 'webgpu';
  /** A tiny subset and one short epoch: the smoke tests' mode, a few seconds. */
  quick: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses `--epochs N`, `--backend cpu|webgpu`, `--quick`; anything else is a usage error. */
export function parseRunOptions(argv: readonly string[]): RunOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { epochs: { type: 'string' }, backend: { type: 'string' }, quick: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nflags: --epochs N, --backend cpu|webgpu, --quick`);
  }
  const out: RunOptions = { quick: values.quick ?? false };
  if (values.epochs !== undefined) {
    const n = Number(values.epochs);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--epochs must be a positive integer, got '${values.epochs}'`);
    out.epochs = n;
  }
  if (values.backend !== undefined) {
    if (values.backend !== 'cpu' && values.backend !== 'webgpu') throw new UsageError(`--backend must be cpu or webgpu, got '${values.backend}'`);
    out.backend = values.backend;
  }
  return out;
}

/** The epoch count: the flag, else `quick` (with --quick) or `full`. */
export const epochsFor = (opts: RunOptions, full: number, quick = 1): number => opts.epochs ?? (opts.quick ? quick : full);
