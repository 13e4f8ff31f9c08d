import { defineConfig } from 'vitest/config';

const packages = ['kernels', 'core', 'layers', 'io', 'examples'];

export default defineConfig({
  // Tests import sibling packages by name and get their src/ (no build needed).
  ssr: { resolve: { conditions: ['@kerasgpu/source'] } },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: packages.map((name) => ({
      extends: true,
      test: { name, root: `${import.meta.dirname}/packages/${name}`, include: ['test/**/*.test.ts'] },
    })),
  },
});
