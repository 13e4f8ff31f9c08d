/**
 * Draws an index from a probability vector reweighted by a temperature (Keras's
 * lstm_text_generation `sample`): p_i ∝ exp(log p_i / T). Low T is greedy, high T adventurous.
 */
export function sampleIndex(probs: ArrayLike<number>, temperature: number, rand: () => number): number {
  const logits = Array.from(probs, (p) => Math.log(Math.max(p, 1e-12)) / temperature);
  const top = Math.max(...logits);
  const weights = logits.map((l) => Math.exp(l - top));
  let u = rand() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}
