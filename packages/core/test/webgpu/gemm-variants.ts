import type { GemmVariant } from '@kerasgpu/kernels';

/**
 * Both GEMM variants on this adapter, the subgroup one with both of its row blockings (2 for
 * small problems, 4 for large: forced here so random small shapes exercise both), and the row
 * blocks to force (null: as production chooses). The tiled one is tested with small tiles (same
 * template code, many more tile edges, and lavapipe compiles it quickly); its production tiles
 * get a few fixed cases below (and run for real on GPU machines).
 */
export const VARIANTS: [string, GemmVariant['kind'] | GemmVariant, number | null][] = [
  ['subgroup', 'subgroup', 2],
  ['subgroup 4 row blocks', 'subgroup', 4],
  ['tiled 16x16x8', { kind: 'tiled', wx: 4, wy: 4, rm: 4, rn: 4, tk: 8 }, null],
];
