import { parseRunOptions, UsageError } from './cli.js';
import { exampleNames, isExampleName } from './examples/names.js';

const USAGE = 'usage: npm run example -- NAME [--epochs N] [--backend cpu|webgpu] [--quick]';

/**
 * Command-line entry of the main job and the examples: checks the name and flags before the
 * library loads (a usage error costs no import). Returns the exit code.
 */
export async function main(name: string | undefined, argv: readonly string[]): Promise<number> {
  try {
    if (!isExampleName(name)) {
      throw new UsageError(`${name === undefined ? 'name an example' : `unknown example '${name}'`}; examples: ${exampleNames.join(', ')}`);
    }
    const opts = parseRunOptions(argv);
    const { runExample } = await import('./run.js');
    await runExample(name, opts);
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${USAGE}\n${e.message}`);
    return 2;
  }
}
