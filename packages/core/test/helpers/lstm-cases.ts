import fc from 'fast-check';
import { CELL_ACTIVATIONS, type CellActivationName } from '@kerasgpu/kernels';
import { inputArb, SMOOTH, type Input } from './arbitraries.js';

export const ACTIVATIONS = Object.keys(CELL_ACTIVATIONS) as CellActivationName[];
/** Where each cell activation's derivative jumps. */
const KINKS: Record<CellActivationName, number[]> = { tanh: [], sigmoid: [], hardSigmoid: [-2.5, 2.5], relu: [0], linear: [], swish: [] };
/** The cell activations with a continuous derivative everywhere. */
export const SMOOTH_ACTIVATIONS = ACTIVATIONS.filter((a) => KINKS[a].length === 0);
const MARGIN = 0.1;

export interface LstmCase {
  /** xw, hu [batch, 4·units], bias [4·units], c [batch, units] */
  inputs: Input[];
  activation: CellActivationName;
  innerActivation: CellActivationName;
}

const awayFromKinks = (v: number, kinks: readonly number[]) => kinks.every((k) => Math.abs(v - k) >= MARGIN);

/**
 * Cells whose gate pre-activations z = xw + hu + b and new state c' all keep MARGIN away from the
 * kinks of the chosen activations: z is drawn first and xw is solved from it. `fixed` pins either
 * activation (so each entry of the table is checked in each role), else both are drawn.
 */
export function lstmCaseArb(fixed: Partial<Pick<LstmCase, 'activation' | 'innerActivation'>> = {}): fc.Arbitrary<LstmCase> {
  const activationArb = (a: CellActivationName | undefined) => (a === undefined ? fc.constantFrom(...ACTIVATIONS) : fc.constant(a));
  return fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      units: fc.integer({ min: 1, max: 3 }),
      activation: activationArb(fixed.activation),
      innerActivation: activationArb(fixed.innerActivation),
    })
    .chain(({ batch, units, activation, innerActivation }) => {
      const gates = [batch, 4 * units];
      const kinks = [...KINKS[activation], ...KINKS[innerActivation]];
      return fc
        .record({
          z: inputArb(gates, { min: -4, max: 4, avoid: kinks, margin: MARGIN }),
          hu: inputArb(gates, SMOOTH),
          bias: inputArb([4 * units], SMOOTH),
          c: inputArb([batch, units], SMOOTH),
        })
        .filter(({ z, c }) => {
          // c' = f·c + i·g must also stay off the state activation's kinks.
          const act = CELL_ACTIVATIONS[activation].f, inner = CELL_ACTIVATIONS[innerActivation].f;
          return c.values.every((cPrev, i) => {
            const row = Math.floor(i / units), j = i % units;
            const gate = (g: number) => z.values[row * 4 * units + g * units + j]!;
            return awayFromKinks(inner(gate(1)) * cPrev + inner(gate(0)) * act(gate(2)), KINKS[activation]);
          });
        })
        .map(({ z, hu, bias, c }) => {
          const xw = { shape: gates, values: z.values.map((v, i) => v - hu.values[i]! - bias.values[i % (4 * units)]!) };
          return { inputs: [xw, hu, bias, c], activation, innerActivation };
        });
    });
}
