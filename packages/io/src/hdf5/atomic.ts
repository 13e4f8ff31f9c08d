import { accessSync, closeSync, constants, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { hdf5Reason, isHdf5Diagnostic, KerasFileError } from './errors.js';

/**
 * The one temporary name a target is written under. A save killed where no handler runs (SIGKILL,
 * a power cut) leaves it behind; the next save to the same target removes it.
 */
export const tempPathFor = (path: string): string => join(dirname(path), `.${basename(path)}.kerasgpu-tmp`);

const CAUSES: Record<string, string> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'a parent is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a directory',
};

/**
 * One line for a failed write: the cause from a Node error's code, or from the `error message`
 * an HDF5 diagnostic (50-odd lines of library stack) quotes from the OS. Other errors pass as they are.
 */
function writeError(path: string, e: unknown): unknown {
  if (e instanceof KerasFileError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== undefined && code in CAUSES) return new KerasFileError(`cannot save ${path}: ${CAUSES[code]}`);
  if (!isHdf5Diagnostic(e)) return e;
  const os = /error message = '([^']*)'/.exec((e as Error).message)?.[1];
  return new KerasFileError(`cannot save ${path}: ${os ? os.charAt(0).toLowerCase() + os.slice(1) : hdf5Reason(e)}`);
}

/** What HDF5 would only report deep in a diagnostic: the folder is missing, not a folder, or not writable. */
function checkTarget(path: string): void {
  const dir = dirname(resolve(path));
  const st = statSync(dir, { throwIfNoEntry: false });
  if (st === undefined) throw new KerasFileError(`cannot save ${path}: no such directory ${dir}`);
  if (!st.isDirectory()) throw new KerasFileError(`cannot save ${path}: ${dir} is not a directory`);
  accessSync(dir, constants.W_OK);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new KerasFileError(`cannot save ${path}: it is a directory`);
}

/** Removes a temporary file if there is one; a folder that is missing has none to remove. */
function removeTemp(tmp: string): void {
  try {
    rmSync(tmp, { force: true });
  } catch {
    // ENOTDIR and the like: the write failed before the file could exist.
  }
}

/** Temporary files being written; a signal that ends the process removes them first. */
const inProgress = new Set<string>();

/**
 * Installed only while a save runs. When nothing else listens, SIGINT / SIGTERM would have ended
 * the process: remove the temporary files, then re-raise the signal with its default action so
 * the process still ends as it would have. With other listeners the signal is theirs to handle.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  for (const tmp of inProgress) removeTemp(tmp);
  inProgress.clear();
  uninstall();
  process.kill(process.pid, signal);
}
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
function install(): void {
  for (const s of SIGNALS) process.on(s, onSignal);
}
function uninstall(): void {
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Lets a signal that arrived during synchronous writing reach the handler while it is installed. */
export const yieldToSignals = (): Promise<void> => new Promise((done) => setImmediate(done));

/** Saves to one target run one after another: they share its temporary name. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Writes `path` through a temporary file in the same folder (so the rename stays on one file
 * system and is atomic): readers see the old file or the complete new one, never a partial one.
 * When `write` throws, the temporary file is removed and the old file is left untouched; a
 * missing or read-only folder or a full disk is one line naming the path and the cause.
 */
export function writeFileAtomic(path: string, write: (tmpPath: string) => void | Promise<void>): Promise<void> {
  const key = resolve(path);
  const run = (queues.get(key) ?? Promise.resolve()).catch(() => {}).then(() => writeNow(path, write));
  queues.set(key, run);
  return run.finally(() => {
    if (queues.get(key) === run) queues.delete(key);
  });
}

async function writeNow(path: string, write: (tmpPath: string) => void | Promise<void>): Promise<void> {
  const tmp = tempPathFor(path);
  if (inProgress.size === 0) install();
  inProgress.add(tmp);
  try {
    checkTarget(path);
    rmSync(tmp, { force: true });
    await write(tmp);
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    removeTemp(tmp);
    throw writeError(path, e);
  } finally {
    await yieldToSignals();
    inProgress.delete(tmp);
    if (inProgress.size === 0) uninstall();
  }
}
