import { describe, expect, it } from 'vitest';
import { KERAS_FUNCTION_NAMES } from '@kerasgpu/layers';
import * as io from '@kerasgpu/io';

describe('Keras spellings of io functions (the table in @kerasgpu/layers)', () => {
  it('@kerasgpu/io exports each function under both names, and no other snake_case name', () => {
    const mod = io as unknown as Record<string, unknown>;
    const table = KERAS_FUNCTION_NAMES['@kerasgpu/io'];
    for (const [keras, camel] of Object.entries(table)) {
      expect(typeof mod[camel], camel).toBe('function');
      expect(mod[keras], keras).toBe(mod[camel]);
    }
    const snake = Object.keys(mod).filter((k) => /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(k)).sort();
    expect(snake).toEqual(Object.keys(table).filter((k) => k.includes('_')).sort());
  });
});
