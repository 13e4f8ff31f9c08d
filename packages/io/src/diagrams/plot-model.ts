import { extname } from 'node:path';
import { ValueError, type Container } from '@kerasgpu/layers';
import { modelToDot, parseDotOptions, type ModelToDotOptions } from './model-dot.js';
import { IMAGE_FORMATS, type ImageFormat } from './render.js';

export interface PlotModelOptions extends ModelToDotOptions {
  /** Where to write; the extension (.svg or .png) picks the format. Default 'model.png', as Keras. */
  toFile?: string;
  /** PNG resolution (tf.keras's dpi); 96 by default. */
  dpi?: number;
}

/**
 * Keras 2's `plot_model(model, to_file='model.png', show_shapes=False, show_layer_names=True,
 * rankdir='TB')` and Keras 1's `plot`: draws the model with Graphviz (WebAssembly, no system
 * install) and writes SVG or PNG chosen by the file's extension (none means PNG, as Keras).
 * `to_file` may come positionally, as Keras's second parameter: `plot(model, 'model.png', {show_shapes: true})`.
 */
export async function plotModel(model: Container, options?: PlotModelOptions): Promise<void>;
export async function plotModel(model: Container, toFile: string, options?: Omit<PlotModelOptions, 'toFile'>): Promise<void>;
export async function plotModel(model: Container, fileOrOptions: string | PlotModelOptions = {}, more: PlotModelOptions = {}): Promise<void> {
  let options: PlotModelOptions;
  if (typeof fileOrOptions === 'string') {
    const { rest } = parseDotOptions('plotModel', more, ['toFile', 'dpi']);
    if (rest.toFile !== undefined) throw new ValueError(`plotModel: to_file given both positionally ('${fileOrOptions}') and as an option ('${String(rest.toFile)}')`);
    options = { ...more, toFile: fileOrOptions };
  } else {
    options = fileOrOptions;
  }
  const { dot, rest } = parseDotOptions('plotModel', options, ['toFile', 'dpi']);
  const toFile = (rest.toFile as string | undefined) ?? 'model.png';
  const format = (extname(toFile).slice(1).toLowerCase() || 'png') as ImageFormat;
  if (!IMAGE_FORMATS.includes(format)) {
    throw new ValueError(`plotModel: cannot write '${toFile}': the extension picks the format, one of ${IMAGE_FORMATS.map((f) => `.${f}`).join(', ')}`);
  }
  const dpi = rest.dpi as number | undefined;
  await modelToDot(model, { ...dot }).write(toFile, dpi === undefined ? { format } : { format, dpi });
}
