import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** A fixture file: Keras 1.0–2.1 files under fixtures/keras, newer ones under fixtures/keras-modern. */
export const fixture = (name: string, folder: 'keras' | 'keras-modern' = 'keras'): string => fileURLToPath(new URL(`./fixtures/${folder}/${name}`, import.meta.url));

export const readJson = <T = Record<string, unknown>>(name: string, folder: 'keras' | 'keras-modern' = 'keras'): T => JSON.parse(readFileSync(fixture(name, folder), 'utf8')) as T;

/** A fresh temporary folder for the calling test file, removed after its tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kerasgpu-io-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
