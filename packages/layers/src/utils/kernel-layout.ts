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
