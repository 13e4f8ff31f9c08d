import { conv2d, eye, mul, reshape, type Tensor, type Variable } from '@kerasgpu/core';
import { constraintOption, type Constraint, type ConstraintId } from '../../constraints.js';
import { Layer } from '../../engine/layer.js';
import { initializerConfig, type InitializerId } from '../../initializers.js';
import { regularizerOption, type Regularizer, type RegularizerId } from '../../regularizers.js';
import { positional } from '../../utils/args.js';
import { ShapeError, ValueError } from '../../utils/errors.js';
import type { Options } from '../../utils/options.js';
import { fmtShape, type Shape } from '../../utils/shape.js';
import { initName } from '../core/kernel-options.js';
import { registerLayer } from '../registry.js';
import { ConvBase, type ConvOptions } from './conv.js';
import { layoutAxes } from './geometry.js';
import { int } from '../../utils/option-readers.js';

const PARTS = ['depthwise', 'pointwise'] as const;
type Part = (typeof PARTS)[number];
export interface SeparableOptions extends ConvOptions {
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerId; pointwiseInitializer?: InitializerId;
  depthwiseRegularizer?: RegularizerId | null; pointwiseRegularizer?: RegularizerId | null;
  depthwiseConstraint?: ConstraintId | null; pointwiseConstraint?: ConstraintId | null;
}
const KEYS = [...ConvBase.OPTIONS, 'depthMultiplier', ...PARTS.flatMap((p) => [`${p}Initializer`, `${p}Regularizer`, `${p}Constraint`])];

/**
 * Depthwise separable 2-D convolution (Keras 1 SeparableConvolution2D, Keras 2 SeparableConv2D):
 * each input channel c through its own `depth_multiplier` filters (depthwise kernel
 * [rows, cols, in, multiplier], output channel c·multiplier + j), then a 1×1 convolution
 * (pointwise kernel [1, 1, in·multiplier, filters]) and the bias. The depthwise step is one conv2d
 * with a block-diagonal kernel (the depthwise kernel times an identity over channels), so it
 * runs on the tiled conv GEMM; its zeros cost in·(in − 1)·multiplier wasted products per cell.
 * Keras 1's `init` sets both kernels' initializer.
 */
class SeparableConv2DBase extends ConvBase {
  static override readonly OPTIONS = KEYS;
  static kerasName = 'SeparableConv2D';
  readonly depthMultiplier: number;
  readonly parts: Record<Part, { init: InitializerId; regularizer: Regularizer | null; constraint: Constraint | null }>;
  depthwiseKernel: Variable | null = null;
  pointwiseKernel: Variable | null = null;

  constructor(owner: string, o: Options) {
    super(2, owner, o);
    this.depthMultiplier = int(owner, o, 'depthMultiplier', { min: 1, default: 1, label: 'depth_multiplier' });
    if (o.kernelRegularizer !== undefined || o.kernelConstraint !== undefined) {
      throw new ValueError(`${owner}: a separable convolution has depthwise and pointwise kernels: use depthwise_/pointwise_regularizer and _constraint`);
    }
    this.parts = Object.fromEntries(PARTS.map((p) => [p, {
      init: initName(o[`${p}Initializer`] ?? o.kernelInitializer, 'glorot_uniform'),
      regularizer: regularizerOption(owner, o, `${p}Regularizer`),
      constraint: constraintOption(owner, o, `${p}Constraint`),
    }])) as SeparableConv2DBase['parts'];
  }

  override build(inputShape: Shape): void {
    const channels = inputShape[layoutAxes(2, this.dimOrdering).channel];
    if (inputShape.length !== 4 || channels === null || channels === undefined) throw new ShapeError(`${this.className} expects inputs of rank 4 with known channels, got ${fmtShape(inputShape)}`);
    const add = (p: Part, shape: number[]) => this.addWeight(`${p}_kernel`, shape, this.parts[p].init, 'glorot_uniform', {
      regularizer: this.parts[p].regularizer, constraint: this.parts[p].constraint,
    });
    this.depthwiseKernel = add('depthwise', [...this.kernelSize, channels, this.depthMultiplier]);
    this.pointwiseKernel = add('pointwise', [1, 1, channels * this.depthMultiplier, this.filters]);
    const s = this.settings;
    if (s.useBias) this.bias = this.addWeight('bias', [this.filters], s.biasInitializer, 'zero', { regularizer: s.biasRegularizer, constraint: s.biasConstraint });
  }

  override computeOutputShape(s: Shape): Shape {
    const channels = s[layoutAxes(2, this.dimOrdering).channel];
    if (this.depthwiseKernel && channels !== this.depthwiseKernel.shape[2]) throw new ShapeError(`${this.className} was built for ${this.depthwiseKernel.shape[2]} input channels, got ${fmtShape(s)}`);
    return super.computeOutputShape(s);
  }

  protected override convolve(x: Tensor): Tensor {
    const [kh, kw, c, m] = this.depthwiseKernel!.shape as [number, number, number, number];
    // [kh, kw, c, 1, m] ⊙ I[c, c] → [kh, kw, c, c·m]: input channel c feeds only outputs c·m … c·m + m − 1.
    const blockDiagonal = reshape(mul(reshape(this.depthwiseKernel!, [kh, kw, c, 1, m]), reshape(eye(c, c, this.depthwiseKernel!.dtype), [1, 1, c, c, 1])), [kh, kw, c, c * m]);
    const depthwise = conv2d(x, blockDiagonal, { strides: this.strides as [number, number], padding: this.windowPadding, dilations: this.dilationRate as [number, number] });
    return conv2d(depthwise, this.pointwiseKernel!);
  }

  override getConfig(): Record<string, unknown> {
    const { kernel_initializer: _i, kernel_regularizer: _r, kernel_constraint: _c, ...rest } = super.getConfig();
    const named = (id: InitializerId) => (typeof id === 'string' ? id : id.name || 'custom');
    return {
      ...rest, depth_multiplier: this.depthMultiplier,
      ...Object.fromEntries(PARTS.flatMap((p) => [
        [`${p}_initializer`, initializerConfig(named(this.parts[p].init))],
        [`${p}_regularizer`, this.parts[p].regularizer?.getConfig() ?? null],
        [`${p}_constraint`, this.parts[p].constraint?.getConfig() ?? null],
      ])),
    };
  }
}

class SeparableConvolution2DImpl extends SeparableConv2DBase {
  constructor(...args: [nbFilter: number, nbRow: number, nbCol: number, options?: SeparableOptions] | [options: SeparableOptions]) {
    super('SeparableConvolution2D', Layer.parse('SeparableConvolution2D', positional('SeparableConvolution2D', args, ['filters', 'nbRow', 'nbCol']), KEYS));
  }
}
class SeparableConv2DImpl extends SeparableConv2DBase {
  constructor(...args: [filters: number, kernelSize: number | number[], options?: SeparableOptions] | [options: SeparableOptions]) {
    super('SeparableConv2D', Layer.parse('SeparableConv2D', positional('SeparableConv2D', args, ['filters', 'kernelSize']), KEYS));
  }
}

export const SeparableConvolution2D = registerLayer(SeparableConvolution2DImpl, 'SeparableConvolution2D');
export type SeparableConvolution2D = SeparableConvolution2DImpl;
export const SeparableConv2D = registerLayer(SeparableConv2DImpl);
export type SeparableConv2D = SeparableConv2DImpl;
