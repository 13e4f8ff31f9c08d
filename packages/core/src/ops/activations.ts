import { CELL_ACTIVATIONS, UNARY, type CellActivationName, type UnaryDef, type UnaryOp } from '@kerasgpu/kernels';

/** The unary ops that are Keras activations, by Keras name ('hard_sigmoid' → hardSigmoid): the op table's `keras`. */
export const KERAS_ACTIVATIONS: ReadonlyMap<string, UnaryOp> = new Map(
  Object.entries(UNARY).flatMap(([op, d]: [string, UnaryDef]) => (d.keras ? [[d.keras, op as UnaryOp] as const] : [])),
);

/** The fused LSTM cell's name for a Keras activation, or null where the cell lacks it (the cell then runs in ops). */
export function fusedCellActivation(kerasName: string): CellActivationName | null {
  const op = KERAS_ACTIVATIONS.get(kerasName);
  return op !== undefined && op in CELL_ACTIVATIONS ? (op as CellActivationName) : null;
}
