// MaxNumBoundingBoxes as a specification, on the GPU and the CPU: Keras's shapes
// (max_num_bounding_box_test.py) for one image and a batch, boxes and labels padded with the fill
// value or truncated, the other entries of the dict and images alone passed through, its config,
// and the errors users meet.

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/node';
import { Input, MaxNumBoundingBoxes, deserializeLayer } from '../../src/layers/index';
import { zeros } from '../../src/ops/creation';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

describe('MaxNumBoundingBoxes', () => {
  it(
    "pads the boxes of one image to maxNumber, to Keras's shapes (40, 4) and (40,)",
    onBothBackends(async () => {
      const layer = new MaxNumBoundingBoxes({ maxNumber: 40, boundingBoxFormat: 'xyxy' });
      const images = zeros([10, 8, 3]);
      const out = layer.apply({ images, bounding_boxes: { boxes: tensor([2, 1, 4, 3, 6, 4, 8, 6], [2, 4], 'int32'), labels: tensor([1, 2], [2], 'int32') } });
      expect(out.images.shape).toEqual([10, 8, 3]);
      const { boxes, labels } = out.bounding_boxes!;
      expect(boxes.shape).toEqual([40, 4]);
      expect(labels.shape).toEqual([40]);
      expect([boxes.dtype, labels.dtype]).toEqual(['float32', 'int32']);
      expect(Array.from(await boxes.data())).toEqual([2, 1, 4, 3, 6, 4, 8, 6, ...new Array(38 * 4).fill(-1)]);
      expect(Array.from(await labels.data())).toEqual([1, 2, ...new Array(38).fill(-1)]);
    }),
  );

  it(
    'pads and truncates a batch of boxes with the fill value, passing labels and masks through',
    onBothBackends(async () => {
      const boxes = tensor([[[10, 20, 100, 150], [50, 60, 200, 250], [0, 0, 50, 50]], [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]]);
      const data = { images: zeros([2, 4, 4, 3]), bounding_boxes: { boxes, labels: tensor([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32') }, labels: tensor([0, 1]), segmentation_masks: zeros([2, 4, 4, 1]) };
      const padded = new MaxNumBoundingBoxes({ maxNumber: 4, fillValue: 0, boundingBoxFormat: 'xyxy' }).apply(data);
      expect(padded.bounding_boxes!.boxes.shape).toEqual([2, 4, 4]);
      expect(Array.from(await padded.bounding_boxes!.boxes.data())).toEqual([10, 20, 100, 150, 50, 60, 200, 250, 0, 0, 50, 50, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0]);
      expect(Array.from(await padded.bounding_boxes!.labels.data())).toEqual([1, 2, 3, 0, 4, 5, 6, 0]);
      expect([padded.labels, padded.segmentation_masks]).toEqual([data.labels, data.segmentation_masks]);
      const truncated = new MaxNumBoundingBoxes({ maxNumber: 2, boundingBoxFormat: 'xyxy' }).apply(data);
      expect(Array.from(await truncated.bounding_boxes!.boxes.data())).toEqual([10, 20, 100, 150, 50, 60, 200, 250, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(Array.from(await truncated.bounding_boxes!.labels.data())).toEqual([1, 2, 4, 5]);
    }),
  );

  it('passes images alone through, eagerly and in a functional model', async () => {
    const layer = new MaxNumBoundingBoxes({ maxNumber: 40, fillValue: -1 });
    const images = tensor([1, 2, 3, 4, 5, 6], [1, 2, 1, 3]);
    expect(Array.from(await (layer.apply(images)).data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(layer.apply(Input({ shape: [12, 12, 3] })).shape).toEqual([null, 12, 12, 3]);
  });

  it('saves maxNumber, fillValue and boundingBoxFormat in its config and is rebuilt from it', () => {
    const layer = new MaxNumBoundingBoxes({ maxNumber: 5, fillValue: 0, boundingBoxFormat: 'rel_xyxy', name: 'max_boxes' });
    const config = JSON.parse(JSON.stringify(layer.getConfig()));
    expect(config).toMatchObject({ name: 'max_boxes', maxNumber: 5, fillValue: 0, boundingBoxFormat: 'rel_xyxy' });
    const rebuilt = deserializeLayer({ className: 'MaxNumBoundingBoxes', config }) as MaxNumBoundingBoxes;
    expect(rebuilt).toBeInstanceOf(MaxNumBoundingBoxes);
    expect(rebuilt.getConfig()).toEqual(config);
    expect(new MaxNumBoundingBoxes({ maxNumber: 3 }).getConfig()).not.toHaveProperty('boundingBoxFormat');
  });

  it('rejects bad options and boxes that do not match the images, naming the shapes', () => {
    expect(() => new MaxNumBoundingBoxes({ maxNumber: 0 })).toThrow('Invalid value for argument `maxNumber`. Expected a positive integer. Received: maxNumber=0');
    expect(() => new MaxNumBoundingBoxes({ maxNumber: 2, fillValue: 0.5 })).toThrow('Invalid value for argument `fillValue`. Expected an integer. Received: fillValue=0.5');
    expect(() => new MaxNumBoundingBoxes({ maxNumber: 2, boundingBoxFormat: 'corners' as never })).toThrow(/Invalid value for argument `boundingBoxFormat`/);
    const layer = new MaxNumBoundingBoxes({ maxNumber: 2, name: 'max_boxes', boundingBoxFormat: 'xyxy' });
    const images = zeros([2, 4, 4, 3]);
    expect(() => layer.apply({ images, bounding_boxes: { boxes: tensor([0, 0, 1, 1], [1, 4]), labels: tensor([0]) } })).toThrow(
      "MaxNumBoundingBoxes 'max_boxes': for images of shape [2,4,4,3], boxes must have shape [2, num, 4]. Received: boxes.shape=[1,4].",
    );
    expect(() => layer.apply({ images, bounding_boxes: { boxes: zeros([2, 3, 4]), labels: zeros([2, 2]) } })).toThrow(
      "MaxNumBoundingBoxes 'max_boxes': bounding box labels must have one entry per box, shape [2,3]. Received: boxes.shape=[2,3,4], labels.shape=[2,2].",
    );
    expect(() => layer.apply({ bounding_boxes: { boxes: zeros([2, 3, 4]), labels: zeros([2, 3]) } } as never)).toThrow(/expected images, or a dict \{ images, bounding_boxes\?: \{ boxes, labels \}, segmentation_masks\?, labels\? \} of tensors\. Received: an object with keys \["bounding_boxes"\]/);
    expect(() => new MaxNumBoundingBoxes({ maxNumber: 2 }).apply({ images, bounding_boxes: { boxes: zeros([2, 3, 4]), labels: zeros([2, 3]) } })).toThrow(/has bounding boxes but the layer has no box format/);
    expect(() => layer.apply(zeros([4, 4]))).toThrow(/expected images of rank 3 \[height, width, channels\] or 4/);
  });
});
