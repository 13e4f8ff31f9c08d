// Bundles kerasgpu for the browser: core, kernels, layers and io's portable part (persistence
// from bytes), resolved with the `browser` condition so that Node-only modules (node:fs, process,
// h5wasm's Node build, Dawn) are never reached. esbuild's browser platform refuses Node's built-in
// modules, and every Node-only module imports one, so a bundle that builds has reached none.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Builds `entry` (relative to the repository) into `outfile`; returns esbuild's metafile. */
export async function bundle(entry, outfile) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Sibling packages from their TypeScript sources (no tsc output needed), browser entries first.
    conditions: ['browser', '@kerasgpu/source'],
    sourcemap: true,
    metafile: true,
    logLevel: 'silent', // errors come back in the thrown error
  });
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [entry = 'scripts/browser/kerasgpu.ts', outfile = 'dist/browser/kerasgpu.js'] = process.argv.slice(2);
  const meta = await bundle(entry, outfile);
  console.log(`${outfile}: ${(meta.outputs[outfile].bytes / 1e6).toFixed(1)} MB from ${Object.keys(meta.inputs).length} modules`);
}
