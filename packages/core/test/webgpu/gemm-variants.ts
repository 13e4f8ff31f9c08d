import type { GemmVariant } from '@kerasgpu/kernels';

/**
 * Both GEMM variants on this adapter. The tiled one is tested with small tiles (same template
 * code, many more tile edges, and lavapipe compiles it quickly); its production tiles get a few
 * fixed cases below (and run for real on GPU machines).
 */
export const VARIANTS: [string, GemmVariant['kind'] | GemmVariant][] = [
  ['subgroup', 'subgroup'],
  ['tiled 16x16x8', { kind: 'tiled', wx: 4, wy: 4, rm: 4, rn: 4, tk: 8 }],
];
