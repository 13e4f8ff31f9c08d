import { writeFile } from 'node:fs/promises';
import { parseOptions, ValueError, type Container } from '@kerasgpu/layers';
import { RANKDIRS, toDot, type Rankdir } from './dot.js';
import { diagramOf } from './graph.js';
import { IMAGE_FORMATS, renderSvg, svgToPng, type ImageFormat } from './render.js';

export interface ModelToDotOptions {
  showShapes?: boolean;
  showLayerNames?: boolean;
  /** Graphviz rankdir: 'TB' (top to bottom, the default), 'LR', 'BT' or 'RL'. */
  rankdir?: Rankdir;
  /** Keras spellings (show_shapes, show_layer_names) are accepted too. */
  [keras: string]: unknown;
}

export interface CreateOptions {
  /** Graphviz layout engine; Keras uses 'dot'. */
  prog?: string;
  format?: ImageFormat;
  /** PNG resolution; 96 is Graphviz's own. */
  dpi?: number;
}

/**
 * What Keras's model_to_dot returns (a pydot graph), reduced to its uses: `toString()` is the DOT
 * text, `create` renders it, `write` renders it to a file.
 */
export class ModelDot {
  constructor(private readonly dot: string) {}

  toString(): string { return this.dot; }

  /** pydot's create(prog='dot', format=...): the SVG text, or the PNG bytes. */
  create(options?: CreateOptions & { format?: 'svg' }): Promise<string>;
  create(options: CreateOptions & { format: 'png' }): Promise<Uint8Array>;
  create(options?: CreateOptions): Promise<string | Uint8Array>;
  async create(options: CreateOptions = {}): Promise<string | Uint8Array> {
    const format = options.format ?? 'svg';
    if (!IMAGE_FORMATS.includes(format)) throw new ValueError(`modelToDot.create: unknown format '${String(format)}' (known: ${IMAGE_FORMATS.join(', ')})`);
    const svg = await renderSvg(this.dot, options.prog ?? 'dot');
    return format === 'svg' ? svg : svgToPng(svg, options.dpi ?? 96);
  }

  /** pydot's write(path, format=...). */
  async write(path: string, options: CreateOptions = {}): Promise<void> {
    await writeFile(path, await this.create(options));
  }
}

export interface DotOptions { showShapes: boolean; showLayerNames: boolean; rankdir: Rankdir }

/** Reads the diagram options (camelCase or Keras snake_case) with Keras's defaults. */
export function parseDotOptions(owner: string, options: object | undefined, extra: readonly string[]): { dot: DotOptions; rest: Record<string, unknown> } {
  const { showShapes = false, showLayerNames = true, rankdir = 'TB', ...rest } = parseOptions(owner, options, ['showShapes', 'showLayerNames', 'rankdir', ...extra]);
  if (!RANKDIRS.includes(rankdir as Rankdir)) throw new ValueError(`${owner}: rankdir must be one of ${RANKDIRS.join(', ')}, got ${JSON.stringify(rankdir)}`);
  return { dot: { showShapes: Boolean(showShapes), showLayerNames: Boolean(showLayerNames), rankdir: rankdir as Rankdir }, rest };
}

/**
 * Keras's `model_to_dot(model, show_shapes=False, show_layer_names=True, rankdir='TB')`: one record
 * node per layer (`name: ClassName`, with show_shapes the input/output shapes table), one edge per
 * connection, Keras 1 Merge branches boxed under their model's name.
 */
export function modelToDot(model: Container, options: ModelToDotOptions = {}): ModelDot {
  return new ModelDot(toDot(diagramOf(model), parseDotOptions('modelToDot', options, []).dot));
}
