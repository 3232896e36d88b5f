// Color-space image ops, as keras.ops.image: `rgbToGrayscale` (TF's luma weights), `rgbToHsv` and
// `hsvToRgb` (dm_pix's formulas, which Keras's backends use). Composites of element-wise ops along
// the channel axis of the input's own layout, so they run on the active backend and are
// differentiable (as in Keras, the hue's branches are piecewise).

import { imageDataFormat } from '../backend/config';
import { formatShape } from '../backend/types';
import { tidy } from '../tensor/memory';
import { tensor } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { clone } from './clone';
import { abs, add, cast, clip, div, equal, greater, less, maximum, minimum, mod, mul, sub, where } from './elementwise';
import { checkDataFormat, checkImages, type ImageDataFormat } from './image';
import { sum } from './reduce';
import { concat, split } from './shape';
import { checkOptionNames } from './validate';

export interface ColorConversionOptions {
  /** 'channels_last' ([batch, height, width, channels]) or 'channels_first'. Default: config.imageDataFormat(). */
  dataFormat?: ImageDataFormat;
}

const OPTIONS: Record<keyof ColorConversionOptions, true> = { dataFormat: true };

/** tf.image.rgb_to_grayscale's weights of red, green and blue. */
const LUMA_WEIGHTS = [0.2989, 0.587, 0.114];
/** float32's machine epsilon: rgbToHsv treats smaller magnitudes as 0, as dm_pix does. */
const FLOAT32_EPSILON = 2 ** -23;

/** Checks the images and options; gives the channel axis (-1 or -3) and the channel count. */
function channelAxis(op: string, images: Tensor, options: ColorConversionOptions, allowed: readonly number[]): [number, number] {
  checkOptionNames(op, options, OPTIONS);
  checkImages(op, images);
  const axis = checkDataFormat(options.dataFormat ?? imageDataFormat()) === 'channels_last' ? -1 : -3;
  const channels = images.shape.at(axis)!;
  if (!allowed.includes(channels)) {
    const expected = allowed.length === 1 ? '3 (RGB or HSV)' : '3 (RGB) or 1 (grayscale)';
    throw new Error(`${op}: Invalid channel size: expected ${expected} on axis ${axis}. Received input with shape: images.shape=${formatShape(images.shape)}`);
  }
  return [axis, channels];
}

/**
 * Converts RGB images to grayscale, as keras.ops.image.rgb_to_grayscale: 0.2989 R + 0.587 G +
 * 0.114 B, keeping a channel axis of size 1. Images with one channel are returned as a copy.
 *
 * @example
 * const gray = ops.rgbToGrayscale(images);   // [2, 4, 4, 3] -> [2, 4, 4, 1]
 */
export function rgbToGrayscale(images: Tensor, options: ColorConversionOptions = {}): Tensor {
  const [axis, channels] = channelAxis('rgbToGrayscale', images, options, [1, 3]);
  if (channels === 1) return clone(images);
  return tidy(() => sum(mul(images, tensor(LUMA_WEIGHTS, axis === -1 ? [3] : [3, 1, 1])), axis, true));
}

/**
 * Converts RGB images (values in [0, 1]) to HSV, as keras.ops.image.rgb_to_hsv: hue, saturation and
 * value all in [0, 1], hue 0 pure red, 1/3 green, 2/3 blue; gray pixels get hue and (if black)
 * saturation 0.
 *
 * @example
 * ops.rgbToHsv(tensor([0, 0.5, 0.5], [1, 1, 3]));   // [[[0.5, 1, 0.5]]] (cyan)
 */
export function rgbToHsv(images: Tensor, options: ColorConversionOptions = {}): Tensor {
  const [axis] = channelAxis('rgbToHsv', images, options, [3]);
  return tidy(() => {
    const cleaned = where(less(abs(images), FLOAT32_EPSILON), 0, images);
    const [r, g, b] = split(cleaned, 3, axis);
    const value = maximum(maximum(r, g), b);
    const range = sub(value, minimum(minimum(r, g), b));
    const positiveValue = greater(value, 0);
    const positiveRange = greater(range, 0);
    const saturation = where(positiveValue, div(range, where(positiveValue, value, 1)), 0);
    const norm = div(1, mul(where(positiveRange, range, 1), 6));
    let hue = where(equal(value, g), add(mul(norm, sub(b, r)), 2 / 6), add(mul(norm, sub(r, g)), 4 / 6));
    hue = where(equal(value, r), mul(norm, sub(g, b)), hue);
    hue = add(where(positiveRange, hue, 0), cast(less(hue, 0), 'float32'));
    return concat([hue, saturation, value], axis);
  });
}

/**
 * Converts HSV images (values in [0, 1]; the hue wraps around) to RGB, as
 * keras.ops.image.hsv_to_rgb.
 *
 * @example
 * ops.hsvToRgb(tensor([0.5, 1, 0.5], [1, 1, 3]));   // [[[0, 0.5, 0.5]]]
 */
export function hsvToRgb(images: Tensor, options: ColorConversionOptions = {}): Tensor {
  const [axis] = channelAxis('hsvToRgb', images, options, [3]);
  return tidy(() => {
    const [hue, saturation, value] = split(images, 3, axis);
    const sector = mul(mod(hue, 1), 6);
    const red = clip(sub(abs(sub(sector, 3)), 1), 0, 1);
    const green = clip(sub(2, abs(sub(sector, 2))), 0, 1);
    const blue = clip(sub(2, abs(sub(sector, 4))), 0, 1);
    const oneMinusSaturation = sub(1, saturation);
    const channel = (weight: Tensor) => mul(value, add(oneMinusSaturation, mul(saturation, weight)));
    return concat([channel(red), channel(green), channel(blue)], axis);
  });
}
