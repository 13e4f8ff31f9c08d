import { defineConfig } from 'vitest/config';

const packages = ['kernels', 'core', 'layers', 'io', 'examples'];

const project = (name: string, root: string, env: Record<string, string> = {}) => ({
  extends: true as const,
  test: { name, root: `${import.meta.dirname}/${root}`, include: ['test/**/*.test.ts'], env },
});

export default defineConfig({
  // Tests import sibling packages by name and get their src/ (no build needed).
  ssr: { resolve: { conditions: ['@kerasgpu/source'] } },
  test: {
    setupFiles: [`${import.meta.dirname}/vitest.setup.ts`],
    // A cold Mesa shader cache (a fresh CI machine) compiles the LSTM and GEMM pipelines for tens of seconds.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    projects: [
      ...packages.map((name) => project(name, `packages/${name}`)),
      // The Keras API tests run once per backend (they read KERASGPU_BACKEND; default cpu).
      project('layers-webgpu', 'packages/layers', { KERASGPU_BACKEND: 'webgpu' }),
      // The library bundled for the browser, run in headless Chromium (scripts/browser/test).
      project('browser', 'scripts/browser'),
    ],
  },
});
