// Pixel shuffle and its inverse (keras.ops.depth_to_space / space_to_depth): blocks of
// blockSize x blockSize pixels moved between the spatial axes and the channel axis, as Keras and
// TensorFlow order them (channel index (blockRow * blockSize + blockColumn) * channels + c, and for
// channels first, c * blockSize² + blockRow * blockSize + blockColumn). Each is a reshape, a
// transpose and a reshape, so they run on the active backend and are differentiable.

import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { checkDataFormat, type DataFormat } from './conv';
import { reshape, transpose } from './shape';
import { checkTensor } from './validate';

/** Checks x is a rank-4 tensor and blockSize a positive integer. */
function checkBlocks(op: string, x: Tensor, blockSize: number, dataFormat: DataFormat): void {
  checkTensor(op, x);
  if (x.rank !== 4) {
    const layout = dataFormat === 'channels_last' ? '[batch, height, width, channels]' : '[batch, channels, height, width]';
    throw new Error(`${op}: x must have rank 4 ${layout}, got shape ${formatShape(x.shape)} (rank ${x.rank}).`);
  }
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new Error(`${op}: blockSize must be a positive integer, got ${JSON.stringify(blockSize)}.`);
}

/**
 * Depth to space, or pixel shuffle (keras.ops.depth_to_space): x [batch, height, width, channels *
 * blockSize²] -> [batch, height * blockSize, width * blockSize, channels] (channels first with
 * `dataFormat: 'channels_first'`: [batch, channels * blockSize², h, w] -> [batch, channels,
 * h * blockSize, w * blockSize]). Differentiable.
 *
 * @example
 * const upscaled = ops.depthToSpace(features, 2);   // [1,4,4,12] -> [1,8,8,3]
 */
export function depthToSpace(x: Tensor, blockSize: number, dataFormat: DataFormat = 'channels_last'): Tensor {
  const op = 'depthToSpace';
  const format = checkDataFormat(op, dataFormat);
  checkBlocks(op, x, blockSize, format);
  const [batch, a, b, c] = x.shape;
  const [height, width, depth] = format === 'channels_last' ? [a, b, c] : [b, c, a];
  const channels = depth / (blockSize * blockSize);
  if (!Number.isInteger(channels)) {
    throw new Error(`${op}: the channel axis of x ${formatShape(x.shape)} has ${depth} entries, which must be a multiple of blockSize² = ${blockSize * blockSize}.`);
  }
  return tidy(() => {
    if (format === 'channels_last') {
      const blocks = transpose(reshape(x, [batch, height, width, blockSize, blockSize, channels]), [0, 1, 3, 2, 4, 5]);
      return reshape(blocks, [batch, height * blockSize, width * blockSize, channels]);
    }
    const blocks = transpose(reshape(x, [batch, channels, blockSize, blockSize, height, width]), [0, 1, 4, 2, 5, 3]);
    return reshape(blocks, [batch, channels, height * blockSize, width * blockSize]);
  });
}

/**
 * Space to depth (keras.ops.space_to_depth), the inverse of `depthToSpace`: x [batch, height,
 * width, channels] -> [batch, height / blockSize, width / blockSize, channels * blockSize²]
 * (channels first with `dataFormat: 'channels_first'`). Height and width must be multiples of
 * blockSize. Differentiable.
 *
 * @example
 * const folded = ops.spaceToDepth(images, 2);   // [1,8,8,3] -> [1,4,4,12]
 */
export function spaceToDepth(x: Tensor, blockSize: number, dataFormat: DataFormat = 'channels_last'): Tensor {
  const op = 'spaceToDepth';
  const format = checkDataFormat(op, dataFormat);
  checkBlocks(op, x, blockSize, format);
  const [batch, a, b, c] = x.shape;
  const [height, width, channels] = format === 'channels_last' ? [a, b, c] : [b, c, a];
  if (height % blockSize !== 0 || width % blockSize !== 0) {
    throw new Error(`${op}: height ${height} and width ${width} of x ${formatShape(x.shape)} must be multiples of blockSize ${blockSize}.`);
  }
  const [rows, cols] = [height / blockSize, width / blockSize];
  return tidy(() => {
    if (format === 'channels_last') {
      const blocks = transpose(reshape(x, [batch, rows, blockSize, cols, blockSize, channels]), [0, 1, 3, 2, 4, 5]);
      return reshape(blocks, [batch, rows, cols, channels * blockSize * blockSize]);
    }
    const blocks = transpose(reshape(x, [batch, channels, rows, blockSize, cols, blockSize]), [0, 1, 3, 5, 2, 4]);
    return reshape(blocks, [batch, channels * blockSize * blockSize, rows, cols]);
  });
}
