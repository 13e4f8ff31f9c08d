// Rewrites the Keras-names table in README.md from the source table (run after `npx tsc -b`);
// test/keras-names.test.ts fails while the README and the source disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { kerasNamesMarkdown } from '@kerasgpu/layers';

const path = new URL('../README.md', import.meta.url);
const begin = '<!-- keras-names:begin -->';
const end = '<!-- keras-names:end -->';
const text = readFileSync(path, 'utf8');
const [head, rest] = text.split(begin);
if (rest === undefined || !rest.includes(end)) throw new Error(`README.md lacks the ${begin} ... ${end} markers`);
writeFileSync(path, `${head}${begin}\n${kerasNamesMarkdown()}\n${end}${rest.split(end)[1]}`);
