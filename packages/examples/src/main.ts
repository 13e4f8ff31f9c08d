/**
 * The main job, for now: fits a two-layer perceptron to y = sin(3x) on [-1, 1] with the
 * autograd API alone (Variables, variableGrads, plain SGD through assign) and prints the loss
 * as it falls. The examples issue replaces it with the real training job.
 */
import * as K from '@kerasgpu/core';

const SAMPLES = 256;
const HIDDEN = 32;
const STEPS = 1000;
const LEARNING_RATE = 0.1;
const REPORT_EVERY = 100;

// An evenly spaced synthetic data set: inputs [-1, 1], targets sin(3x).
const xs = Array.from({ length: SAMPLES }, (_, i) => -1 + (2 * i) / (SAMPLES - 1));
const x = K.tensor(xs, [SAMPLES, 1]);
const y = K.tensor(xs.map((v) => Math.sin(3 * v)), [SAMPLES, 1]);

// Seeded initial weights; tidy frees the initial tensors, the Variables keep their storage.
const params = K.tidy(() => ({
  w1: K.variable(K.randomNormal([1, HIDDEN], 0, 1, 1), true, 'w1'),
  b1: K.variable(K.zeros([HIDDEN]), true, 'b1'),
  w2: K.variable(K.randomNormal([HIDDEN, 1], 0, 1 / Math.sqrt(HIDDEN), 2), true, 'w2'),
  b2: K.variable(K.zeros([1]), true, 'b2'),
}));
const vars = Object.values(params);

const predict = (input: K.Tensor) => K.add(K.matMul(K.tanh(K.add(K.matMul(input, params.w1), params.b1)), params.w2), params.b2);
const meanSquaredError = () => K.mean(K.square(K.sub(predict(x), y)));

console.log(`kerasgpu: fitting a ${HIDDEN}-unit MLP to sin(3x) on the ${K.getBackend()} backend`);
const started = performance.now();
for (let step = 1; step <= STEPS; step++) {
  const loss = K.tidy(() => {
    const { value, grads } = K.variableGrads(meanSquaredError, vars);
    for (const v of vars) v.assign(K.sub(v, K.mul(grads[v.name]!, LEARNING_RATE)));
    return value;
  });
  if (step === 1 || step % REPORT_EVERY === 0) console.log(`step ${String(step).padStart(4)}  loss ${(await loss.data())[0]!.toFixed(6)}`);
  loss.dispose();
}
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s; live tensors: ${K.memory().numTensors}`);
