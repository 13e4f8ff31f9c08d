export { Dense, type DenseOptions } from './core/dense.js';
export { Activation } from './core/activation.js';
export { Dropout } from './core/dropout.js';
export { Flatten, Reshape, Permute, RepeatVector } from './core/shape-layers.js';
export { Lambda, Masking, type LambdaFn } from './core/lambda.js';
export { MaxoutDense } from './core/maxout-dense.js';
export type { LayerOptions, KernelOptions } from './core/kernel-options.js';
export { Convolution1D, Conv1D, Convolution2D, Conv2D, ConvBase, type ConvOptions } from './convolutional/conv.js';
export { ZeroPadding2D, UpSampling2D } from './convolutional/resize.js';
export { Convolution3D, Convolution3D as Conv3D, MaxPooling3D } from './convolutional/conv3d.js';
export {
  MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,
  GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, type PoolingOptions,
} from './pooling/pooling.js';
export { Embedding, type EmbeddingOptions } from './embeddings/embedding.js';
export { SimpleRNN, GRU, LSTM, type GRUOptions } from './recurrent/cells.js';
export { RNNBase, type RecurrentOptions } from './recurrent/rnn-base.js';
export { BatchNormalization, type BatchNormalizationOptions } from './normalization/batch-normalization.js';
export { GaussianNoise, GaussianDropout } from './noise/noise.js';
export { Merge, Concatenate, Add, Multiply, Average, Maximum, Dot, merge, concatenate, type MergeMode, type MergeOptions } from './merge/merge.js';
export { TimeDistributed, TimeDistributedDense, Bidirectional } from './wrappers/wrappers.js';
