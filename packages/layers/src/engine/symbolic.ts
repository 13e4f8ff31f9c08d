import type { Tensor } from '@kerasgpu/core';
import type { Shape } from '../utils/shape.js';
import type { Layer } from './layer.js';

let nextId = 0;

/** One application of a layer in a graph: which symbolic tensors went in and came out. */
export class Node {
  readonly outputs: SymbolicTensor[] = [];
  constructor(readonly layer: Layer, readonly inputs: SymbolicTensor[]) {}
}

/**
 * A placeholder for a tensor in a model graph (Keras's Input / layer output): it knows its shape
 * (batch dim null) and the node that makes it; models replay nodes on real tensors.
 */
export class SymbolicTensor {
  readonly id = nextId++;
  constructor(readonly shape: Shape, readonly node: Node, readonly index: number, readonly dtype: string = 'float32') {}
  get layer(): Layer { return this.node.layer; }
  toString(): string { return `SymbolicTensor(${this.node.layer.name}, [${this.shape.map((d) => d ?? 'None').join(', ')}])`; }
}

/** Per-call context threaded through layers: training flag, the mask, and the losses layers add. */
export interface CallArgs {
  training: boolean;
  mask?: Tensor | null | (Tensor | null)[];
  /** Activity-regularizer penalties collected during a training forward pass. */
  losses?: Tensor[];
}
