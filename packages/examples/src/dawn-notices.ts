import { spawn } from 'node:child_process';

/**
 * Dawn prints these two informational lines whenever it enumerates adapters (it caps two limits
 * that no kernel here uses). They come from native code, straight to file descriptor 2, so no
 * JavaScript in the same process can intercept them: the command-line entries run the job in a
 * child process whose stderr passes through `dropDawnNotices`.
 */
const DAWN_NOTICE = /^Warning: maxDynamic(?:Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\r?$/;

/** A line filter over stream chunks: whole lines are passed on except Dawn's notices; `end` flushes a last unterminated line. */
export function dropDawnNotices(emit: (text: string) => void): { write(chunk: string): void; end(): void } {
  let pending = '';
  const pass = (line: string) => {
    if (!DAWN_NOTICE.test(line)) emit(`${line}\n`);
  };
  return {
    write(chunk) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      lines.forEach(pass);
    },
    end() {
      if (pending !== '' && !DAWN_NOTICE.test(pending)) emit(pending);
      pending = '';
    },
  };
}

const CHILD_FLAG = 'KERASGPU_DAWN_FILTERED';

/**
 * Runs this same script again as a child with stderr filtered (stdin and stdout stay the
 * terminal's, so progress bars still redraw) and resolves to its exit code; resolves to null in
 * the child, which then does the work. A signal that ends the child ends this process the same way.
 */
export function inFilteredChild(): Promise<number | null> {
  if (process.env[CHILD_FLAG] === '1') return Promise.resolve(null);
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, [CHILD_FLAG]: '1' },
  });
  const filter = dropDawnNotices((text) => process.stderr.write(text));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => filter.write(chunk));
  // Ctrl-C reaches the whole process group, the child included; SIGTERM is passed on.
  const ignore = () => {};
  const forward = () => child.kill('SIGTERM');
  process.on('SIGINT', ignore).on('SIGTERM', forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      filter.end();
      process.off('SIGINT', ignore).off('SIGTERM', forward);
      if (signal) process.kill(process.pid, signal);
      else resolve(code ?? 1);
    });
  });
}
