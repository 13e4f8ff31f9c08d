import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compiledSteps, Conv2D, Dense, Dropout, Flatten, MaxPooling2D, getBackend, LambdaCallback, randomUniform, Sequential, setSeed, SGD, Adam, type CompiledStepInfo } from '@kerasgpu/layers';
import { useBackend } from './helpers.js';

beforeAll(useBackend);
afterEach(() => { delete process.env.KERASGPU_FUSE; });

interface Run { losses: number[]; weights: number[][]; steps: CompiledStepInfo[] }

const oneHot = (n: number, k: number): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => (j === (i * 7) % k ? 1 : 0)));

type Case = 'mlp' | 'dense1' | 'cnn';

/**
 * 20 training steps with fusion of the replayed program on or off: an MLP (relu, sigmoid, tanh,
 * dropout, biases; categorical), the quick-start's Dense(1) sigmoid (binary; its bias is a
 * broadcast scalar), or a small CNN (two convolutions, relu then tanh; max pooling; categorical).
 */
async function train(fuse: boolean, optimizer: 'sgd' | 'adam', model_: Case = 'mlp'): Promise<Run> {
  process.env.KERASGPU_FUSE = fuse ? '1' : '0';
  setSeed(8);
  const model = model_ === 'mlp'
    ? Sequential([Dense(32, { input_dim: 12, activation: 'relu' }), Dropout(0.25), Dense(16, { activation: 'sigmoid' }), Dense(8, { activation: 'tanh' }), Dense(4, { activation: 'softmax' })])
    : model_ === 'cnn'
      ? Sequential([Conv2D(4, 3, { activation: 'relu', input_shape: [8, 8, 2] }), Conv2D(6, 3, { activation: 'tanh' }), MaxPooling2D({ pool_size: 2 }), Flatten(), Dense(4, { activation: 'softmax' })])
      : Sequential([Dense(1, { input_dim: 12, activation: 'sigmoid' })]);
  model.compile({ optimizer: optimizer === 'sgd' ? SGD({ lr: 0.1 }) : Adam({ lr: 0.01 }), loss: model_ === 'dense1' ? 'binary_crossentropy' : 'categorical_crossentropy' });
  const x = randomUniform(model_ === 'cnn' ? [80, 8, 8, 2] : [80, 12], -1, 1, 3);
  const losses: number[] = [];
  await model.fit(x, model_ !== 'dense1' ? oneHot(80, 4) : oneHot(80, 2).map((r) => [r[0]!]), { epochs: 4, batchSize: 16, verbose: 0, callbacks: [LambdaCallback({ onBatchEnd: (_b: number, logs: Record<string, number>) => { losses.push(logs.loss!); } })] });
  const weights = await Promise.all(model.weights.map(async (w) => Array.from(await w.data())));
  const steps = compiledSteps(model);
  x.dispose();
  model.dispose();
  return { losses, weights, steps };
}

describe('fusion of elementwise chains in replayed steps', () => {
  for (const opt of ['sgd', 'adam'] as const) {
    it(`gives the numbers of the unfused program (MLP, ${opt}, 20 steps)`, async () => {
      const plain = await train(false, opt);
      const fused = await train(true, opt);
      expect(fused.losses.length).toBe(20);
      expect(fused.losses).toEqual(plain.losses);
      expect(fused.weights).toEqual(plain.weights);
      if (getBackend() !== 'webgpu') return;
      const [p, f] = [plain.steps[0]!, fused.steps[0]!];
      expect(p.fused).toEqual([]);
      // Bias and activation into the GEMM (relu's too: its gradient reads its output, not its input), and each
      // activation's gradient into the GEMM giving the gradient of its output (the relu's with the dropout's). The
      // dropout's mask (greaterEqual+cast) has two readers: each computes it, and it is never stored.
      expect(f.fused).toEqual(expect.arrayContaining(['matMul+add+relu', 'matMul+add+sigmoid', 'matMul+add+tanh', 'greaterEqual+cast+mul+div',
        'matMul+square+sub+mul', 'matMul+sub+mul+mul', 'matMul+step+greaterEqual+cast+div+mul+mul']));
      expect(f.fused!.some((c) => c.startsWith('greaterEqual+cast') && c !== 'greaterEqual+cast+mul+div')).toBe(false);
      // The loss's last elementwise kernel is computed inside its mean (a reduction's prologue).
      expect(f.fused).toContain('neg+mean');
      expect(p.counts!.dispatches).toBe(p.counts!.unfusedDispatches);
      expect(f.counts!.unfusedDispatches).toBe(p.counts!.dispatches);
      expect(f.counts!.dispatches).toBeLessThan(f.counts!.unfusedDispatches);
      // A chain of k kernels is one dispatch instead of k; a producer computed in several chains is named in each.
      expect(f.counts!.duplicatedOps).toBeGreaterThan(0);
      expect(f.fused!.reduce((n, c) => n + c.split('+').length - 1, 0)).toBe(f.counts!.unfusedDispatches - f.counts!.dispatches + f.counts!.duplicatedOps);
    });
  }

  it('folds the quick-start model\'s scalar bias and sigmoid into the GEMM, with the same numbers', async () => {
    const plain = await train(false, 'sgd', 'dense1');
    const fused = await train(true, 'sgd', 'dense1');
    expect(fused.losses).toEqual(plain.losses);
    expect(fused.weights).toEqual(plain.weights);
    if (getBackend() !== 'webgpu') return;
    expect(fused.steps[0]!.fused).toContain('matMul+add+sigmoid');
    // Binary cross-entropy's terms are computed inside their mean.
    expect(fused.steps[0]!.fused!.some((c) => c.endsWith('+log+mul+add+neg+mean'))).toBe(true);
  });

  it('folds a CNN\'s biases and activations into the convolutions, and the relu\'s gradient into the input gradient, with the same numbers', async () => {
    const plain = await train(false, 'sgd', 'cnn');
    const fused = await train(true, 'sgd', 'cnn');
    expect(fused.losses.length).toBe(20);
    expect(fused.losses).toEqual(plain.losses);
    expect(fused.weights).toEqual(plain.weights);
    if (getBackend() !== 'webgpu') return;
    const [p, f] = [plain.steps[0]!, fused.steps[0]!];
    // Both activations go into their convolutions: relu's gradient reads its output, not its input.
    expect(f.fused).toEqual(expect.arrayContaining(['conv2d+add+relu', 'conv2d+add+tanh', 'conv2dBackpropInput+step+mul', 'matMul+add']));
    expect(f.counts!.unfusedDispatches).toBe(p.counts!.dispatches);
    expect(f.fused!.reduce((n, c) => n + c.split('+').length - 1, 0)).toBe(f.counts!.unfusedDispatches - f.counts!.dispatches + f.counts!.duplicatedOps);
  });
});

describe('profiling a compiled step', () => {
  it('times each replayed dispatch once, and that run is a real step (the weights move again)', async () => {
    if (getBackend() !== 'webgpu') return;
    setSeed(3);
    const model = Sequential([Dense(8, { input_dim: 12, activation: 'relu' }), Dense(1, { activation: 'sigmoid' })]);
    model.compile({ optimizer: SGD({ lr: 0.1 }), loss: 'binary_crossentropy' });
    const x = randomUniform([32, 12], -1, 1, 4);
    await model.fit(x, oneHot(32, 2).map((r) => [r[0]!]), { epochs: 2, batchSize: 16, verbose: 0 });
    const step = compiledSteps(model).find((s) => s.kind === 'train')!;
    const before = Array.from(await model.weights[0]!.data());
    const times = await step.profile!();
    expect(times.length).toBe(step.counts!.replayedDispatches);
    for (const t of times) {
      expect(t.ms).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(t.ms)).toBe(true);
      expect(t.kernel.length).toBeGreaterThan(0);
    }
    expect(times.map((t) => t.op)).toContain('matMul');
    expect(Array.from(await model.weights[0]!.data())).not.toEqual(before);
    x.dispose();
    model.dispose();
  });
});
