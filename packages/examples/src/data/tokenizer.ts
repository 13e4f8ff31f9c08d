/**
 * A simple word tokenizer in the manner of Keras's Tokenizer: lower-case words (letters, digits,
 * apostrophes), a vocabulary of the most frequent training words, 0 kept for padding and 1 for
 * words outside the vocabulary.
 */
export const PAD = 0;
export const OOV = 1;

export const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9']+/g) ?? [];

export class Tokenizer {
  private readonly index = new Map<string, number>();

  /** Keeps the `numWords − 2` most frequent words of `texts` (ties: alphabetical, so the index is deterministic). */
  constructor(texts: readonly string[], readonly numWords: number) {
    const counts = new Map<string, number>();
    for (const t of texts) for (const w of words(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    ranked.slice(0, numWords - 2).forEach(([w], i) => this.index.set(w, i + 2));
  }

  get vocabularySize(): number { return this.index.size + 2; }

  /** Word indices of `text`, unknown words as OOV. */
  encode(text: string): number[] {
    return words(text).map((w) => this.index.get(w) ?? OOV);
  }
}
