// MaxNumBoundingBoxes (keras.layers.MaxNumBoundingBoxes): gives every image the same number of
// bounding boxes, truncating longer lists and padding shorter ones with a fill value, so that
// boxes of different images batch together. It takes Keras's dict of image preprocessing data
// through the shared base (image_preprocessing.ts) and passes everything but the boxes through;
// images alone pass through unchanged.

import { pad, slice } from '../ops/shape';
import type { Tensor } from '../tensor/tensor';
import { checkImageShape, ImagePreprocessingLayer, invalid, type ImageBatch, type ImagePreprocessingArgs } from './image_preprocessing';
import type { Shape } from './symbolic';

export interface MaxNumBoundingBoxesArgs extends ImagePreprocessingArgs {
  /** The number of boxes of every image after the layer (a positive integer). */
  maxNumber: number;
  /** The value of the boxes' coordinates and labels that padding adds (an integer, default -1). */
  fillValue?: number;
}

/**
 * Pads or truncates the bounding boxes of each image to `maxNumber`: boxes beyond it are dropped,
 * and missing ones are added with coordinates and label `fillValue`. Boxes become float32; labels
 * keep their dtype. Images (and labels and segmentation masks of the dict) pass through. As every
 * layer of Keras's dict, it needs `boundingBoxFormat` to take boxes (padding does not depend on it).
 *
 * @example
 * const layer = new MaxNumBoundingBoxes({ maxNumber: 10, boundingBoxFormat: 'xyxy' });
 * const out = layer.apply({
 *   images,                                           // [1, 224, 224, 3]
 *   bounding_boxes: { boxes: tensor([[[10, 20, 100, 150], [50, 60, 200, 250], [0, 0, 50, 50]]]), labels: tensor([[1, 2, 3]], [1, 3], 'int32') },
 * });
 * out.bounding_boxes!.boxes.shape;    // [1, 10, 4], rows 3 to 9 all -1
 * out.bounding_boxes!.labels.shape;   // [1, 10]
 */
export class MaxNumBoundingBoxes extends ImagePreprocessingLayer {
  readonly maxNumber: number;
  readonly fillValue: number;

  constructor(args: MaxNumBoundingBoxesArgs) {
    super(args);
    const { maxNumber, fillValue = -1 } = args ?? ({} as Partial<MaxNumBoundingBoxesArgs>);
    if (!Number.isInteger(maxNumber) || maxNumber < 1) throw invalid('maxNumber', 'a positive integer', maxNumber);
    if (!Number.isInteger(fillValue)) throw invalid('fillValue', 'an integer', fillValue);
    this.maxNumber = maxNumber;
    this.fillValue = fillValue;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maxNumber: this.maxNumber, fillValue: this.fillValue };
  }

  /** Images alone pass through (Keras's transform_images of this layer is the identity). */
  protected override callImages(inputs: Tensor): Tensor {
    return inputs;
  }

  protected override transformBatch({ images, boundingBoxes, segmentationMasks }: ImageBatch): ImageBatch {
    return { images, segmentationMasks, boundingBoxes: boundingBoxes && { boxes: this.fit(boundingBoxes.boxes), labels: this.fit(boundingBoxes.labels) } };
  }

  /** `values` [batch, num, ...] with exactly maxNumber entries along axis 1: the first ones, then fillValue. */
  private fit(values: Tensor): Tensor {
    const count = values.shape[1];
    if (count > this.maxNumber) return slice(values, [], values.shape.map((d, i) => (i === 1 ? this.maxNumber : d)));
    if (count < this.maxNumber) return pad(values, values.shape.map((_, i) => (i === 1 ? [0, this.maxNumber - count] : [0, 0]) as [number, number]), 'constant', this.fillValue);
    return values;
  }
}
