// utils.imageToTensor in Node: ImageData-like objects ({ data, width, height } of RGBA bytes) to
// [height, width, channels] float32 tensors of 0..255 (keras.utils.img_to_array), against a
// plain loop over the pixels; the browser sources' guard and the errors users meet.

import { describe, expect, it } from 'vitest';
import { getBackend, utils } from '../../src/node';
import { useWebGPU } from '../helpers';

useWebGPU();

/** A width x height RGBA image whose bytes follow the pixel index. */
function image(width: number, height: number): { data: Uint8ClampedArray; width: number; height: number } {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + 11) % 256;
  return { data, width, height };
}

/** pixels[y][x][c] read from the RGBA bytes, as nested arrays. */
function reference(img: ReturnType<typeof image>, channels: number): number[][][] {
  return Array.from({ length: img.height }, (_, y) =>
    Array.from({ length: img.width }, (_, x) => Array.from({ length: channels }, (_, c) => img.data[(y * img.width + x) * 4 + c])),
  );
}

describe('imageToTensor', () => {
  it('RGB by default: [height, width, 3] float32, alpha dropped, values 0..255', async () => {
    expect(getBackend()).toBe('webgpu');
    const img = image(5, 3);
    const x = utils.imageToTensor(img);
    expect(x.shape).toEqual([3, 5, 3]);
    expect(x.dtype).toBe('float32');
    expect(await x.array()).toEqual(reference(img, 3));
  });

  it('RGBA with channels 4; Uint8Array bytes too', async () => {
    const img = image(2, 4);
    expect(await utils.imageToTensor(img, { channels: 4 }).array()).toEqual(reference(img, 4));
    const bytes = { ...img, data: new Uint8Array(img.data) };
    expect(await utils.imageToTensor(bytes).array()).toEqual(reference(img, 3));
  });

  it('rejects bad input before any GPU work; in Node a drawable source needs OffscreenCanvas', () => {
    expect(() => utils.imageToTensor({ data: new Uint8ClampedArray(10), width: 2, height: 2 })).toThrow(
      /data must be RGBA bytes \(a Uint8ClampedArray of width \* height \* 4 = 16 values for 2x2\)\. Received: Uint8ClampedArray of length 10/,
    );
    expect(() => utils.imageToTensor({ data: new Float32Array(16) as never, width: 2, height: 2 })).toThrow(/Received: Float32Array of length 16/);
    expect(() => utils.imageToTensor({ data: new Uint8ClampedArray(0), width: -1, height: 0 })).toThrow(/width and height must be non-negative integers/);
    expect(() => utils.imageToTensor(image(1, 1), { channels: 1 as never })).toThrow(/argument channels\. Expected 3 or 4\. Received: channels=1/);
    expect(() => utils.imageToTensor(image(1, 1), { color_mode: 'rgb' } as never)).toThrow(/imageToTensor: unknown option 'color_mode'/);
    expect(() => utils.imageToTensor({ width: 4, height: 4 } as never)).toThrow(/needs OffscreenCanvas, which this environment lacks \(Node has none\)/);
  });
});
