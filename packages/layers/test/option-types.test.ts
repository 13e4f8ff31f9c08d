import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adam, Attention, BatchNormalization, Bidirectional, Conv2D, CSVLogger, Dense, Dropout, EarlyStopping, Embedding, GaussianNoise, GRU, Input,
  Lambda, LSTM, Masking, MaxoutDense, Merge, ModelCheckpoint, Nadam, PReLU, ReduceLROnPlateau, RepeatVector, Reshape, SeparableConv2D,
  Sequential, SGD, SimpleRNN, ValueError,
} from '@kerasgpu/layers';
import { useBackend } from './helpers.js';

beforeAll(useBackend);

const compiled = (options: Record<string, unknown>) => Sequential([Dense(1, { input_dim: 2 })]).compile({ optimizer: 'sgd', ...options } as never);

/**
 * Options of the wrong type are refused where they are given, naming the owner, the option and
 * the value; before the typed readers `units: '8'` or `use_bias: 'no'` passed a cast and failed
 * (or silently did something else) deep inside an op.
 */
describe('options of the wrong type', () => {
  it.each<[string, () => unknown, RegExp]>([
    ["Dense units '8'", () => Dense('8' as never), /Dense: units \(output_dim\) must be a positive integer, got '8'/],
    ["Dense use_bias 'no'", () => Dense(2, { use_bias: 'no' }), /Dense: useBias must be true or false, got 'no'/],
    ['Dense activation 3', () => Dense(2, { activation: 3 as never }), /Dense: activation must be a name or a function, got 3/],
    ['Dense name 7', () => Dense(2, { name: 7 as never }), /Dense: name must be a string, got 7/],
    ["Dense trainable 'no'", () => Dense(2, { trainable: 'no' as never }), /Dense: trainable must be true or false, got 'no'/],
    ['Dense input_dim 2.5', () => Dense(2, { input_dim: 2.5 }), /Dense: inputDim must be a positive integer, got 2.5/],
    ['Dense weights 3', () => Dense(2, { weights: 3 as never }), /Dense: weights must be a list of arrays, got 3/],
    ['LSTM return_sequences 1', () => LSTM(2, { return_sequences: 1 as never }), /LSTM: returnSequences must be true or false, got 1/],
    ['GRU dropout 1.5', () => GRU(2, { dropout: 1.5 }), /GRU: dropout must be in \[0, 1\), got 1.5/],
    ['SimpleRNN kernel_regularizer 0.01', () => SimpleRNN(2, { kernel_regularizer: 0.01 }), /SimpleRNN: kernelRegularizer must be a regularizer, its name or its config, got 0.01/],
    ['Conv2D nb_filter 2.5', () => Conv2D({ nb_filter: 2.5, kernel_size: 3 }), /Conv2D: filters \(nb_filter\) must be a positive integer, got 2.5/],
    ["SeparableConv2D depth_multiplier '2'", () => SeparableConv2D(2, 3, { depth_multiplier: '2' as never }), /SeparableConv2D: depth_multiplier must be a positive integer, got '2'/],
    ["Dropout seed 'x'", () => Dropout(0.5, { seed: 'x' }), /Dropout: seed must be an integer, got 'x'/],
    ['Dropout noise_shape [0, 1]', () => Dropout(0.5, { noise_shape: [0, 1] }), /Dropout: noiseShape must be an array of positive integers or null, got \[0,1\]/],
    ['GaussianNoise sigma -1', () => GaussianNoise({ sigma: -1 } as never), /GaussianNoise: stddev \(sigma\) must be a finite number ≥ 0, got -1/],
    ["BatchNormalization momentum '0.9'", () => BatchNormalization({ momentum: '0.9' as never }), /BatchNormalization: momentum must be a finite number in \[0, 1\], got '0.9'/],
    ["BatchNormalization center 'yes'", () => BatchNormalization({ center: 'yes' as never }), /BatchNormalization: center must be true or false, got 'yes'/],
    ['Embedding mask_zero 1', () => Embedding(10, 2, { mask_zero: 1 as never }), /Embedding: maskZero must be true or false, got 1/],
    ["Embedding input_length '5'", () => Embedding(10, 2, { input_length: '5' as never }), /Embedding: inputLength must be a positive integer, got '5'/],
    ["Attention causal 'true'", () => Attention({ causal: 'true' as never }), /Attention: causal must be true or false, got 'true'/],
    ["Merge mode 'avg'", () => Merge({ mode: 'avg' as never }), /Merge: mode must be 'concat', 'sum', 'mul', 'ave', 'max', 'dot' or 'cos', got 'avg'/],
    ["Bidirectional merge_mode 'max'", () => Bidirectional(LSTM(2), { merge_mode: 'max' as never }), /Bidirectional: mergeMode must be 'concat', 'sum', 'mul' or 'ave', got 'max'/],
    ["Reshape target_shape '2,3'", () => Reshape('2,3' as never), /Reshape: targetShape must be an array of integers, got '2,3'/],
    ['RepeatVector 0', () => RepeatVector(0), /RepeatVector: n must be a positive integer, got 0/],
    ['MaxoutDense nb_feature 0', () => MaxoutDense(2, { nb_feature: 0 }), /MaxoutDense: nbFeature must be a positive integer, got 0/],
    ["Masking mask_value 'x'", () => Masking({ mask_value: 'x' }), /Masking: maskValue must be a finite number, got 'x'/],
    ['Lambda arguments 3', () => Lambda((x) => x as never, { arguments: 3 as never }), /Lambda: arguments must be an object of keyword arguments, got 3/],
    ['PReLU alpha_constraint true', () => PReLU({ alpha_constraint: true }), /PReLU: alphaConstraint must be a constraint, its name or its config, got true/],
    ['Input batch_size -1', () => Input({ shape: [3], batch_size: -1 } as never), /InputLayer: batchSize must be a positive integer, got -1/],
    ["SGD nesterov 'yes'", () => SGD({ nesterov: 'yes' as never }), /SGD: nesterov must be true or false, got 'yes'/],
    ['Adam beta_1 1', () => Adam({ beta_1: 1 }), /Adam: beta1 must be a finite number in \[0, 1\), got 1/],
    ['Nadam schedule_decay -1', () => Nadam({ schedule_decay: -1 }), /Nadam: scheduleDecay must be a finite number ≥ 0, got -1/],
    ['EarlyStopping patience 1.5', () => EarlyStopping({ patience: 1.5 }), /EarlyStopping: patience must be a non-negative integer, got 1.5/],
    ["EarlyStopping mode 'minimum'", () => EarlyStopping({ mode: 'minimum' as never }), /EarlyStopping: mode must be 'auto', 'min' or 'max', got 'minimum'/],
    ["ModelCheckpoint save_best_only 'true'", () => ModelCheckpoint('w.h5', { save_best_only: 'true' }), /ModelCheckpoint: saveBestOnly must be true or false, got 'true'/],
    ['ReduceLROnPlateau cooldown -1', () => ReduceLROnPlateau({ cooldown: -1 }), /ReduceLROnPlateau: cooldown must be a non-negative integer, got -1/],
    ['CSVLogger separator 9', () => CSVLogger('log.csv', { separator: 9 as never }), /CSVLogger: separator must be a string, got 9/],
    ["compile jit 'yes'", () => Sequential([Dense(1, { input_dim: 2 })]).compile({ optimizer: 'sgd', loss: 'mse', jit: 'yes' as never }), /compile: jit must be true or false, got 'yes'/],
    ['compile loss 3', () => compiled({ loss: 3 }), /compile: loss must be a loss name or function, got 3/],
    ["compile loss_weights ['x']", () => compiled({ loss: 'mse', loss_weights: ['x'] }), /compile: lossWeights\[0\] must be a finite number, got 'x'/],
    ["compile metrics 'acc' (not a list)", () => compiled({ loss: 'mse', metrics: 'acc' }), /compile: metrics must be a list of metric names or functions, got 'acc'/],
    ["compile sample_weight_mode 'time'", () => compiled({ loss: 'mse', sample_weight_mode: 'time' }), /compile: sampleWeightMode must be 'temporal' or null, got 'time'/],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(message);
  });
});

describe('options a Keras config writes as None read as their defaults', () => {
  it('null seed, noise_shape, epsilon and regularizers', () => {
    const d = Dropout(0.5, { seed: null, noise_shape: null });
    expect([d.seed, d.noiseShape]).toEqual([null, null]);
    expect(BatchNormalization({ epsilon: null } as never).epsilon).toBe(1e-3);
    expect(Dense(2, { kernel_regularizer: null, use_bias: null }).settings).toMatchObject({ kernelRegularizer: null, useBias: true });
  });
});
