/** The benchmark models on kerasgpu (identical to train-tfjs.ts's), shared by train-ours.ts and step-costs.ts. */
import { Conv2D, Dense, Embedding, Flatten, LSTM, MaxPooling2D, RMSprop, Sequential, type Layer } from '@kerasgpu/layers';
import { SEQ_LEN, VOCAB, type CaseName, type CaseSpec } from './train-cases.js';

export function buildCase(c: CaseSpec, jit = true): Sequential {
  const layers: Record<CaseName, () => Layer[]> = {
    mlp: () => [Dense(512, { input_dim: 784, activation: 'relu' }), Dense(512, { activation: 'relu' }), Dense(10, { activation: 'softmax' })],
    cnn: () => [
      Conv2D(32, 3, { activation: 'relu', input_shape: [28, 28, 1] }), Conv2D(64, 3, { activation: 'relu' }),
      MaxPooling2D({ pool_size: 2 }), Flatten(), Dense(128, { activation: 'relu' }), Dense(10, { activation: 'softmax' }),
    ],
    lstm: () => [Embedding(VOCAB, 128, { input_length: SEQ_LEN }), LSTM(128), Dense(1, { activation: 'sigmoid' })],
  };
  const model = Sequential(layers[c.name]());
  model.compile({ optimizer: RMSprop({ lr: 0.001 }), loss: c.yWidth === 1 ? 'binary_crossentropy' : 'categorical_crossentropy', metrics: ['accuracy'], jit });
  return model;
}
