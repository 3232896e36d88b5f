// GPU-versus-CPU cases for the color-space image ops: rgbToGrayscale, rgbToHsv and hsvToRgb on
// batches and single images, channels last and first, with gray, black and tied pixels (the
// branches of the hue) and hues outside [0, 1) (which wrap).

import { tensor } from '../../src/index';
import { hsvToRgb, rgbToGrayscale, rgbToHsv } from '../../src/ops/image_color';
import type { OpCase } from './case';
import { rand } from './data';

/** Pixels on the hue's branch boundaries: black, white, gray, ties of the largest channels, tiny values. */
const specialPixels = () => tensor([0, 0, 0, 1, 1, 1, 0.5, 0.5, 0.5, 0.7, 0.7, 0.2, 0.3, 0.9, 0.9, 0.9, 0.1, 0.9, 1e-9, 0.2, 0, 0.4, 0, 0.4], [1, 2, 4, 3]);

export const imageColorCases: OpCase[] = [
  { name: 'rgbToGrayscale [2,5,4,3]', run: () => rgbToGrayscale(rand([2, 5, 4, 3], { low: 0, high: 1 })) },
  { name: 'rgbToGrayscale channels first [2,3,4,5]', run: () => rgbToGrayscale(rand([2, 3, 4, 5], { low: 0, high: 1 }), { dataFormat: 'channels_first' }) },
  { name: 'rgbToGrayscale one channel is a copy [3,4,1]', run: () => rgbToGrayscale(rand([3, 4, 1])) },
  { name: 'rgbToHsv [2,6,5,3]', run: () => rgbToHsv(rand([2, 6, 5, 3], { low: 0, high: 1 })) },
  { name: 'rgbToHsv channels first single image [3,4,6]', run: () => rgbToHsv(rand([3, 4, 6], { low: 0, high: 1 }), { dataFormat: 'channels_first' }) },
  { name: 'rgbToHsv gray, black, tied and tiny pixels', run: () => rgbToHsv(specialPixels()) },
  { name: 'hsvToRgb [2,6,5,3] with hues in [-1, 2)', run: () => hsvToRgb(rand([2, 6, 5, 3], { low: 0, high: 1 }).mul(tensor([3, 1, 1])).sub(tensor([1, 0, 0]))) },
  { name: 'hsvToRgb channels first [1,3,5,4]', run: () => hsvToRgb(rand([1, 3, 5, 4], { low: 0, high: 1 }), { dataFormat: 'channels_first' }) },
];
