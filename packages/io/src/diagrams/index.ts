export { modelToDot, ModelDot, type ModelToDotOptions, type CreateOptions } from './model-dot.js';
export { plotModel, type PlotModelOptions } from './plot-model.js';
export type { Rankdir } from './dot.js';
export type { ImageFormat } from './render.js';
