import { describe, expect, it } from 'vitest';
import * as L from '@kerasgpu/layers';

/**
 * The layers issue 12 names, as it names them ("Cropping1D/2D/3D" spelled out). Keras 2 spellings
 * it gives in brackets are in the list too.
 */
const ISSUE_12 = [
  'LeakyReLU', 'PReLU', 'ELU', 'ParametricSoftplus', 'ThresholdedReLU', 'SReLU',
  'AtrousConvolution1D', 'AtrousConvolution2D', 'SeparableConvolution2D', 'SeparableConv2D', 'Deconvolution2D', 'Conv2DTranspose',
  'Cropping1D', 'Cropping2D', 'Cropping3D', 'UpSampling1D', 'UpSampling3D', 'ZeroPadding1D', 'ZeroPadding3D',
  'AveragePooling3D', 'GlobalMaxPooling3D', 'GlobalAveragePooling3D',
  'LocallyConnected1D', 'LocallyConnected2D', 'Highway', 'ActivityRegularization', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'ConvLSTM2D',
  'BatchNormalization', 'GRU', 'LSTM',
];

/**
 * Every public layer class of Keras 1.2.2 (`keras/layers/*.py` and `engine/topology.py`, less the
 * abstract bases), with the Keras 2 class that replaces it. Where Keras 2 kept the name, or dropped
 * the layer (ParametricSoftplus and SReLU went to keras-contrib, TimeDistributedDense to
 * TimeDistributed(Dense)), the list holds the Keras 1 name alone; `Merge` became one class per mode.
 */
const KERAS1_TO_KERAS2: [keras1: string, keras2: string[]][] = [
  ...['LeakyReLU', 'PReLU', 'ELU', 'ParametricSoftplus', 'ThresholdedReLU', 'SReLU'].map((n): [string, string[]] => [n, []]),
  ['Convolution1D', ['Conv1D']], ['AtrousConvolution1D', ['Conv1D']], ['Convolution2D', ['Conv2D']], ['AtrousConvolution2D', ['Conv2D']],
  ['Deconvolution2D', ['Conv2DTranspose']], ['SeparableConvolution2D', ['SeparableConv2D']], ['Convolution3D', ['Conv3D']],
  ...['UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D', 'Cropping1D', 'Cropping2D', 'Cropping3D', 'ConvLSTM2D',
    'Masking', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'Activation', 'Reshape', 'Permute', 'Flatten', 'RepeatVector', 'Lambda',
    'Dense', 'ActivityRegularization', 'MaxoutDense', 'Highway', 'TimeDistributedDense', 'Embedding', 'LocallyConnected1D', 'LocallyConnected2D',
    'GaussianNoise', 'GaussianDropout', 'BatchNormalization', 'MaxPooling1D', 'AveragePooling1D', 'MaxPooling2D', 'AveragePooling2D', 'MaxPooling3D',
    'AveragePooling3D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'GlobalAveragePooling3D',
    'GlobalMaxPooling3D', 'SimpleRNN', 'GRU', 'LSTM', 'TimeDistributed', 'Bidirectional', 'InputLayer'].map((n): [string, string[]] => [n, []]),
  ['Merge', ['Add', 'Multiply', 'Average', 'Maximum', 'Concatenate', 'Dot']],
];

/** Keras 2.0's second spellings of those classes (`keras/layers/pooling.py`, `convolutional.py`: `MaxPool2D = MaxPooling2D`, ...). */
const KERAS2_ALIASES: [alias: string, of: string][] = [
  ...['MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
    'GlobalMaxPooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D'].map((n): [string, string] => [n.replace('Average', 'Avg').replace('Pooling', 'Pool'), n]),
  ['Deconv2D', 'Conv2DTranspose'], ['Convolution2DTranspose', 'Conv2DTranspose'], ['AtrousConv1D', 'AtrousConvolution1D'], ['AtrousConv2D', 'AtrousConvolution2D'],
];

const exported = L as unknown as Record<string, unknown>;
const missing = (names: readonly string[]) => names.filter((n) => !L.layerClasses.has(n) || typeof exported[n] !== 'function');

describe('the Keras 1 layer catalogue, under Keras 1 and Keras 2 names', () => {
  it("every layer issue 12 names is registered for configs and exported as a class", () => {
    expect(missing(ISSUE_12)).toEqual([]);
  });

  it('every Keras 1.2.2 layer class, and the Keras 2 class that replaces it, is registered and exported', () => {
    expect(missing(KERAS1_TO_KERAS2.flatMap(([k1, k2]) => [k1, ...k2]))).toEqual([]);
  });

  it("Keras 2's second spellings name the same classes, in the registry and as exports", () => {
    expect(KERAS2_ALIASES.map(([a]) => a)).toContain('GlobalAvgPool2D');
    expect(missing(KERAS2_ALIASES.map(([a]) => a))).toEqual([]);
    for (const [alias, of] of KERAS2_ALIASES) {
      expect(exported[alias], alias).toBe(exported[of]);
      expect(L.layerClasses.get(alias), alias).toBe(L.layerClasses.get(of));
    }
  });

  it('a Keras 1 class that Keras 2 renamed writes the Keras 2 class name (its configs load in Keras 2)', () => {
    for (const [k1, k2] of KERAS1_TO_KERAS2.filter(([, k]) => k.length === 1)) {
      expect((exported[k1] as { kerasName: string }).kerasName, k1).toBe(k2[0]);
    }
  });
});
