/** `npm run example -- NAME [--epochs N] [--backend cpu|webgpu] [--quick]`. */
import { inFilteredChild } from './dawn-notices.js';
import { main } from './entry.js';

process.exitCode = (await inFilteredChild()) ?? (await main(process.argv[2], process.argv.slice(3)));
