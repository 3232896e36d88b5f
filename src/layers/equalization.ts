// Histogram equalization (keras/src/layers/preprocessing/image_preprocessing): Equalization
// spreads each channel's values over the value range through the cumulative histogram of that
// channel; ContrastLimitedAdaptiveHistogramEqualization (CLAHE) does so per tile of the image,
// with clipped histograms, and blends the mappings of neighbouring tiles bilinearly. Histograms,
// cumulative sums and lookups run as ops on the device (bincount, cumsum, takeAlongAxis, take),
// so nothing is read back. Images are channels last.

import { add, cast, clip, div, equal, greater, lessEqual, minimum, mul, round, sub, where } from '../ops/elementwise';
import { countNonzero } from '../ops/numpy_extras';
import { min, sum } from '../ops/reduce';
import { cumsum } from '../ops/scan';
import { pad, reshape, slice, take, transpose } from '../ops/shape';
import { bincount } from '../ops/statistics';
import { takeAlongAxis } from '../ops/take_along_axis';
import { tidy } from '../tensor/memory';
import { tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { checkImageShape, checkValueRange, ImagePreprocessingLayer, invalid, type ImageBatch, type ImagePreprocessingArgs } from './image_preprocessing';
import type { Shape } from './symbolic';

/** The top of the 8-bit scale [0, 255] that histograms and lookup tables work on, as Keras. */
const TOP_LEVEL = 255;
/** The integer levels 0 to 255 of CLAHE's histograms. */
const LEVEL_COUNT = 256;

/** A value range [low, high] with low < high: the layers divide by its width. */
function checkNonEmptyRange(value: unknown): [number, number] {
  const bounds = checkValueRange(value);
  if (bounds[0] === bounds[1]) throw invalid('valueRange', 'a list of two different numbers [low, high]', value);
  return bounds;
}

export interface EqualizationArgs extends ImagePreprocessingArgs {
  /** The range of the pixel values, [low, high] (default [0, 255]). */
  valueRange?: readonly [number, number];
  /** The number of histogram bins, a positive integer (default 256). */
  bins?: number;
}

/**
 * Equalizes the histogram of each channel in training, as Keras 3.16: the values, mapped from the
 * value range to [0, 255], fall in `bins` bins (`trunc(v * (bins - 1) / 255)`); each bin maps to
 * `round(255 * (cdf - cdfMin) / (total - cdfMin))` (cdfMin the first non-zero cumulative count),
 * mapped back to the value range. A channel whose values all fall in one bin is left unchanged.
 * As in Keras, one histogram per channel covers the whole batch, not each image on its own, and
 * the layer returns its input outside training (Keras's `training=False`). In Keras's dict, boxes,
 * masks and labels pass through.
 *
 * @example
 * new Equalization({ valueRange: [0, 1], bins: 128 }).apply(images, { training: true });
 */
export class Equalization extends ImagePreprocessingLayer {
  /** As Keras's `call(data, training=True)`: applied directly, the layer equalizes. */
  protected override readonly trainingDefault = true;
  readonly valueRange: [number, number];
  readonly bins: number;

  constructor(args: EqualizationArgs = {}) {
    super(args);
    this.valueRange = checkNonEmptyRange(args.valueRange ?? [0, 255]);
    const bins = args.bins ?? 256;
    if (!Number.isInteger(bins) || bins < 1) throw invalid('bins', 'a positive integer', bins);
    this.bins = bins;
  }

  protected override actsWhen(training: boolean): boolean {
    return training;
  }

  protected override transformBatch(batch: ImageBatch, training: boolean): ImageBatch {
    return { ...batch, images: this.callImages(batch.images, training) };
  }

  protected override callImages(inputs: Tensor, training: boolean): Tensor {
    if (!training) return inputs;
    return tidy(() => {
      const [low, high] = this.valueRange;
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const channels = x.shape[x.rank - 1];
      // [channels, pixels]: each row one channel of the whole batch.
      const rows = transpose(reshape(x, [-1, channels]));
      const toLevels = TOP_LEVEL / (high - low);
      const levels = add(mul(rows, toLevels), -low * toLevels);
      const equalized = this.equalize(levels);
      const fromLevels = (high - low) / TOP_LEVEL;
      const back = add(mul(equalized, fromLevels), low);
      return reshape(transpose(back), x.shape);
    });
  }

  /** Equalizes each row of `levels` ([channels, pixels], values on [0, 255]). */
  private equalize(levels: Tensor): Tensor {
    const last = this.bins - 1;
    const binOf = clip(cast(div(mul(levels, last), TOP_LEVEL), 'int32'), 0, last);
    const histogram = bincount(binOf, undefined, this.bins);
    const cdf = cumsum(histogram, 1);
    const cdfMin = min(where(greater(cdf, 0), cdf, 2 ** 31 - 1), 1, true);
    const total = slice(cdf, [0, last], [-1, 1]);
    const spread = sub(total, cdfMin);
    const denominator = cast(where(equal(spread, 0), 1, spread), 'float32');
    const table = clip(round(div(cast(mul(sub(cdf, cdfMin), TOP_LEVEL), 'float32'), denominator)), 0, TOP_LEVEL);
    const lookup = cast(clip(mul(div(levels, TOP_LEVEL), last), 0, last), 'int32');
    const oneBin = lessEqual(reshape(countNonzero(histogram, 1), [-1, 1]), 1);
    return where(oneBin, levels, takeAlongAxis(table, lookup, 1));
  }

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), valueRange: [...this.valueRange], bins: this.bins };
  }
}

export interface ContrastLimitedAdaptiveHistogramEqualizationArgs extends ImagePreprocessingArgs {
  /** The range of the pixel values, [low, high] (default [0, 255]). */
  valueRange?: readonly [number, number];
  /**
   * How far a tile's histogram may rise, in multiples of the flat histogram's height (default
   * 4); what rises above is spread evenly over all levels. Zero or less: no clipping.
   */
  clipLimit?: number;
  /** The tiles per column and per row, [rows, columns] (default [8, 8]). */
  tileGridSize?: readonly [number, number];
}

/** [at(0), ..., at(length - 1)]. */
const range = (length: number, at: (i: number) => number): number[] => Array.from({ length }, (_, i) => at(i));

/**
 * For each of `length` pixels along an axis of `grid` tiles of `tile` pixels: the two surrounding
 * tile centers as indices into the edge-padded grid (`first`, `second`), and the weight of the
 * second (`weight`) and of the first (`rest`), in float32 steps as Keras computes them.
 */
function tileCenters(length: number, tile: number, grid: number): { first: number[]; second: number[]; weight: number[]; rest: number[] } {
  const f = Math.fround;
  const position = range(length, (i) => f(f(f(i - tile / 2) / tile) + 1));
  const lower = position.map(Math.floor);
  const weight = position.map((p, i) => f(p - lower[i]));
  const bound = (v: number) => Math.min(Math.max(v, 0), grid + 1);
  return { first: lower.map(bound), second: lower.map((v) => bound(v + 1)), weight, rest: weight.map((w) => f(1 - w)) };
}

/**
 * Contrast-limited adaptive histogram equalization, in training and inference (as Keras 3.16):
 * on values mapped from the value range to [0, 255], each image is cut into `tileGridSize` tiles
 * (the bottom and right edges padded symmetrically to whole tiles); each tile and channel gets a
 * histogram of the 256 integer levels, clipped at `clipLimit * tilePixels / 256` with the excess
 * spread evenly, and the mapping `255 * (cdf - cdf[0]) / (tilePixels - cdf[0])`. A pixel's value
 * is the bilinear blend of the mappings of the four tiles whose centers surround it (edge tiles
 * repeated), mapped back to the value range.
 *
 * @example
 * new ContrastLimitedAdaptiveHistogramEqualization({ clipLimit: 2, tileGridSize: [4, 4] }).apply(images);
 */
export class ContrastLimitedAdaptiveHistogramEqualization extends ImagePreprocessingLayer {
  readonly valueRange: [number, number];
  readonly clipLimit: number;
  readonly tileGridSize: [number, number];

  constructor(args: ContrastLimitedAdaptiveHistogramEqualizationArgs = {}) {
    super(args);
    this.valueRange = checkNonEmptyRange(args.valueRange ?? [0, 255]);
    const clipLimit = args.clipLimit ?? 4;
    if (typeof clipLimit !== 'number' || !Number.isFinite(clipLimit)) throw invalid('clipLimit', 'a finite number', clipLimit);
    this.clipLimit = clipLimit;
    const grid = args.tileGridSize ?? [8, 8];
    if (!Array.isArray(grid) || grid.length !== 2 || !grid.every((n) => Number.isInteger(n) && n > 0)) {
      throw invalid('tileGridSize', 'a list of two positive integers [rows, columns]', grid);
    }
    this.tileGridSize = [grid[0], grid[1]];
  }

  protected override transformBatch(batch: ImageBatch): ImageBatch {
    return { ...batch, images: this.callImages(batch.images) };
  }

  protected override callImages(inputs: Tensor): Tensor {
    return tidy(() => {
      const [low, high] = this.valueRange;
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const batch = x.rank === 4 ? x : reshape(x, [1, ...x.shape]);
      const levels = low === 0 && high === TOP_LEVEL ? batch : mul(div(sub(batch, low), high - low), TOP_LEVEL);
      const equalized = this.equalizeTiles(levels);
      const back = low === 0 && high === TOP_LEVEL ? equalized : add(mul(div(equalized, TOP_LEVEL), high - low), low);
      return reshape(back, x.shape);
    });
  }

  /** CLAHE of a batch [batch, height, width, channels] on [0, 255]. */
  private equalizeTiles(images: Tensor): Tensor {
    const [batch, height, width, channels] = images.shape;
    const [gridHeight, gridWidth] = this.tileGridSize;
    const [tileHeight, tileWidth] = [Math.ceil(height / gridHeight), Math.ceil(width / gridWidth)];
    const [paddedHeight, paddedWidth] = [tileHeight * gridHeight, tileWidth * gridWidth];
    const padded = paddedHeight === height && paddedWidth === width ? images : pad(images, [[0, 0], [0, paddedHeight - height], [0, paddedWidth - width], [0, 0]], 'symmetric');
    const level = cast(clip(padded, 0, TOP_LEVEL), 'int32');
    const tilePixels = tileHeight * tileWidth;

    // Histogram bin of each pixel: ((((b * gridHeight + tileRow) * gridWidth + tileColumn) * channels + c) * 256 + level.
    const ints = (values: number[], shape: number[]) => tensor(values, shape, 'int32');
    const strideTile = channels * LEVEL_COUNT;
    const histogramBin = add(
      add(ints(range(batch, (b) => b * gridHeight * gridWidth * strideTile), [batch, 1, 1, 1]), ints(range(channels, (c) => c * LEVEL_COUNT), [1, 1, 1, channels])),
      add(
        add(ints(range(paddedHeight, (y) => Math.floor(y / tileHeight) * gridWidth * strideTile), [1, paddedHeight, 1, 1]), ints(range(paddedWidth, (x) => Math.floor(x / tileWidth) * strideTile), [1, 1, paddedWidth, 1])),
        level,
      ),
    );
    const binCount = batch * gridHeight * gridWidth * strideTile;
    let histogram = reshape(cast(bincount(reshape(histogramBin, [-1]), undefined, binCount), 'float32'), [batch, gridHeight, gridWidth, channels, LEVEL_COUNT]);
    if (this.clipLimit > 0) {
      const clipped = minimum(histogram, Math.fround((this.clipLimit * tilePixels) / LEVEL_COUNT));
      histogram = add(clipped, div(sum(sub(histogram, clipped), -1, true), LEVEL_COUNT));
    }
    const cdf = cumsum(histogram, -1);
    const cdfMin = min(cdf, -1, true);
    const spread = sub(tilePixels, cdfMin);
    const mapping = clip(div(mul(sub(cdf, cdfMin), TOP_LEVEL), where(equal(spread, 0), 1, spread)), 0, TOP_LEVEL);
    // The tile grid with its edge tiles repeated, so every pixel has four surrounding tile centers.
    const table = reshape(pad(mapping, [[0, 0], [1, 1], [1, 1], [0, 0], [0, 0]], 'edge'), [-1]);

    const strideColumn = strideTile;
    const strideRow = strideColumn * (gridWidth + 2);
    const rows = tileCenters(paddedHeight, tileHeight, gridHeight);
    const columns = tileCenters(paddedWidth, tileWidth, gridWidth);
    const rowShape = [1, paddedHeight, 1, 1];
    const columnShape = [1, 1, paddedWidth, 1];
    const base = add(
      add(ints(range(batch, (b) => b * strideRow * (gridHeight + 2)), [batch, 1, 1, 1]), ints(range(channels, (c) => c * LEVEL_COUNT), [1, 1, 1, channels])),
      level,
    );
    const lookup = (row: number[], column: number[]) =>
      take(table, add(base, add(ints(row.map((r) => r * strideRow), rowShape), ints(column.map((c) => c * strideColumn), columnShape))));
    const [top0, top1] = [lookup(rows.first, columns.first), lookup(rows.first, columns.second)];
    const [bottom0, bottom1] = [lookup(rows.second, columns.first), lookup(rows.second, columns.second)];
    const [wx, wxRest] = [tensor(columns.weight, columnShape), tensor(columns.rest, columnShape)];
    const [wy, wyRest] = [tensor(rows.weight, rowShape), tensor(rows.rest, rowShape)];
    const top = add(mul(top0, wxRest), mul(top1, wx));
    const bottom = add(mul(bottom0, wxRest), mul(bottom1, wx));
    const blended = add(mul(top, wyRest), mul(bottom, wy));
    return blended.shape[1] === height && blended.shape[2] === width ? blended : slice(blended, [0, 0, 0, 0], [batch, height, width, channels]);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), valueRange: [...this.valueRange], clipLimit: this.clipLimit, tileGridSize: [...this.tileGridSize] };
  }
}
