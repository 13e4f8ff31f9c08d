import '@kerasgpu/io'; // registers the HDF5 save handlers behind model.save
import { backendDescription, init } from '@kerasgpu/layers';
import type { RunOptions } from './cli.js';
import { examples } from './examples/index.js';
import type { ExampleName } from './examples/names.js';

/** Runs example `name` (a key of `examples`) on the requested backend, the default one otherwise. */
export async function runExample(name: ExampleName, opts: RunOptions): Promise<void> {
  await init(opts.backend ? { backend: opts.backend } : {});
  console.log(`backend: ${backendDescription()}`);
  const example = await examples[name]();
  await example({ opts, log: (line) => console.log(line) });
}
