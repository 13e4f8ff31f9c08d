/**
 * The quick-start's MNIST multilayer perceptron, compiled. Its own module (only @kerasgpu/layers)
 * so that the browser demo (packages/examples/demo) bundles the same model as the mnist-mlp example.
 */
import { Dense, Dropout, Sequential } from '@kerasgpu/layers';

export function buildMlp(): Sequential {
  const model = Sequential();
  model.add(Dense(512, { input_dim: 784, activation: 'relu' }));
  model.add(Dropout(0.2));
  model.add(Dense(512, { activation: 'relu' }));
  model.add(Dropout(0.2));
  model.add(Dense(10, { activation: 'softmax' }));
  model.compile({ loss: 'categorical_crossentropy', optimizer: 'rmsprop', metrics: ['accuracy'] });
  return model;
}
