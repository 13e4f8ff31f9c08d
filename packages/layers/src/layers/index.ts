export { Dense, type DenseOptions } from './core/dense.js';
export { Activation } from './core/activation.js';
export { Dropout } from './core/dropout.js';
export { Flatten, Reshape, Permute, RepeatVector } from './core/shape-layers.js';
export { Lambda, Masking, type LambdaFn } from './core/lambda.js';
export type { LayerOptions, KernelOptions } from './core/kernel-options.js';
