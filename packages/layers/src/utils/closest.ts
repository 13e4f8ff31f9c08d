/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * The candidate nearest to `name` (case-insensitive), or undefined when there is none. A name of 3
 * or more letters that begins a candidate ('glorot' of 'glorot_uniform') is taken as shortened:
 * that candidate beats any edit (else the short 'zero' is nearer), the first listed among several.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const n = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    const d = lc === n ? 0 : n.length >= 3 && lc.startsWith(n) ? 0.5 : editDistance(n, lc);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

export const didYouMean = (name: string, candidates: Iterable<string>): string => {
  const c = closest(name, candidates);
  return c === undefined ? '' : `; did you mean '${c}'?`;
};
