// imageToTensor (keras.utils.img_to_array for the web): the pixels of an ImageData, or of an
// image, bitmap, canvas or video frame drawn onto an OffscreenCanvas in browsers, as a float32
// [height, width, channels] tensor of values in [0, 255]. Uses only web APIs, guarded, so that it
// loads in Node too, where ImageData-like objects work.

import { fromTypedArray } from '../tensor/creation';
import type { Tensor } from '../tensor/tensor';
import { checkOptionNames } from '../ops/validate';

/** What ImageData holds: RGBA bytes, row by row. A plain object of this shape works in Node. */
export interface ImageDataLike {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** Anything a 2D canvas can draw (browsers only). */
export type DrawableImage = ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | HTMLVideoElement | VideoFrame;

export interface ImageToTensorOptions {
  /** 3 (RGB, default, as Keras loads images) or 4 (RGBA). */
  channels?: 3 | 4;
}

const OPTION_NAMES = { channels: true } as const;

/**
 * An image's pixels as a float32 tensor of shape [height, width, channels], values 0 to 255, as
 * keras.utils.img_to_array gives (divide by 255, or use a Rescaling layer, for [0, 1]). Takes
 * ImageData (or any `{ data, width, height }` of RGBA bytes), and in browsers an image element,
 * ImageBitmap, canvas or video frame, read through an OffscreenCanvas. An image element must have
 * loaded, and one from another origin must allow CORS, or the browser refuses to read it.
 *
 * @example
 * const image = await createImageBitmap(await (await fetch('cat.png')).blob());
 * const pixels = utils.imageToTensor(image);                 // [h, w, 3]
 * const batch = ops.expandDims(pixels.div(255), 0);          // [1, h, w, 3] in [0, 1]
 */
export function imageToTensor(source: ImageDataLike | DrawableImage, options: ImageToTensorOptions = {}): Tensor {
  checkOptionNames('imageToTensor', options, OPTION_NAMES);
  const channels = options.channels ?? 3;
  if (channels !== 3 && channels !== 4) throw new Error(`imageToTensor: Invalid value for argument channels. Expected 3 or 4. Received: channels=${String(channels)}.`);
  const image = isImageDataLike(source) ? checkImageData(source) : draw(source);
  const pixels = image.width * image.height;
  const values = new Float32Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < channels; c++) values[p * channels + c] = image.data[p * 4 + c];
  }
  return fromTypedArray(values, [image.height, image.width, channels], 'float32');
}

function isImageDataLike(source: unknown): source is ImageDataLike {
  return source !== null && typeof source === 'object' && 'data' in source && 'width' in source && 'height' in source;
}

function checkImageData(image: ImageDataLike): ImageDataLike {
  const { data, width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new Error(`imageToTensor: width and height must be non-negative integers. Received: width=${String(width)}, height=${String(height)}.`);
  }
  if (!(data instanceof Uint8ClampedArray || data instanceof Uint8Array) || data.length !== width * height * 4) {
    const got = ArrayBuffer.isView(data) ? `${data.constructor.name} of length ${(data as Uint8Array).length}` : typeof data;
    throw new Error(`imageToTensor: data must be RGBA bytes (a Uint8ClampedArray of width * height * 4 = ${width * height * 4} values for ${width}x${height}). Received: ${got}.`);
  }
  return image;
}

/** The RGBA pixels of a drawable image, drawn onto an OffscreenCanvas of its size. */
function draw(source: DrawableImage): ImageDataLike {
  if (typeof OffscreenCanvas === 'undefined') {
    throw new Error('imageToTensor: reading an image, bitmap, canvas or video needs OffscreenCanvas, which this environment lacks (Node has none). Pass ImageData or a { data, width, height } object of RGBA bytes instead.');
  }
  const [width, height] = sizeOf(source);
  if (width === 0 || height === 0) throw new Error(`imageToTensor: the image is ${width}x${height}; has it finished loading?`);
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('imageToTensor: could not get a 2D context of an OffscreenCanvas.');
  context.drawImage(source, 0, 0);
  return context.getImageData(0, 0, width, height);
}

function sizeOf(source: DrawableImage): [number, number] {
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) return [source.naturalWidth, source.naturalHeight];
  if (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement) return [source.videoWidth, source.videoHeight];
  if (typeof VideoFrame !== 'undefined' && source instanceof VideoFrame) return [source.displayWidth, source.displayHeight];
  if (source !== null && typeof source === 'object' && 'width' in source && 'height' in source) return [source.width, source.height];
  throw new Error(`imageToTensor: expected ImageData, an image, ImageBitmap, canvas or video frame, got ${source === null ? 'null' : typeof source}.`);
}
