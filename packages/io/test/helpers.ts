import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/keras/${name}`, import.meta.url));

export const readJson = <T = Record<string, unknown>>(name: string): T => JSON.parse(readFileSync(fixture(name), 'utf8')) as T;

/** A fresh temporary folder for the calling test file, removed after its tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kerasgpu-io-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
