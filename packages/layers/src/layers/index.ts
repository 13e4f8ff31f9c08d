export { Dense, type DenseOptions } from './core/dense.js';
export { Activation } from './core/activation.js';
export { Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from './core/dropout.js';
export { Flatten, Reshape, Permute, RepeatVector } from './core/shape-layers.js';
export { Lambda, Masking, type LambdaFn } from './core/lambda.js';
export { MaxoutDense } from './core/maxout-dense.js';
export { ActivityRegularization } from './core/activity-regularization.js';
export { Highway, type HighwayOptions } from './core/highway.js';
export type { LayerOptions, KernelOptions } from './core/kernel-options.js';
export { Convolution1D, Conv1D, Convolution2D, Conv2D, AtrousConvolution1D, AtrousConvolution2D, AtrousConvolution1D as AtrousConv1D, AtrousConvolution2D as AtrousConv2D, ConvBase, type ConvOptions } from './convolutional/conv.js';
export { LocallyConnected1D, LocallyConnected2D } from './convolutional/local.js';
export { SeparableConvolution2D, SeparableConv2D, type SeparableOptions } from './convolutional/separable.js';
export { Deconvolution2D, Conv2DTranspose, Conv2DTranspose as Deconv2D, Conv2DTranspose as Convolution2DTranspose, type ConvTransposeOptions } from './convolutional/conv-transpose.js';
export {
  ZeroPadding1D, ZeroPadding2D, ZeroPadding3D, Cropping1D, Cropping2D, Cropping3D, UpSampling1D, UpSampling2D, UpSampling3D,
} from './convolutional/resize.js';
export { Convolution3D, Convolution3D as Conv3D } from './convolutional/conv3d.js';
export { MaxPooling3D, AveragePooling3D, MaxPooling3D as MaxPool3D, AveragePooling3D as AvgPool3D, type Pooling3DOptions } from './pooling/pooling3d.js';
export {
  MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,
  GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D, type PoolingOptions,
  // Keras 2's short spellings (registered under them by the pooling factories).
  MaxPooling1D as MaxPool1D, MaxPooling2D as MaxPool2D, AveragePooling1D as AvgPool1D, AveragePooling2D as AvgPool2D,
  GlobalMaxPooling1D as GlobalMaxPool1D, GlobalMaxPooling2D as GlobalMaxPool2D, GlobalMaxPooling3D as GlobalMaxPool3D,
  GlobalAveragePooling1D as GlobalAvgPool1D, GlobalAveragePooling2D as GlobalAvgPool2D, GlobalAveragePooling3D as GlobalAvgPool3D,
} from './pooling/pooling.js';
export { Embedding, type EmbeddingOptions } from './embeddings/embedding.js';
export { SimpleRNN, GRU, LSTM, type GRUOptions } from './recurrent/cells.js';
export { ConvLSTM2D, type ConvLSTM2DOptions } from './recurrent/conv-lstm.js';
export { RNNBase, type RecurrentOptions } from './recurrent/rnn-base.js';
export { BatchNormalization, type BatchNormalizationOptions } from './normalization/batch-normalization.js';
export { GaussianNoise, GaussianDropout } from './noise/noise.js';
export { Merge, Concatenate, Add, Multiply, Average, Maximum, Dot, merge, concatenate, type MergeMode, type MergeOptions } from './merge/merge.js';
export { TimeDistributed, TimeDistributedDense, Bidirectional } from './wrappers/wrappers.js';
export { LeakyReLU, ELU, ThresholdedReLU } from './advanced-activations/scalar.js';
export { PReLU, ParametricSoftplus, SReLU, ParametricActivation } from './advanced-activations/parametric.js';
export { Attention, type AttentionOptions, type ScoreMode } from './attention/attention.js';
