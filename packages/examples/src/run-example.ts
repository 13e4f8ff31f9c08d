/** `npm run example -- NAME [--epochs N] [--backend cpu|webgpu] [--quick]`. */
import { main } from './entry.js';

process.exitCode = await main(process.argv[2], process.argv.slice(3));
