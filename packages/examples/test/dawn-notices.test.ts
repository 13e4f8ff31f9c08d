import { describe, expect, it } from 'vitest';
import { dropDawnNotices } from '../src/dawn-notices.js';

const NOTICES = ['Uniform', 'Storage'].map((kind) => `Warning: maxDynamic${kind}BuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.\n`);

/** Feeds `text` to the filter in chunks of `size` characters. */
function filtered(text: string, size: number): string {
  let out = '';
  const f = dropDawnNotices((t) => { out += t; });
  for (let i = 0; i < text.length; i += size) f.write(text.slice(i, i + size));
  f.end();
  return out;
}

describe("the command line's stderr filter", () => {
  it("drops exactly Dawn's two notices, whatever the chunking, and keeps every other line", () => {
    const other = 'kerasgpu: no WebGPU adapter (x); using the cpu backend\nWarning: something else artificially reduced\n';
    for (const size of [1, 7, 64, 10_000]) {
      expect(filtered(`${NOTICES[0]}${other}${NOTICES[1]}last line, unterminated`, size)).toBe(`${other}last line, unterminated`);
    }
  });
});
