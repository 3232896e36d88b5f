// MaxNumBoundingBoxes (keras.layers.MaxNumBoundingBoxes): gives every image the same number of
// bounding boxes, truncating longer lists and padding shorter ones with a fill value, so that
// boxes of different images batch together. It takes Keras's dict of image preprocessing data,
// { images, bounding_boxes: { boxes, labels }, labels?, segmentation_masks? }, and passes
// everything but the boxes through; images alone pass through unchanged.

import { formatShape } from '../backend/types';
import { cast } from '../ops/elementwise';
import { pad, slice } from '../ops/shape';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import type { BoundingBoxes, BoundingBoxFormat } from '../utils/bounding_boxes';
import { checkImageShape } from './image_preprocessing';
import { Layer, type CallArgs, type LayerArgs, type LayerInput } from './layer';
import { isSymbolic, type Shape, type SymbolicTensor } from './symbolic';

export interface MaxNumBoundingBoxesArgs extends LayerArgs {
  /** The number of boxes of every image after the layer (a positive integer). */
  maxNumber: number;
  /** The value of the boxes' coordinates and labels that padding adds (an integer, default -1). */
  fillValue?: number;
  /** The format of the boxes, kept in the config as Keras keeps it; padding does not depend on it. */
  boundingBoxFormat?: BoundingBoxFormat;
}

/** Keras's dict of image preprocessing data: images [batch, height, width, channels] (or one image) and what goes with them. */
export interface ImagePreprocessingData {
  images: Tensor;
  /** Boxes [batch, num, 4] and labels [batch, num] (or [num, 4] and [num] for one image). */
  bounding_boxes?: Required<BoundingBoxes>;
  labels?: Tensor;
  segmentation_masks?: Tensor;
}

const BOX_FORMATS: readonly string[] = ['xyxy', 'yxyx', 'xywh', 'center_xywh', 'center_yxhw', 'rel_xyxy', 'rel_yxyx', 'rel_xywh', 'rel_center_xywh'];

/**
 * Pads or truncates the bounding boxes of each image to `maxNumber`: boxes beyond it are dropped,
 * and missing ones are added with coordinates and label `fillValue`. Boxes become float32; labels
 * keep their dtype. Images (and labels and segmentation masks of the dict) pass through.
 *
 * @example
 * const layer = new MaxNumBoundingBoxes({ maxNumber: 10 });
 * const out = layer.apply({
 *   images,                                           // [1, 224, 224, 3]
 *   bounding_boxes: { boxes: tensor([[[10, 20, 100, 150], [50, 60, 200, 250], [0, 0, 50, 50]]]), labels: tensor([[1, 2, 3]], [1, 3], 'int32') },
 * });
 * out.bounding_boxes!.boxes.shape;    // [1, 10, 4], rows 3 to 9 all -1
 * out.bounding_boxes!.labels.shape;   // [1, 10]
 */
export class MaxNumBoundingBoxes extends Layer {
  readonly maxNumber: number;
  readonly fillValue: number;
  readonly boundingBoxFormat: BoundingBoxFormat | undefined;

  constructor(args: MaxNumBoundingBoxesArgs) {
    super(args);
    const { maxNumber, fillValue = -1, boundingBoxFormat } = args ?? ({} as Partial<MaxNumBoundingBoxesArgs>);
    if (!Number.isInteger(maxNumber) || maxNumber < 1) throw new Error(`Invalid value for argument maxNumber. Expected a positive integer. Received: maxNumber=${JSON.stringify(maxNumber)}`);
    if (!Number.isInteger(fillValue)) throw new Error(`Invalid value for argument fillValue. Expected an integer. Received: fillValue=${JSON.stringify(fillValue)}`);
    if (boundingBoxFormat !== undefined && (typeof boundingBoxFormat !== 'string' || !BOX_FORMATS.includes(boundingBoxFormat.toLowerCase()))) {
      throw new Error(`Invalid value for argument boundingBoxFormat. Expected one of ${BOX_FORMATS.map((f) => `'${f}'`).join(', ')}. Received: boundingBoxFormat=${JSON.stringify(boundingBoxFormat)}`);
    }
    this.maxNumber = maxNumber;
    this.fillValue = fillValue;
    this.boundingBoxFormat = boundingBoxFormat;
  }

  override apply(inputs: ImagePreprocessingData, args?: CallArgs): ImagePreprocessingData;
  override apply(inputs: SymbolicTensor, args?: CallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: CallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor, args?: CallArgs): Tensor;
  override apply(inputs: Tensor[], args?: CallArgs): Tensor | Tensor[];
  override apply(inputs: LayerInput, args?: CallArgs): LayerInput;
  override apply(inputs: ImagePreprocessingData | LayerInput, args?: CallArgs): ImagePreprocessingData | LayerInput {
    const isTensorLike = Array.isArray(inputs) || isSymbolic(inputs) || (inputs as Tensor)?.isTensorInstance === true;
    if (isTensorLike) return super.apply(inputs as LayerInput, args);
    const data = this.checkData(inputs);
    if (!this.built) this.buildOnce([...data.images.shape]);
    if (data.bounding_boxes === undefined) return { ...data };
    const { boxes, labels } = data.bounding_boxes;
    const axis = data.images.rank === 4 ? 1 : 0;
    return tidy(() => ({ ...data, bounding_boxes: { ...data.bounding_boxes, boxes: this.fit(cast(boxes, 'float32'), axis), labels: this.fit(labels, axis) } }));
  }

  /** Images alone pass through (Keras's transform_images of this layer is the identity). */
  override call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    if (Array.isArray(inputs)) throw new Error(`MaxNumBoundingBoxes '${this.name}' takes images, or a dict { images, bounding_boxes }, not a list of ${inputs.length} tensors.`);
    checkImageShape(this, [...inputs.shape]);
    return inputs;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    if (inputShape.length > 0 && Array.isArray(inputShape[0])) throw new Error(`MaxNumBoundingBoxes '${this.name}' takes images, or a dict { images, bounding_boxes }, not a list of inputs.`);
    checkImageShape(this, inputShape as Shape);
    return [...(inputShape as Shape)];
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { ...super.getConfig(), maxNumber: this.maxNumber, fillValue: this.fillValue };
    if (this.boundingBoxFormat !== undefined) config.boundingBoxFormat = this.boundingBoxFormat;
    return config;
  }

  /** `values` with exactly maxNumber entries along `axis`: the first ones, then fillValue. */
  private fit(values: Tensor, axis: number): Tensor {
    const count = values.shape[axis];
    if (count > this.maxNumber) return slice(values, [], values.shape.map((d, i) => (i === axis ? this.maxNumber : d)));
    if (count < this.maxNumber) return pad(values, values.shape.map((_, i) => (i === axis ? [0, this.maxNumber - count] : [0, 0]) as [number, number]), 'constant', this.fillValue);
    return values;
  }

  /** The dict, checked: images of rank 3 or 4, and boxes and labels of matching shapes. */
  private checkData(inputs: unknown): ImagePreprocessingData {
    const where = `MaxNumBoundingBoxes '${this.name}'`;
    const isTensor = (v: unknown): v is Tensor => v !== null && typeof v === 'object' && (v as Tensor).isTensorInstance === true;
    if (inputs === null || typeof inputs !== 'object' || !isTensor((inputs as ImagePreprocessingData).images)) {
      throw new Error(`${where}: expected images, or a dict { images, bounding_boxes: { boxes, labels } } of tensors. Received: ${inputs === null || typeof inputs !== 'object' ? String(inputs) : `an object with keys ${JSON.stringify(Object.keys(inputs))}`}.`);
    }
    const data = inputs as ImagePreprocessingData;
    if (Object.values(data).some(isSymbolic)) throw new Error(`${where}: the dict form takes tensors; symbolic tensors (from Input) go in alone, as images.`);
    checkImageShape(this, [...data.images.shape]);
    if (data.bounding_boxes === undefined) return data;
    const { boxes, labels } = (data.bounding_boxes ?? {}) as Partial<BoundingBoxes>;
    if (!isTensor(boxes) || !isTensor(labels)) {
      throw new Error(`${where}: bounding_boxes must be a dict { boxes, labels } of tensors. Received: ${JSON.stringify(Object.keys(data.bounding_boxes ?? {}))}.`);
    }
    const batched = data.images.rank === 4;
    const boxesShape = batched ? `[${data.images.shape[0]}, num, 4]` : '[num, 4]';
    if (boxes.rank !== data.images.rank - 1 || boxes.shape.at(-1) !== 4 || (batched && boxes.shape[0] !== data.images.shape[0])) {
      throw new Error(`${where}: for images of shape ${formatShape(data.images.shape)}, boxes must have shape ${boxesShape}. Received: boxes.shape=${formatShape(boxes.shape)}.`);
    }
    const labelsShape = boxes.shape.slice(0, -1);
    if (labels.rank !== labelsShape.length || labels.shape.some((d, i) => d !== labelsShape[i])) {
      throw new Error(`${where}: labels must have one entry per box, shape ${formatShape(labelsShape)}. Received: boxes.shape=${formatShape(boxes.shape)}, labels.shape=${formatShape(labels.shape)}.`);
    }
    return data;
  }
}
