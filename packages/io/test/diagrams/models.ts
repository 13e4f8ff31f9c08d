import {
  Activation, Convolution2D, Dense, Dropout, Embedding, Flatten, Input, LSTM, MaxPooling2D, Merge, Model, Sequential,
  concatenate, type Container,
} from '@kerasgpu/layers';

/** The spec's VGG-like convnet (Keras 1 calls; channels-last input as our default ordering). */
export function vggLike(): Container {
  const model = Sequential();
  model.add(Convolution2D(32, 3, 3, { border_mode: 'valid', input_shape: [100, 100, 3] }));
  model.add(Activation('relu'));
  model.add(Convolution2D(32, 3, 3));
  model.add(Activation('relu'));
  model.add(MaxPooling2D({ pool_size: [2, 2] }));
  model.add(Dropout(0.25));
  model.add(Convolution2D(64, 3, 3, { border_mode: 'valid' }));
  model.add(Activation('relu'));
  model.add(Convolution2D(64, 3, 3));
  model.add(Activation('relu'));
  model.add(MaxPooling2D({ pool_size: [2, 2] }));
  model.add(Dropout(0.25));
  model.add(Flatten());
  model.add(Dense(256));
  model.add(Activation('relu'));
  model.add(Dropout(0.5));
  model.add(Dense(10));
  model.add(Activation('softmax'));
  return model;
}

/** The spec's two-branch Keras 1 Merge model: two Sequential branches concatenated, then a softmax. */
export function twoBranchMerge(): { model: Container; left: Container; right: Container } {
  const left = Sequential();
  left.add(Dense(32, { input_dim: 784 }));
  const right = Sequential();
  right.add(Dense(32, { input_dim: 784 }));
  const merged = Merge([left, right], { mode: 'concat' });
  const model = Sequential();
  model.add(merged);
  model.add(Dense(10, { activation: 'softmax' }));
  return { model, left, right };
}

/** Keras's multi-input / multi-output example (smaller sizes): the LSTM output feeds both an output and the merge. */
export function multiInputOutput(): Container {
  const mainInput = Input({ shape: [100], dtype: 'int32', name: 'main_input' });
  const x = Embedding(1000, 16, { input_length: 100 }).apply(mainInput);
  const lstmOut = LSTM(8, { name: 'lstm' }).apply(x);
  const auxOutput = Dense(1, { activation: 'sigmoid', name: 'aux_output' }).apply(lstmOut);
  const auxInput = Input({ shape: [5], name: 'aux_input' });
  const merged = concatenate([lstmOut, auxInput], { name: 'merged' });
  const hidden = Dense(64, { activation: 'relu', name: 'hidden' }).apply(merged);
  const mainOutput = Dense(1, { activation: 'sigmoid', name: 'main_output' }).apply(hidden);
  return Model({ inputs: [mainInput, auxInput], outputs: [mainOutput, auxOutput] });
}
