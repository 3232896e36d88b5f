// Adaptive average and max pooling (keras.ops.adaptive_average_pool / adaptive_max_pool): the
// output size is given and the windows follow from it, PyTorch's bins: along an axis of length L
// pooled to n, output i covers [floor(i * L / n), ceil((i + 1) * L / n)). A window over several
// axes is the product of its per-axis bins, so the op pools one spatial axis at a time: a gather
// of each bin's elements into a padded [n, widest bin] block (short bins repeat their last
// element), then a max, or a weighted sum with weights 1 / bin size (0 on the repeats). Composites
// of gather, max, mul and sum, so they run on the active backend and are differentiable (a max's
// gradient goes to its window's maximum).

import { imageDataFormat } from '../backend/config';
import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { checkDataFormat, type DataFormat } from './conv';
import { tensor } from '../tensor/creation';
import { mul } from './elementwise';
import { max, sum } from './reduce';
import { gather, reshape } from './shape';
import { checkOptionNames, checkTensor } from './validate';

export interface AdaptivePoolOptions {
  /** 'channels_last' ([batch, ...spatial, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: DataFormat;
}

const ADAPTIVE_POOL_OPTIONS: Record<keyof AdaptivePoolOptions, true> = { dataFormat: true };

type PoolMode = 'max' | 'average';

/** The [start, end) of each of `outputs` bins over an axis of `length` elements. */
function adaptiveBins(length: number, outputs: number): Array<[number, number]> {
  return Array.from({ length: outputs }, (_, i) => [Math.floor((i * length) / outputs), Math.ceil(((i + 1) * length) / outputs)]);
}

/** Pools x's axis `axis` to `outputs` bins. */
function poolAxis(x: Tensor, axis: number, outputs: number, mode: PoolMode): Tensor {
  const bins = adaptiveBins(x.shape[axis], outputs);
  const widest = Math.max(...bins.map(([start, end]) => end - start));
  const indices = bins.map(([start, end]) => Array.from({ length: widest }, (_, j) => Math.min(start + j, end - 1)));
  const windows = gather(x, indices, axis);
  if (mode === 'max') return max(windows, axis + 1);
  const weights = bins.flatMap(([start, end]) => Array.from({ length: widest }, (_, j) => (j < end - start ? 1 / (end - start) : 0)));
  const weightShape = windows.shape.map((size, d) => (d === axis || d === axis + 1 ? size : 1));
  return sum(mul(windows, reshape(tensor(weights, [outputs, widest]), weightShape)), axis + 1);
}

function adaptivePool(op: string, mode: PoolMode, inputs: Tensor, outputSize: number | readonly number[], options: AdaptivePoolOptions): Tensor {
  checkOptionNames(op, options, ADAPTIVE_POOL_OPTIONS);
  checkTensor(op, inputs);
  const dataFormat = checkDataFormat(op, options.dataFormat ?? imageDataFormat());
  const spatial = inputs.rank - 2;
  if (spatial < 1 || spatial > 3) {
    throw new Error(`${op}: inputs must have rank 3, 4 or 5 ([batch, ...spatial, channels] or channels first), got shape ${formatShape(inputs.shape)} (rank ${inputs.rank}).`);
  }
  if (inputs.dtype !== 'float32') {
    throw new Error(`${op}: inputs are ${inputs.dtype} (shape ${formatShape(inputs.shape)}); ${op} takes float32 tensors. Cast them first: ops.cast(inputs, 'float32').`);
  }
  const sizes = typeof outputSize === 'number' ? new Array<number>(spatial).fill(outputSize) : Array.isArray(outputSize) ? [...outputSize] : [];
  if (sizes.length !== spatial || !sizes.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`${op}: outputSize must be a positive integer or a list of ${spatial} of them (one per spatial axis of inputs ${formatShape(inputs.shape)}), got ${JSON.stringify(outputSize)}.`);
  }
  const firstSpatial = dataFormat === 'channels_last' ? 1 : 2;
  const spatialAxes = sizes.map((_, i) => firstSpatial + i);
  const empty = spatialAxes.find((axis) => inputs.shape[axis] === 0);
  if (empty !== undefined) throw new Error(`${op}: inputs ${formatShape(inputs.shape)} have an empty spatial axis ${empty}; there is nothing to pool.`);
  return tidy(() => spatialAxes.reduce((pooled, axis, i) => poolAxis(pooled, axis, sizes[i], mode), inputs));
}

/**
 * Adaptive average pooling (keras.ops.adaptive_average_pool): inputs of rank 3, 4 or 5
 * ([batch, ...spatial, channels]; channels first with `dataFormat: 'channels_first'`) pooled to
 * `outputSize` along the spatial axes (one number for all of them or one per axis), output i of an
 * axis of length L averaging inputs [floor(i * L / n), ceil((i + 1) * L / n)) (PyTorch's bins,
 * which may overlap). Differentiable.
 *
 * @example
 * const y = ops.adaptiveAveragePool(images, [7, 7]);   // [8,30,30,16] -> [8,7,7,16]
 */
export function adaptiveAveragePool(inputs: Tensor, outputSize: number | readonly number[], options: AdaptivePoolOptions = {}): Tensor {
  return adaptivePool('adaptiveAveragePool', 'average', inputs, outputSize, options);
}

/**
 * Adaptive max pooling (keras.ops.adaptive_max_pool): as `adaptiveAveragePool`, each output the
 * maximum of its bin. The gradient goes to the maximum of each bin (split between equal maxima,
 * as `ops.max`).
 *
 * @example
 * const y = ops.adaptiveMaxPool(sequences, 4, { dataFormat: 'channels_first' });   // [2,3,10] -> [2,3,4]
 */
export function adaptiveMaxPool(inputs: Tensor, outputSize: number | readonly number[], options: AdaptivePoolOptions = {}): Tensor {
  return adaptivePool('adaptiveMaxPool', 'max', inputs, outputSize, options);
}
