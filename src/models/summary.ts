// Keras's model summary (keras/src/utils/summary_utils.py print_summary): a table with one row per
// layer (type, output shape, parameter count; for a graph that is not a plain chain, the layers it
// is connected to), then the parameter totals. The column widths follow Keras's: `positions` of
// `lineLength` (defaults 88 and [0.45, 0.80, 1] for a chain, 108 and [0.3, 0.56, 0.74, 1]
// otherwise), laid out as the rich table Keras prints (its column collapsing included).

import { checkOptionNames } from '../ops/validate';
import { Layer } from '../layers/layer';
import { isShapeList } from '../layers/layer_utils';
import type { Shape } from '../layers/symbolic';
import { getRegisteredLayerName } from '../layers/class_registry';
import { formatSymbolicShape, type Node } from '../layers/symbolic';
import type { Model } from './model';

export interface SummaryOptions {
  /** Receives the summary text (default console.log). */
  printFn?: (text: string) => void;
  /** Total width of the table (default 88, or 108 with the "Connected to" column; 12 more with showTrainable). */
  lineLength?: number;
  /** Right edge of each column: fractions of lineLength (at most 1), or absolute character positions. */
  positions?: number[];
  /** List the layers of nested models under them (default false). */
  expandNested?: boolean;
  /** Add a "Trainable" column: Y, N, or - for a layer without weights (default false). */
  showTrainable?: boolean;
  /** [first, last]: names (or regular expressions matched at the start of names) of the first and last layers to list. */
  layerRange?: [string, string];
}

const SUMMARY_OPTIONS: Record<keyof SummaryOptions, true> = { printFn: true, lineLength: true, positions: true, expandNested: true, showTrainable: true, layerRange: true };

type Align = 'left' | 'right' | 'center';

/** Prints the summary of `model` with `printFn` and returns it. */
export function printSummary(model: Model, options: SummaryOptions = {}): string {
  checkOptionNames('summary', options, SUMMARY_OPTIONS);
  const { printFn = console.log, expandNested = false, showTrainable = false, layerRange } = options;
  const graphNodes = model.savedGraph?.graph.nodes ?? null;
  const chain = isChain(model);
  // A functional model's layers include its Input layers (Keras's _operations); a Sequential's do not.
  const layers = model.layers;
  let lineLength = chain ? 88 : 108;
  let positions = options.positions ?? (chain ? [0.45, 0.8, 1] : [0.3, 0.56, 0.74, 1]);
  const header = ['Layer (type)', 'Output Shape', 'Param #', ...(chain ? [] : ['Connected to'])];
  const align: Align[] = ['left', 'left', 'right', ...(chain ? [] : (['left'] as Align[]))];
  if (showTrainable) {
    lineLength += 12;
    positions = [...positions.map((p) => p * 0.9), 1];
    header.push('Trainable');
    align.push('center');
  }
  lineLength = options.lineLength ?? lineLength;
  if (positions.length !== header.length) throw new Error(`summary: positions must give ${header.length} column edges (${header.join(', ')}), got ${positions.length}.`);
  const widths = columnWidths(lineLength, positions);

  const rowsOf = (layer: Layer, level: number): string[][] => {
    // The class as Keras names it (a functional model is 'Functional'; registered names survive minifiers).
    const name = `${level > 0 ? '   '.repeat(level) + '└ ' : ''}${layer.name} (${getRegisteredLayerName(layer.constructor) ?? layer.constructor.name})`;
    const params = layer.built ? layer.countParams().toLocaleString('en-US') : '0 (unbuilt)';
    const row = [name, outputShapeOf(layer), params];
    if (!chain) row.push(connections(layer, graphNodes));
    if (showTrainable) row.push(layer.weights.length > 0 ? (layer.trainable ? 'Y' : 'N') : '-');
    const nested = expandNested ? nestedLayers(layer) : [];
    return [row, ...nested.flatMap((inner) => rowsOf(inner, level + 1))];
  };
  const [first, end] = rangeOf(layers, layerRange);
  const rows = layers.slice(first, end).flatMap((layer) => rowsOf(layer, 0));

  const trainable = model.trainableWeights;
  const nonTrainable = model.nonTrainableWeights;
  const optimizerSlots = model.optimizer?.variables ?? [];
  const count = (ws: Array<{ size: number }>) => ws.reduce((n, w) => n + w.size, 0);
  const total = count(trainable) + count(nonTrainable) + count(optimizerSlots);
  const line = (label: string, n: number) => ` ${label}: ${n.toLocaleString('en-US')} (${readableSize(n * 4)})`;
  const text = [
    `Model: "${model.name}"`,
    ...renderTable(header, rows, widths, align),
    line('Total params', total),
    line('Trainable params', count(trainable)),
    line('Non-trainable params', count(nonTrainable)),
    ...(optimizerSlots.length > 0 ? [line('Optimizer params', count(optimizerSlots))] : []),
  ].join('\n');
  printFn(text);
  return text;
}

/** Keras's sequential_like: a Sequential, a subclassed model, or a graph that is one chain of single-input layers, none shared. */
function isChain(model: Model): boolean {
  const saved = model.savedGraph;
  if (!saved) return true;
  const { graph } = saved;
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) return false;
  let previous = graph.inputs[0];
  for (const node of graph.nodes) {
    if (node.inputs.length !== 1 || node.inputs[0] !== previous || node.outputs.length !== 1) return false;
    previous = node.outputs[0];
  }
  return new Set(graph.nodes.map((n) => n.layer)).size === graph.nodes.length;
}

/** Column widths from the right edges, as Keras computes them. */
function columnWidths(lineLength: number, positions: number[]): number[] {
  if (!Number.isInteger(lineLength) || lineLength <= 0) throw new Error(`summary: lineLength must be a positive integer, got ${lineLength}.`);
  const relative = positions.every((p) => p <= 1);
  let current = 0;
  return positions.map((pos) => {
    const width = (relative ? Math.trunc(pos * lineLength) : Math.trunc(pos)) - current;
    if (width < 4) throw new Error(`summary: insufficient width to print the summary: positions [${positions.join(', ')}] of lineLength ${lineLength} leave a column of ${width} characters (4 at least).`);
    current += width;
    return width;
  });
}

/**
 * The table as rich draws Keras's (box HEAVY_HEAD, lines between rows, one space of padding): each
 * column is its width plus the padding, then the widest columns shrink until the table, borders
 * included, is lineLength wide.
 */
function renderTable(header: string[], rows: string[][], columns: number[], align: Align[]): string[] {
  const lineLength = columns.reduce((a, b) => a + b, 0);
  const cells = collapseWidths(columns.map((w) => w + 2), lineLength - (columns.length + 1)).map((w) => w - 2);
  const rule = (l: string, m: string, r: string, fill: string) => l + cells.map((w) => fill.repeat(w + 2)).join(m) + r;
  const render = (row: string[], bar: string) => {
    const wrapped = row.map((text, i) => wrap(text, cells[i]));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    return Array.from({ length: height }, (_, k) => bar + wrapped.map((lines, i) => ` ${justify(lines[k] ?? '', cells[i], align[i])} `).join(bar) + bar);
  };
  return [
    rule('┏', '┳', '┓', '━'),
    ...render(header, '┃'),
    rule('┡', '╇', '┩', '━'),
    ...rows.flatMap((row, i) => [...render(row, '│'), ...(i < rows.length - 1 ? [rule('├', '┼', '┤', '─')] : [])]),
    rule('└', '┴', '┘', '─'),
  ];
}

/** rich's Table._collapse_widths: narrows the widest columns (toward the next widest) until the widths fit `max`. */
function collapseWidths(widths: number[], max: number): number[] {
  let excess = widths.reduce((a, b) => a + b, 0) - max;
  while (excess > 0) {
    const widest = Math.max(...widths);
    const second = Math.max(0, ...widths.filter((w) => w !== widest));
    const ratios = widths.map((w) => (w === widest ? 1 : 0));
    widths = ratioReduce(excess, ratios, widths.map(() => Math.min(excess, widest - second)), widths);
    excess = widths.reduce((a, b) => a + b, 0) - max;
  }
  return widths;
}

/** rich's ratio_reduce: takes `total` off `values` in proportion to `ratios`, at most `maximums`. */
function ratioReduce(total: number, ratios: number[], maximums: number[], values: number[]): number[] {
  ratios = ratios.map((r, i) => (maximums[i] ? r : 0));
  let totalRatio = ratios.reduce((a, b) => a + b, 0);
  if (!totalRatio) return [...values];
  let remaining = total;
  return values.map((value, i) => {
    if (!ratios[i] || totalRatio <= 0) return value;
    const distributed = Math.min(maximums[i], roundHalfEven((ratios[i] * remaining) / totalRatio));
    remaining -= distributed;
    totalRatio -= ratios[i];
    return value - distributed;
  });
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Lines of at most `width` characters, broken at spaces where possible (rich's default overflow). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > 0 ? space : width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

function justify(text: string, width: number, align: Align): string {
  if (align === 'right') return text.padStart(width);
  if (align === 'left') return text.padEnd(width);
  const left = Math.floor((width - text.length) / 2);
  return ' '.repeat(left) + text + ' '.repeat(width - text.length - left);
}

function outputShapeOf(layer: Layer): string {
  const node = layer.inboundNodes.at(-1);
  if (!node) return builtOutputShape(layer) ?? '?';
  const shapes = node.outputs.map((o) => formatSymbolicShape(o.shape));
  return shapes.length === 1 ? shapes[0] : `[${shapes.join(', ')}]`;
}

/**
 * A layer that a subclassed model called on tensors has no node; Keras's summary then gives the
 * output shape for the shape the layer was built with (the batch unknown here), when the layer
 * computes it from shapes (a layer that would trace its call keeps '?').
 */
function builtOutputShape(layer: Layer): string | null {
  if (!layer.built || !layer.buildInputShape || layer.computeOutputShape === Layer.prototype.computeOutputShape) return null;
  let shape: Shape | Shape[];
  try {
    shape = layer.computeOutputShape(layer.buildInputShape);
  } catch {
    return null;
  }
  if (!isShapeList(shape)) return formatSymbolicShape(shape);
  return shape.length === 1 ? formatSymbolicShape(shape[0]) : `[${shape.map(formatSymbolicShape).join(', ')}]`;
}

/** "Connected to": each input of the layer's nodes in the model as name[node index][tensor index], or '-'. */
function connections(layer: Layer, nodes: readonly Node[] | null): string {
  const refs = layer.inboundNodes
    .filter((node) => !nodes || nodes.includes(node))
    .flatMap((node) => node.inputs.map((t) => `${t.node.layer.name}[${t.node.layer.inboundNodes.indexOf(t.node)}][${t.node.outputs.indexOf(t)}]`));
  return refs.length > 0 ? refs.join(', ') : '-';
}

/** The layers of a nested model (anything with its own summary), listed with expandNested. */
function nestedLayers(layer: Layer): Layer[] {
  return typeof (layer as { summary?: unknown }).summary === 'function' ? layer.layers : [];
}

/** Keras's get_layer_index_bound_by_layer_name: [first, last + 1] of the layers the range's patterns match. */
function rangeOf(layers: Layer[], range: [string, string] | undefined): [number, number] {
  if (range === undefined) return [0, layers.length];
  if (!Array.isArray(range) || range.length !== 2 || range.some((r) => typeof r !== 'string')) {
    throw new Error(`summary: layerRange must be a list of 2 strings (the first and last layer names), got ${JSON.stringify(range)}.`);
  }
  const matching = (pattern: string) => layers.flatMap((layer, i) => (new RegExp(`^(?:${pattern})`).test(layer.name) ? [i] : []));
  const lower = matching(range[0]);
  const upper = matching(range[1]);
  if (lower.length === 0 || upper.length === 0) throw new Error(`summary: layerRange [${range.join(', ')}] does not match the layer names (${layers.map((l) => l.name).join(', ')}).`);
  if (Math.min(...lower) > Math.max(...upper)) return [Math.min(...upper), Math.max(...lower) + 1];
  return [Math.min(...lower), Math.max(...upper) + 1];
}

/** Keras's readable_memory_size. */
function readableSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  for (const unit of units) {
    if (bytes / 1024 < 1) return `${bytes.toFixed(2)} ${unit}`;
    bytes /= 1024;
  }
  return `${bytes.toFixed(2)} PB`;
}
