import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Bidirectional, Dense, GRU, Input, LSTM, Model, randomUniform, setSeed, SimpleRNN, slice, type Layer, type SymbolicTensor, type Tensor,
} from '@kerasgpu/layers';
import { expectClose, useBackend, values } from './helpers.js';

beforeAll(useBackend);

/** Layers with several outputs (return_state) return an array; `apply` is typed for the common single one. */
const outputsOf = (y: unknown) => y as Tensor[];
const symbolic = (y: unknown) => y as SymbolicTensor[];

const CELLS: Record<string, (units: number, o: Record<string, unknown>) => Layer> = {
  SimpleRNN: (u, o) => SimpleRNN(u, o),
  GRU: (u, o) => GRU(u, o),
  'GRU reset_after': (u, o) => GRU(u, { ...o, reset_after: true }),
  'LSTM (fused cell)': (u, o) => LSTM(u, o),
  'LSTM (relu: ops)': (u, o) => LSTM(u, { ...o, activation: 'relu' }),
};

describe('return_state and initial_state (LSTM, GRU, SimpleRNN)', () => {
  it('running the first steps, then the rest from the returned states, gives the whole sequence', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...Object.keys(CELLS)), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.nat(),
      async (cell, b, T, u, seed) => {
        setSeed(seed);
        const layer = CELLS[cell]!(u, { return_sequences: true, return_state: true });
        const x = randomUniform([b, T, 2], -1, 1);
        const k = 1 + (seed % (T - 1));
        const [whole, ...finalStates] = outputsOf(layer.apply(x));
        const [head, ...states] = outputsOf(layer.apply(slice(x, [0, 0, 0], [b, k, 2])));
        const [tail, ...after] = outputsOf(layer.apply(slice(x, [0, k, 0], [b, T - k, 2]), { initial_state: states }));
        expect(states).toHaveLength(cell.startsWith('LSTM') ? 2 : 1);
        expectClose(await values(head!), await values(slice(whole!, [0, 0, 0], [b, k, u])), 1e-5);
        expectClose(await values(tail!), await values(slice(whole!, [0, k, 0], [b, T - k, u])), 1e-5);
        for (const [i, s] of after.entries()) expectClose(await values(s), await values(finalStates[i]!), 1e-5);
        // The states as extra inputs [x, ...states] (Keras 2's list form) are the same call.
        const [tail2] = outputsOf(layer.apply([slice(x, [0, k, 0], [b, T - k, 2]), ...states]));
        expect(await values(tail2!)).toEqual(await values(tail!));
      },
    ), { numRuns: 15 });
  });

  it("Keras 2's seq2seq training model: encoder states as the decoder's initial_state", async () => {
    setSeed(41);
    const [numEncoderTokens, numDecoderTokens, latentDim] = [5, 4, 6];
    const encoderInputs = Input({ shape: [null, numEncoderTokens] });
    const encoder = LSTM(latentDim, { return_state: true });
    const [, stateH, stateC] = symbolic(encoder.apply(encoderInputs));
    const encoderStates = [stateH!, stateC!];
    const decoderInputs = Input({ shape: [null, numDecoderTokens] });
    const decoderLstm = LSTM(latentDim, { return_sequences: true, return_state: true });
    const [decoderSeq] = symbolic(decoderLstm.apply(decoderInputs, { initial_state: encoderStates }));
    const decoderOutputs = Dense(numDecoderTokens, { activation: 'softmax' }).apply(decoderSeq!);
    const model = Model({ inputs: [encoderInputs, decoderInputs], outputs: decoderOutputs });
    expect(stateH!.shape).toEqual([null, latentDim]);
    expect(decoderOutputs.shape).toEqual([null, null, numDecoderTokens]);
    model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy' });
    const [enc, dec, target] = [randomUniform([8, 3, numEncoderTokens]), randomUniform([8, 4, numDecoderTokens]), randomUniform([8, 4, numDecoderTokens])];
    const h = await model.fit([enc, dec], target, { batch_size: 4, epochs: 2, verbose: 0 });
    expect(h.history.loss).toHaveLength(2);
    // The decoder depends on the encoder's input through the states.
    const a = await values(model.predict([enc, dec]) as Tensor);
    const b = await values(model.predict([randomUniform([8, 3, numEncoderTokens]), dec]) as Tensor);
    expect(a).not.toEqual(b);
  });

  it('unroll is honoured (the loop is unrolled: same numbers) and round-trips; as Keras, it needs known timesteps', async () => {
    setSeed(42);
    const rolled = LSTM(3, { input_shape: [4, 2], return_sequences: true });
    const x = randomUniform([2, 4, 2]);
    const y = await values(rolled.apply(x));
    const unrolled = LSTM(3, { input_shape: [4, 2], return_sequences: true, unroll: true });
    unrolled.apply(x).dispose();
    unrolled.setWeights(rolled.getWeights());
    expect(await values(unrolled.apply(x))).toEqual(y);
    expect(unrolled.getConfig().unroll).toBe(true);
    expect((LSTM.fromConfig(unrolled.getConfig()) as { unroll: boolean }).unroll).toBe(true);
    expect(() => GRU(3, { unroll: true }).apply(Input({ shape: [null, 2] }))).toThrow(/cannot unroll a RNN if the time dimension is undefined/);
  });

  it('wrong initial states and unsupported combinations are refused clearly', () => {
    const x = Input({ shape: [3, 2] });
    const h = Input({ shape: [4] });
    expect(() => LSTM(4).apply(x, { initial_state: [h] })).toThrow(/initial_state must be 2 \(\[h, c\]\) tensors, got 1/);
    expect(() => GRU(4).apply(x, { initial_state: Input({ shape: [5] }) })).toThrow(/each initial state must have shape \(batch, 4\), got \(None, 5\)/);
    expect(() => Dense(2).apply(x, { initial_state: [h] })).toThrow(/dense_\d+\.apply: unknown option 'initial_state'/);
    expect(() => Bidirectional(LSTM(4, { return_state: true }))).toThrow(/Bidirectional does not support/);
  });
});
