/**
 * Activations an LSTM cell may use for its gates and state, each with its derivative as a
 * function of the pre-activation x, for the CPU reference and as WGSL. (hard_sigmoid is Keras's
 * clip(0.2x + 0.5, 0, 1), the Keras 1 default inner activation.)
 */
export interface CellActivation { f: (x: number) => number; df: (x: number) => number; wgsl: string; dwgsl: string }

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export const CELL_ACTIVATIONS = {
  tanh: { f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2, wgsl: 'tanh(clamp(x, -15.0, 15.0))', dwgsl: '1.0 - pow(tanh(clamp(x, -15.0, 15.0)), 2.0)' },
  sigmoid: { f: sigmoid, df: (x) => sigmoid(x) * (1 - sigmoid(x)), wgsl: '1.0 / (1.0 + exp(-x))', dwgsl: '(1.0 / (1.0 + exp(-x))) * (1.0 - 1.0 / (1.0 + exp(-x)))' },
  hardSigmoid: {
    f: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)), df: (x) => (x > -2.5 && x < 2.5 ? 0.2 : 0),
    wgsl: 'clamp(0.2 * x + 0.5, 0.0, 1.0)', dwgsl: 'select(0.0, 0.2, x > -2.5 && x < 2.5)',
  },
  relu: { f: (x) => Math.max(x, 0), df: (x) => (x > 0 ? 1 : 0), wgsl: 'max(x, 0.0)', dwgsl: 'select(0.0, 1.0, x > 0.0)' },
  linear: { f: (x) => x, df: () => 1, wgsl: 'x', dwgsl: '1.0' },
} satisfies Record<string, CellActivation>;
export type CellActivationName = keyof typeof CELL_ACTIVATIONS;
