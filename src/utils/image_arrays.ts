// keras.utils.array_to_img / img_to_array in the browser's terms: a [height, width, channels]
// tensor to RGBA pixels ({ data, width, height }, what ImageData holds and a canvas draws), and
// pixels to a tensor (imageToTensor). Loading and saving image files is left to the page.

import { imageDataFormat } from '../backend/config';
import type { Tensor } from '../tensor/tensor';
import type { ImageDataLike } from './images';

export { imageToTensor as imgToArray } from './images';

export interface ArrayToImgOptions {
  /** Rescale the values to 0..255 by their minimum and maximum (default true, as Keras). */
  scale?: boolean;
  /** The layout of `x` (default: config.imageDataFormat()). */
  dataFormat?: 'channels_last' | 'channels_first';
}

/**
 * The pixels of a [height, width, channels] tensor (1, 3 or 4 channels) as RGBA bytes, for
 * `new ImageData(data, width, height)` or a canvas. With `scale` (default) the values are
 * shifted to a minimum of 0 and scaled to a maximum of 255 first; values are then truncated to
 * integers, as Keras's cast to uint8 (127.5 gives 127), and clipped to 0..255 (where a uint8 cast
 * would wrap around). Reads the tensor back, so it is async.
 *
 * @example
 * const { data, width, height } = await utils.arrayToImg(generated);
 * canvas.getContext('2d')!.putImageData(new ImageData(data, width, height), 0, 0);
 */
export async function arrayToImg(x: Tensor, { scale = true, dataFormat = imageDataFormat() }: ArrayToImgOptions = {}): Promise<ImageDataLike & { data: Uint8ClampedArray }> {
  if (x.rank !== 3) throw new Error(`arrayToImg: expected an image array of rank 3 ([height, width, channels]). Received: shape=[${x.shape.join(', ')}].`);
  const [height, width, channels] = dataFormat === 'channels_last' ? x.shape : [x.shape[1], x.shape[2], x.shape[0]];
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`arrayToImg: unsupported channel number ${channels}; expected 1, 3 or 4. Received: shape=[${x.shape.join(', ')}].`);
  const values = Float64Array.from(await x.data());
  if (scale && values.length > 0) {
    // In float32 steps, as Keras's NumPy arithmetic, so that truncation gives Keras's bytes.
    const low = values.reduce((m, v) => Math.min(m, v), Infinity);
    const shifted = (v: number) => Math.fround(v - low);
    const high = values.reduce((m, v) => Math.max(m, shifted(v)), 0);
    for (let i = 0; i < values.length; i++) values[i] = high === 0 ? shifted(values[i]) : Math.fround(Math.fround(shifted(values[i]) / high) * 255);
  }
  const at = (row: number, column: number, channel: number) =>
    dataFormat === 'channels_last' ? values[(row * width + column) * channels + channel] : values[(channel * height + row) * width + column];
  const data = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const p = (row * width + column) * 4;
      for (let c = 0; c < 3; c++) data[p + c] = Math.trunc(at(row, column, channels === 1 ? 0 : c));
      data[p + 3] = channels === 4 ? Math.trunc(at(row, column, 3)) : 255;
    }
  }
  return { data, width, height };
}
