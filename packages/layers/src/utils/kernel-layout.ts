/**
 * Keras 1's 'th' convolution kernel layout (out, in, *spatial) against Keras 2's (*spatial, in, out),
 * which the layers store. The one definition of the permutation: the conv layers apply it to a
 * Keras 1 `weights` option, `@kerasgpu/io` to Keras 1 'th' kernels read from files.
 */
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** Keras 2's transpose (2, 3, 1, 0) generalised to `rank` axes: th → tf. */
export const thToTfKernelPerm = (rank: number): number[] => [...range(2, rank), 1, 0];

/** Its inverse: tf → th. */
export const tfToThKernelPerm = (rank: number): number[] => [rank - 1, rank - 2, ...range(0, rank - 2)];

/**
 * Keras 1 stores an LSTM's (and ConvLSTM2D's) per-gate arrays in the gate order i, c, f, o; Keras 2
 * fuses them in the order i, f, c, o. Block j of the fused arrays is stored gate KERAS1_LSTM_GATES[j].
 */
export const KERAS1_LSTM_GATES: readonly number[] = [0, 2, 1, 3];
