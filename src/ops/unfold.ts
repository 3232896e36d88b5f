// Sliding blocks of a channels-first image batch (keras.ops.unfold / fold, PyTorch's Unfold and
// Fold): `unfold` is im2col, each block's values flattened channel-major into a column, and `fold`
// its transpose (col2im), summing the blocks back into the image where they overlap. Both run on
// conv.ts's patch kernels (shaders/im2col.wgsl) between reshapes and transposes, and each is the
// other's gradient.

import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { checkInput, col2im, im2col, UNIT_AXIS, type ConvGeometry, type WindowAxis } from './conv';
import { reshape, transpose } from './shape';
import { checkOptionNames } from './validate';

export interface UnfoldOptions {
  /** Spacing between a block's taps: one number or [height, width]. Default 1. */
  dilation?: number | readonly [number, number];
  /** Zeros added on both sides of each spatial axis: one number or [height, width]. Default 0. */
  padding?: number | readonly [number, number];
  /** Step between blocks: one number or [height, width]. Default 1. */
  stride?: number | readonly [number, number];
}

const UNFOLD_OPTIONS: Record<keyof UnfoldOptions, true> = { dilation: true, padding: true, stride: true };

/** One integer (>= min) or a pair of them, as [height, width]; throws naming the op and the argument. */
function pair(op: string, name: string, value: unknown, min: number): [number, number] {
  const both = typeof value === 'number' ? [value, value] : Array.isArray(value) ? value : null;
  if (!both || both.length !== 2 || !both.every((v) => Number.isInteger(v) && v >= min)) {
    throw new Error(`${op}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer or a pair [height, width] of them, got ${JSON.stringify(value)}.`);
  }
  return [both[0], both[1]];
}

/** The block geometry of an image batch [batch, height, width, channels] (channels last), or null when no block fits. */
function blockGeometry(op: string, batch: number, channels: number, spatial: [number, number], kernelSize: unknown, options: UnfoldOptions): ConvGeometry | null {
  checkOptionNames(op, options, UNFOLD_OPTIONS);
  const size = pair(op, 'kernelSize', kernelSize, 1);
  const dilation = pair(op, 'dilation', options.dilation ?? 1, 1);
  const padding = pair(op, 'padding', options.padding ?? 0, 0);
  const stride = pair(op, 'stride', options.stride ?? 1, 1);
  const axes: WindowAxis[] = [0, 1].map((i) => {
    const span = (size[i] - 1) * dilation[i] + 1;
    const output = Math.floor((spatial[i] + 2 * padding[i] - span) / stride[i]) + 1;
    return { input: spatial[i], size: size[i], stride: stride[i], dilation: dilation[i], padBefore: padding[i], output };
  });
  if (axes.some((axis) => axis.output < 1)) return null;
  return { batch, channels, depths: UNIT_AXIS, rows: axes[0], cols: axes[1] };
}

/**
 * Extracts sliding blocks (keras.ops.unfold, im2col): x [batch, channels, height, width]
 * (channels first) -> [batch, channels * kernelHeight * kernelWidth, blocks], column l holding
 * block l (blocks in row-major order) with its values channel-major, then kernel row, then kernel
 * column. `kernelSize`, `dilation` (1), `padding` (0, zeros on both sides) and `stride` (1) are one
 * number or [height, width]. Differentiable (its gradient is `fold`).
 *
 * @example
 * const columns = ops.unfold(images, 3, { padding: 1 });   // [2,4,8,8] -> [2,36,64]
 */
export function unfold(x: Tensor, kernelSize: number | readonly [number, number], options: UnfoldOptions = {}): Tensor {
  const op = 'unfold';
  checkInput(op, 'x', x, 4, '[batch, channels, height, width]');
  const [batch, channels, height, width] = x.shape;
  const g = blockGeometry(op, batch, channels, [height, width], kernelSize, options);
  if (!g) throw new Error(`${op}: no block of kernelSize ${JSON.stringify(kernelSize)} fits in x ${formatShape(x.shape)} with the given dilation and padding.`);
  const blocks = g.rows.output * g.cols.output;
  const taps = g.rows.size * g.cols.size;
  return tidy(() => {
    const patches = im2col(transpose(x, [0, 2, 3, 1]), g);
    return reshape(transpose(reshape(patches, [batch, blocks, taps, channels]), [0, 3, 2, 1]), [batch, channels * taps, blocks]);
  });
}

/**
 * Sums sliding blocks back into an image (keras.ops.fold, col2im), the transpose of `unfold`: x
 * [batch, channels * kernelHeight * kernelWidth, blocks] -> [batch, channels, outputHeight,
 * outputWidth] for `outputSize` (one number or [height, width]), overlapping entries added. The
 * options are `unfold`'s; `blocks` must be the number of blocks they place in the output.
 * Differentiable (its gradient is `unfold`).
 *
 * @example
 * const images = ops.fold(columns, [8, 8], 3, { padding: 1 });   // [2,36,64] -> [2,4,8,8]
 */
export function fold(x: Tensor, outputSize: number | readonly [number, number], kernelSize: number | readonly [number, number], options: UnfoldOptions = {}): Tensor {
  const op = 'fold';
  checkInput(op, 'x', x, 3, '[batch, channels * kernelHeight * kernelWidth, blocks]');
  const [batch, features, blocks] = x.shape;
  const spatial = pair(op, 'outputSize', outputSize, 1);
  const [kernelHeight, kernelWidth] = pair(op, 'kernelSize', kernelSize, 1);
  const taps = kernelHeight * kernelWidth;
  if (features % taps !== 0) {
    throw new Error(`${op}: axis 1 of x ${formatShape(x.shape)} has ${features} entries, which must be a multiple of kernelHeight * kernelWidth = ${taps}.`);
  }
  const channels = features / taps;
  const g = blockGeometry(op, batch, channels, spatial, kernelSize, options);
  const expected = g ? g.rows.output * g.cols.output : 0;
  if (!g || expected !== blocks) {
    throw new Error(`${op}: x ${formatShape(x.shape)} holds ${blocks} blocks, but kernelSize ${JSON.stringify(kernelSize)} places ${expected} in an output of ${spatial.join('x')} with the given dilation, padding and stride.`);
  }
  return tidy(() => {
    const patches = reshape(transpose(reshape(x, [batch, channels, taps, blocks]), [0, 3, 2, 1]), [batch * blocks, taps * channels]);
    return transpose(col2im(patches, g), [0, 3, 1, 2]);
  });
}
