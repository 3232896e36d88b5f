// Keras's model summary table: one row per layer with its type, output shape and parameter count,
// then the totals.

import type { Layer } from '../layers/layer';
import { formatSymbolicShape } from '../layers/symbolic';
import type { Model } from './model';

export function summarize(model: Model): string {
  const rows = model.layers.map((layer) => [`${layer.name} (${layer.constructor.name})`, outputShapeOf(layer), layer.built ? layer.countParams().toLocaleString('en-US') : '0 (unbuilt)']);
  // Columns widen to their longest cell, at least Keras's default widths.
  const widths = [33, 26, 13].map((min, i) => Math.max(min, ...rows.map((r) => r[i].length + 2)));
  const line = (l: string, m: string, r: string, fill: string) => l + widths.map((w) => fill.repeat(w)).join(m) + r;
  const row = (cells: string[]) => '│' + cells.map((c, i) => ` ${i === 2 ? c.padStart(widths[i] - 2) : c.padEnd(widths[i] - 2)} `).join('│') + '│';
  const weights = model.weights;
  const total = weights.reduce((n, w) => n + w.size, 0);
  const trainable = model.trainableWeights.reduce((n, w) => n + w.size, 0);
  const out = [
    `Model: "${model.name}"`,
    line('┏', '┳', '┓', '━'),
    '┃' + ['Layer (type)', 'Output Shape', 'Param #'].map((c, i) => ` ${i === 2 ? c.padStart(widths[i] - 2) : c.padEnd(widths[i] - 2)} `).join('┃') + '┃',
    line('┡', '╇', '┩', '━'),
    ...rows.flatMap((r, i) => [row(r), ...(i < rows.length - 1 ? [line('├', '┼', '┤', '─')] : [])]),
    line('└', '┴', '┘', '─'),
    ` Total params: ${total.toLocaleString('en-US')} (${bytes(total * 4)})`,
    ` Trainable params: ${trainable.toLocaleString('en-US')} (${bytes(trainable * 4)})`,
    ` Non-trainable params: ${(total - trainable).toLocaleString('en-US')} (${bytes((total - trainable) * 4)})`,
  ];
  return out.join('\n');
}

function outputShapeOf(layer: Layer): string {
  const node = layer.inboundNodes.at(-1);
  if (!node) return '?';
  const shapes = node.outputs.map((o) => formatSymbolicShape(o.shape));
  return shapes.length === 1 ? shapes[0] : `[${shapes.join(', ')}]`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n.toFixed(2)} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(2)} KB`;
  return `${(n / 1024 ** 2).toFixed(2)} MB`;
}
