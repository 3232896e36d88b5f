// Keras's dict form of the image preprocessing layers, as a specification, on the GPU and the
// CPU: { images, labels?, bounding_boxes?: { boxes, labels }, segmentation_masks? } transformed
// by one draw. Boxes are checked against Keras's own test values (random_flip_test.py,
// random_translation_test.py, random_zoom_test.py, random_shear_test.py, resizing_test.py,
// center_crop_test.py, random_perspective_test.py) and against float64 references computed here
// from the drawn parameters; masks against the same transformation applied to them separately;
// then the errors.

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/node';
import {
  AutoContrast,
  CenterCrop,
  ContrastLimitedAdaptiveHistogramEqualization,
  Equalization,
  RandomBrightness,
  RandomCrop,
  RandomElasticTransform,
  RandomFlip,
  RandomPerspective,
  RandomRotation,
  RandomShear,
  RandomTranslation,
  RandomZoom,
  Resizing,
} from '../../src/layers/index';
import { concat } from '../../src/ops/shape';
import type { Tensor } from '../../src/tensor/tensor';
import { expectNumbersClose, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const values = async (t: Tensor) => Array.from(await t.data());
/** Keras's test boxes, on an image of height 10 and width 8. */
const kerasBoxes = () => ({ boxes: tensor([2, 1, 4, 3, 6, 4, 8, 6], [1, 2, 4]), labels: tensor([1, 2], [1, 2], 'int32') });
const image = (height: number, width: number, channels = 1) => tensor(Array.from({ length: height * width * channels }, (_, i) => i % 7), [1, height, width, channels]);

describe("boxes moved by given parameters, Keras's test values", () => {
  it(
    'RandomFlip: horizontal, vertical, both',
    onBothBackends(async () => {
      const expected = { horizontal: [4, 1, 6, 3, 0, 4, 2, 6], vertical: [2, 7, 4, 9, 6, 4, 8, 6], horizontal_and_vertical: [4, 7, 6, 9, 0, 4, 2, 6] } as const;
      for (const mode of ['horizontal', 'vertical', 'horizontal_and_vertical'] as const) {
        const layer = new RandomFlip({ mode, boundingBoxFormat: 'xyxy' });
        const out = layer.transformBoundingBoxes(kerasBoxes(), { flips: tensor([1], [1, 1, 1, 1], 'int32'), imageHeight: 10, imageWidth: 8 });
        expectNumbersClose(await values(out.boxes), expected[mode]);
        expect(await values(out.labels)).toEqual([1, 2]);
      }
    }),
  );

  it(
    'RandomTranslation: positive and negative shifts',
    onBothBackends(async () => {
      const layer = new RandomTranslation({ heightFactor: 0.5, widthFactor: 0.5, boundingBoxFormat: 'xyxy' });
      const shifted = (x: number, y: number) => layer.transformBoundingBoxes(kerasBoxes(), { translations: tensor([x, y], [1, 2]), imageHeight: 10, imageWidth: 8 });
      expectNumbersClose(await values(shifted(1, 2).boxes), [3, 3, 5, 5, 7, 6, 8, 8]);
      expectNumbersClose(await values(shifted(-1, -2).boxes), [1, 0, 3, 1, 5, 2, 7, 4]);
    }),
  );

  it(
    'RandomZoom: zoom in (boxes out of view get label -1) and zoom out',
    onBothBackends(async () => {
      const layer = new RandomZoom({ heightFactor: [0.5, 0.5], boundingBoxFormat: 'xyxy' });
      const zoomed = (zoom: number) => layer.transformBoundingBoxes(kerasBoxes(), { heightZoom: tensor([zoom]), widthZoom: tensor([zoom]), imageHeight: 10, imageWidth: 8 });
      const zoomIn = zoomed(0.1);
      expectNumbersClose(await values(zoomIn.boxes), [0, 0, 8, 0, 8, 0, 8, 10], 1e-4);
      expect(await values(zoomIn.labels)).toEqual([-1, -1]);
      expectNumbersClose(await values(zoomed(1.9).boxes), [2.710526, 2.657895, 3.763158, 3.710526, 4.815789, 4.236842, 5.868421, 5.289474], 1e-5);
    }),
  );

  it(
    'RandomShear: x, y and both',
    onBothBackends(async () => {
      const layer = new RandomShear({ xFactor: 0.5, yFactor: 0.5, boundingBoxFormat: 'xyxy' });
      const sheared = (x: number, y: number) => layer.transformBoundingBoxes(kerasBoxes(), { shearFactor: tensor([x, y], [1, 2]), imageHeight: 10, imageWidth: 8 });
      expectNumbersClose(await values(sheared(1, 0).boxes), [0, 1, 3.2, 3, 1.2, 4, 4.8, 6]);
      expectNumbersClose(await values(sheared(0, 1).boxes), [2, 0, 4, 0.5, 6, 0, 8, 0]);
      expectNumbersClose(await values(sheared(1, 1).boxes), [0, 0, 3.2, 3.5, 1.2, 0, 4.8, 4.5]);
    }),
  );

  it(
    'Resizing to 20 x 20: pad to aspect ratio, crop to aspect ratio, stretch (one image, through apply)',
    onBothBackends(async () => {
      const expected = [[6, 2, 10, 6, 14, 8, 18, 12], [5, 0.5, 10, 5.5, 15, 8, 20, 13], [5, 2, 10, 6, 15, 8, 20, 12]];
      const options = [{ padToAspectRatio: true }, { cropToAspectRatio: true }, {}];
      for (const [i, option] of options.entries()) {
        const layer = new Resizing({ height: 20, width: 20, boundingBoxFormat: 'xyxy', ...option });
        const out = layer.apply({ images: image(10, 8, 3).reshape([10, 8, 3]), bounding_boxes: { boxes: tensor([2, 1, 4, 3, 6, 4, 8, 6], [2, 4]), labels: tensor([1, 2], [2], 'int32') } });
        expect(out.images.shape).toEqual([20, 20, 3]);
        expectNumbersClose(await values(out.bounding_boxes!.boxes), expected[i]);
      }
    }),
  );

  it(
    'CenterCrop: a 5 x 5 crop, and a 20 x 20 one that resizes',
    onBothBackends(async () => {
      const crop = (size: number) => new CenterCrop({ height: size, width: size, boundingBoxFormat: 'xyxy' }).apply({ images: image(10, 8), bounding_boxes: kerasBoxes() });
      expectNumbersClose(await values(crop(5).bounding_boxes!.boxes), [1, 0, 3, 1, 5, 2, 5, 4]);
      expectNumbersClose(await values(crop(20).bounding_boxes!.boxes), [5, 0, 10, 5, 15, 7.5, 20, 12.5]);
    }),
  );
});

describe('boxes moved by the drawn parameters, against float64 references', () => {
  it(
    'RandomRotation: the smallest box holding the rotated corners, about the image center, clipped',
    onBothBackends(async () => {
      const [height, width] = [9, 12];
      const images = concat([image(height, width), image(height, width)], 0);
      const boxes = tensor([2, 1, 5, 4, 6, 3, 10, 8, 0, 0, 3, 3, 4, 4, 8, 5], [2, 2, 4]);
      const layer = new RandomRotation({ factor: 0.1, seed: 11, boundingBoxFormat: 'xyxy', fillMode: 'constant' });
      const out = layer.apply({ images, bounding_boxes: { boxes, labels: tensor([1, 2, 3, 4], [2, 2], 'int32') } });
      const angles = await values(new RandomRotation({ factor: 0.1, seed: 11 }).getRandomTransformation(images).angle);
      const expected: number[] = [];
      const box = await values(boxes);
      for (let b = 0; b < 2; b++) {
        const theta = (angles[b] * Math.PI) / 180;
        const [cx, cy] = [(width - 1) / 2, (height - 1) / 2];
        // The images sample input (x, y) = R(theta) (output - center) + center, so a point moves by R(-theta).
        const forward = (x: number, y: number) => [Math.cos(theta) * (x - cx) + Math.sin(theta) * (y - cy) + cx, -Math.sin(theta) * (x - cx) + Math.cos(theta) * (y - cy) + cy];
        for (let n = 0; n < 2; n++) {
          const [x1, y1, x2, y2] = box.slice((b * 2 + n) * 4, (b * 2 + n) * 4 + 4);
          const corners = [forward(x1, y1), forward(x2, y1), forward(x1, y2), forward(x2, y2)];
          const xs = corners.map((p) => Math.min(Math.max(p[0], 0), width));
          const ys = corners.map((p) => Math.min(Math.max(p[1], 0), height));
          expected.push(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
        }
      }
      expectNumbersClose(await values(out.bounding_boxes!.boxes), expected, 1e-4);
    }),
  );

  it(
    'RandomCrop: boxes shifted by the drawn window and clipped to it (empty ones labelled -1)',
    onBothBackends(async () => {
      const images = image(12, 10);
      const boundingBoxes = { boxes: tensor([1, 1, 9, 11, 0, 0, 1, 1], [1, 2, 4]), labels: tensor([5, 6], [1, 2], 'int32') };
      const out = new RandomCrop({ height: 6, width: 5, seed: 3, boundingBoxFormat: 'xyxy' }).apply({ images, bounding_boxes: boundingBoxes }, { training: true });
      const t = new RandomCrop({ height: 6, width: 5, seed: 3 }).getRandomTransformation(images);
      const [top] = await values(t.top as Tensor);
      const [left] = await values(t.left as Tensor);
      const clipX = (x: number) => Math.min(Math.max(x - left, 0), 5);
      const clipY = (y: number) => Math.min(Math.max(y - top, 0), 6);
      const expected = [clipX(1), clipY(1), clipX(9), clipY(11), clipX(0), clipY(0), clipX(1), clipY(1)];
      expectNumbersClose(await values(out.bounding_boxes!.boxes), expected);
      const empty = (expected[6] - expected[4]) * (expected[7] - expected[5]) <= 0;
      expect(await values(out.bounding_boxes!.labels)).toEqual([5, empty ? -1 : 6]);
      // The images come from the same window.
      expectNumbersClose(await values(out.images), await values(images.slice([0, top, left, 0], [1, 6, 5, 1])));
    }),
  );

  it(
    'RandomTranslation in a relative format: boxes converted, moved in pixels, converted back',
    onBothBackends(async () => {
      const images = image(10, 8);
      const layer = new RandomTranslation({ heightFactor: 0.2, widthFactor: 0.2, seed: 5, boundingBoxFormat: 'rel_xyxy' });
      const out = layer.apply({ images, bounding_boxes: { boxes: tensor([0.25, 0.1, 0.5, 0.3], [1, 1, 4]), labels: tensor([1], [1, 1], 'int32') } });
      const [dx, dy] = await values(new RandomTranslation({ heightFactor: 0.2, widthFactor: 0.2, seed: 5 }).getRandomTransformation(images).translations);
      const clip = (v: number) => Math.min(Math.max(v, 0), 1);
      expectNumbersClose(await values(out.bounding_boxes!.boxes), [clip(0.25 + dx / 8), clip(0.1 + dy / 10), clip(0.5 + dx / 8), clip(0.3 + dy / 10)]);
    }),
  );

  it(
    'RandomFlip: one draw per image moves its pixels and its boxes together',
    onBothBackends(async () => {
      const batch = 6;
      // One bright pixel at column 0 of each image, inside a box around it.
      const pixels = Array.from({ length: batch * 2 * 4 }, (_, i) => (i % 8 === 0 ? 1 : 0));
      const layer = new RandomFlip({ mode: 'horizontal', seed: 8, boundingBoxFormat: 'xyxy' });
      const out = layer.apply({ images: tensor(pixels, [batch, 2, 4, 1]), bounding_boxes: { boxes: tensor(Array.from({ length: batch }, () => [0, 0, 1, 2]).flat(), [batch, 1, 4]), labels: tensor(new Array(batch).fill(0), [batch, 1], 'int32') } });
      const flippedImages = await values(out.images);
      const flippedBoxes = await values(out.bounding_boxes!.boxes);
      for (let b = 0; b < batch; b++) {
        const pixelMoved = flippedImages[b * 8 + 3] === 1;
        expect(flippedBoxes.slice(b * 4, b * 4 + 4)).toEqual(pixelMoved ? [3, 0, 4, 2] : [0, 0, 1, 2]);
      }
    }),
  );
});

describe('segmentation masks and labels', () => {
  it(
    'RandomFlip and RandomTranslation transform masks as their images, with the same draw; int32 masks stay int32',
    onBothBackends(async () => {
      const images = concat([image(6, 5, 2), image(6, 5, 2)], 0);
      const masks = tensor(Array.from({ length: 2 * 6 * 5 }, (_, i) => (i * 5) % 3), [2, 6, 5, 1], 'int32');
      const flipOut = new RandomFlip({ seed: 2 }).apply({ images, segmentation_masks: masks, labels: tensor([0, 1], [2], 'int32') });
      const flipTwin = new RandomFlip({ seed: 2 });
      const flips = flipTwin.getRandomTransformation(images);
      expect(flipOut.segmentation_masks!.dtype).toBe('int32');
      expect(await values(flipOut.segmentation_masks!)).toEqual(await values(flipTwin.transformImages(masks.cast('float32'), flips)));
      expect(await values(flipOut.labels!)).toEqual([0, 1]);

      const options = { heightFactor: 0.4, widthFactor: 0.4, seed: 9, fillMode: 'constant' as const, interpolation: 'nearest' as const };
      const shiftOut = new RandomTranslation(options).apply({ images, segmentation_masks: masks });
      const shiftTwin = new RandomTranslation(options);
      const shift = shiftTwin.getRandomTransformation(images);
      expect(await values(shiftOut.segmentation_masks!)).toEqual(await values(shiftTwin.transformImages(masks.cast('float32'), shift)));
      expect(shiftOut.segmentation_masks!.dtype).toBe('int32');
    }),
  );

  it(
    'color and tone layers (AutoContrast, Equalization and CLAHE too) pass boxes and masks through; with training false the dict comes back unchanged; images alone are as before',
    onBothBackends(async () => {
      const images = image(4, 4, 3);
      const boundingBoxes = { boxes: tensor([1, 1, 2, 2], [1, 1, 4]), labels: tensor([3], [1, 1], 'int32') };
      const masks = tensor(new Array(16).fill(1), [1, 4, 4, 1], 'int32');
      const bright = new RandomBrightness({ factor: 0.3, seed: 1, boundingBoxFormat: 'xyxy' }).apply({ images, bounding_boxes: boundingBoxes, segmentation_masks: masks });
      expect(await values(bright.bounding_boxes!.boxes)).toEqual([1, 1, 2, 2]);
      expect(await values(bright.bounding_boxes!.labels)).toEqual([3]);
      expect(await values(bright.segmentation_masks!)).toEqual(new Array(16).fill(1));
      expectNumbersClose(await values(bright.images), await values(new RandomBrightness({ factor: 0.3, seed: 1 }).apply(images)));
      for (const layer of [new AutoContrast({ boundingBoxFormat: 'xyxy' }), new Equalization({ boundingBoxFormat: 'xyxy' }), new ContrastLimitedAdaptiveHistogramEqualization({ tileGridSize: [2, 2], boundingBoxFormat: 'xyxy' })]) {
        const out = layer.apply({ images, bounding_boxes: boundingBoxes, segmentation_masks: masks });
        expect(await values(out.bounding_boxes!.boxes), layer.name).toEqual([1, 1, 2, 2]);
        expect(await values(out.segmentation_masks!), layer.name).toEqual(new Array(16).fill(1));
        expectNumbersClose(await values(out.images), await values(layer.apply(images)));
      }
      const rotation = new RandomRotation({ factor: 0.2, boundingBoxFormat: 'xyxy' });
      const inference = rotation.apply({ images, bounding_boxes: boundingBoxes }, { training: false });
      expect(inference.images).toBe(images);
      expect(inference.bounding_boxes).toBe(boundingBoxes);
    }),
  );
});

describe("RandomPerspective boxes, Keras's test values (random_perspective_test.py)", () => {
  const cases: Array<[string, number[], number[]]> = [
    ['large scale', [0, 0, 8.151311, 0, 0, 12.695701, 9.2712054, 10.524198], [2.6490488, 1.1149256, 5.2026834, 3.6187303, 7.5547166, 4.2492595, 8, 6.869391]],
    ['small scale', [0, 0, 4.151311, 0, 0, 6.695701, 4.2712054, 7.524198], [1.095408, 0.7504317, 2.2761598, 2.3389952, 3.5416048, 3.2349987, 4.920989, 5.0568376]],
  ];
  for (const [name, endPoints, expected] of cases) {
    it(
      `moves boxes by the inverse of the transform, ${name}`,
      onBothBackends(async () => {
        const layer = new RandomPerspective({ seed: 42, boundingBoxFormat: 'xyxy' });
        const transformation = { applyPerspective: tensor([1], [1], 'int32'), startPoints: tensor([0, 0, 7, 0, 0, 9, 7, 9], [1, 4, 2]), endPoints: tensor(endPoints, [1, 4, 2]) };
        const moved = layer.transformBoundingBoxes(kerasBoxes(), transformation, [10, 8]);
        expectNumbersClose(await values(moved.boxes), expected, 1e-3);
      }),
    );
  }

  it(
    'moves the boxes of a dict with the image, and leaves those of images it does not transform',
    onBothBackends(async () => {
      const images = concat([image(10, 8), image(10, 8)], 0);
      const boxes = { boxes: tensor([2, 1, 4, 3, 2, 1, 4, 3], [2, 1, 4]), labels: tensor([1, 1], [2, 1], 'int32') };
      const out = new RandomPerspective({ factor: [0, 0], seed: 3, boundingBoxFormat: 'xyxy' }).apply({ images, bounding_boxes: boxes }, { training: true });
      expect(await values(out.bounding_boxes!.boxes)).toEqual([2, 1, 4, 3, 2, 1, 4, 3]);
      expect(await values(out.images)).toEqual(await values(images));
    }),
  );
});

describe('errors', () => {
  it('names what is wrong before any work', () => {
    const images = image(4, 4);
    const boundingBoxes = { boxes: tensor([1, 1, 2, 2], [1, 1, 4]), labels: tensor([3], [1, 1], 'int32') };
    expect(() => new RandomFlip().apply({ images, bounding_boxes: boundingBoxes })).toThrow(/bounding boxes but the layer has no box format.*boundingBoxFormat/);
    expect(() => new Resizing({ height: 2, width: 2 }).apply({ images, bounding_boxes: boundingBoxes })).toThrow(/no box format/);
    expect(() => new RandomFlip({ boundingBoxFormat: 'xyxy' }).apply({ images, bounding_boxes: { boxes: tensor([1, 1, 2, 2], [1, 4]), labels: tensor([3], [1], 'int32') } })).toThrow(/boxes must have shape \[1, num, 4\]/);
    expect(() => new RandomFlip().apply({ images, segmentation_masks: tensor([1, 2], [1, 2, 1, 1]) })).toThrow(/segmentation_masks must be a tensor of shape \[1, 4, 4, classes\]/);
    expect(() => new RandomElasticTransform({ boundingBoxFormat: 'xyxy' }).apply({ images, bounding_boxes: boundingBoxes })).toThrow(/RandomElasticTransform .* does not transform bounding_boxes/);
    expect(() => new RandomFlip({ boundingBoxFormat: 'xyz' as never })).toThrow(/boundingBoxFormat/);
  });
});
