/**
 * The main job (`npm start`): the MNIST MLP example with its default settings. Flags as for every
 * example: --epochs N, --backend cpu|webgpu, --quick.
 */
import { inFilteredChild } from './dawn-notices.js';
import { main } from './entry.js';

process.exitCode = (await inFilteredChild()) ?? (await main('mnist-mlp', process.argv.slice(2)));
