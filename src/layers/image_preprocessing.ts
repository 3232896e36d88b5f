// Image preprocessing and augmentation layers (keras/src/layers/preprocessing/image_preprocessing):
// Resizing and CenterCrop, which act in training and inference alike, and the random
// augmentations RandomCrop, RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
// RandomContrast and RandomBrightness, which act in training and when called without a training
// flag (Keras's `training=True` default), and return their input with `training: false` (as
// predict and evaluate pass). Images are channels last, [batch, height, width,
// channels] or one [height, width, channels] image. The random factors are drawn on the device by
// the random ops and turned into transforms by ops, so nothing is read back; without a seed each
// draw takes a fresh seed, which a replayed training step draws again (see src/ops/random.ts).
// The bases ImagePreprocessingLayer (Keras's dict form: images with boxes, masks and labels, all
// transformed by one draw), RandomImageLayer and RandomTransformLayer, and the option checks, are
// shared with the augmentation layers of the other *_augmentation.ts files.

import { imageDataFormat } from '../backend/config';
import { formatShape } from '../backend/types';
import { add, cast, clip, cos, divide, equal, floor, less, lessEqual, logicalOr, maximum, minimum, mul, neg, sin, sub, where } from '../ops/elementwise';
import { affineTransform, aspectRatioWindow, resize, RESIZE_INTERPOLATIONS, type FillMode, type ImageInterpolation, type ResizeInterpolation } from '../ops/image';
import { randomNormal, randomUniform } from '../ops/random';
import { flip } from '../ops/rearrange';
import { all, mean } from '../ops/reduce';
import { concat, expandDims, gather, reshape, slice, split, squeeze, stack } from '../ops/shape';
import { arange, zeros } from '../ops/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';
import { affineTransform as affineBoxes, BOUNDING_BOX_FORMATS, clipToImageSize, convertFormat, type BoundingBoxes, type BoundingBoxFormat } from '../utils/bounding_boxes';
import { Layer, type CallArgs, type LayerArgs, type LayerInput } from './layer';
import { checkSeed, SeedSequence } from './layer_utils';
import { formatSymbolicShape, isSymbolic, type Shape, type SymbolicTensor } from './symbolic';

export const INTERPOLATIONS: readonly ImageInterpolation[] = ['bilinear', 'nearest'];
export const FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];
const FLIP_MODES = ['horizontal', 'vertical', 'horizontal_and_vertical'] as const;

/** A factor given as one number (a range symmetric about 0, or as the layer says) or as [lower, upper]. */
export type FactorRange = number | readonly [number, number];
export type FlipMode = (typeof FLIP_MODES)[number];

export function invalid(name: string, expected: string, value: unknown): Error {
  return new Error(`Invalid value for argument \`${name}\`. Expected ${expected}. Received: ${name}=${JSON.stringify(value)}`);
}

function checkSize(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) <= 0) throw invalid(name, 'a positive integer', value);
  return value as number;
}

export function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw invalid(name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  return value as T;
}

export function checkFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, 'a finite number', value);
  return value;
}

/**
 * [lower, upper] of a factor whose values must lie in [min, max]. One number f means [-|f|, |f|],
 * or [f, f] where the bounds are not negative (RandomContrast's factor, which Keras reads so),
 * unless `single` says otherwise.
 */
export function factorRange(name: string, factor: unknown, min: number, max: number, single?: (f: number) => [number, number]): [number, number] {
  const error = () => invalid(name, `a number or a list of two numbers [lower, upper], each in [${min}, ${max}]`, factor);
  const inBounds = (v: unknown) => typeof v === 'number' && v >= min && v <= max;
  if (typeof factor === 'number') {
    if (!inBounds(factor)) throw error();
    if (single) return single(factor);
    return min >= 0 ? [factor, factor] : [-Math.abs(factor), Math.abs(factor)];
  }
  if (!Array.isArray(factor) || factor.length !== 2 || !factor.every(inBounds)) throw error();
  return factor[0] <= factor[1] ? [factor[0], factor[1]] : [factor[1], factor[0]];
}

export function checkValueRange(value: unknown): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw invalid('valueRange', 'a list of two numbers [low, high]', value);
  }
  return value[0] <= value[1] ? [value[0], value[1]] : [value[1], value[0]];
}

/** A config copy of a factor as given. */
export const copyFactor = (factor: FactorRange): FactorRange => (typeof factor === 'number' ? factor : [factor[0], factor[1]]);

/** Runs `fn` on the images as a float32 batch; a single image gains and loses the batch axis. */
function onBatch(inputs: Tensor, fn: (batch: Tensor) => Tensor): Tensor {
  return tidy(() => {
    const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
    if (x.rank === 4) return fn(x);
    const result = fn(reshape(x, [1, ...x.shape]));
    return reshape(result, result.shape.slice(1));
  });
}

/** Throws unless the images are rank 3 or 4 (channels last). */
export function checkImageShape(layer: Layer, shape: Shape): void {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new Error(`${layer.constructor.name} '${layer.name}': expected images of rank 3 [height, width, channels] or 4 [batch, height, width, channels] (channels last). Received: input_shape=${formatSymbolicShape(shape)}`);
  }
}

/** The input shape with height and width replaced. */
function withSpatialSize(shape: Shape, height: number, width: number): Shape {
  const out = [...shape];
  out[out.length - 3] = height;
  out[out.length - 2] = width;
  return out;
}

/** Keras's dict of image preprocessing data: images [batch, height, width, channels] (or one image) and what goes with them. */
export interface ImagePreprocessingData {
  images: Tensor;
  /** Boxes [batch, num, 4] and labels [batch, num] (or [num, 4] and [num] for one image). */
  bounding_boxes?: Required<BoundingBoxes>;
  labels?: Tensor;
  segmentation_masks?: Tensor;
}

/** Keras's dict as the layers transform it: a float32 batch of images, and boxes (in the layer's format) and masks batched alike. */
export interface ImageBatch {
  images: Tensor;
  boundingBoxes?: Required<BoundingBoxes>;
  segmentationMasks?: Tensor;
}

const isTensor = (value: unknown): value is Tensor => value !== null && typeof value === 'object' && (value as Tensor).isTensorInstance === true;

/**
 * What the image preprocessing layers share (Keras's BaseImagePreprocessingLayer): they take
 * images, or Keras's dict `{ images, labels?, bounding_boxes?: { boxes, labels },
 * segmentation_masks? }`, whose parts are all transformed by one draw of the layer's
 * transformation and returned under the same keys. Boxes need the layer's `boundingBoxFormat`;
 * labels pass through.
 */
export abstract class ImagePreprocessingLayer extends Layer {
  /** The format of the dict's bounding boxes (Keras's bounding_box_format); needed to pass boxes. */
  readonly boundingBoxFormat: BoundingBoxFormat | undefined;
  /** The dict of the `apply` in progress, taken by `call`; its result, returned by `apply`. */
  private dataInFlight: ImagePreprocessingData | null = null;
  private dataResult: ImagePreprocessingData | null = null;

  protected constructor(args: LayerArgs & { boundingBoxFormat?: BoundingBoxFormat }) {
    super(args);
    // Keras's image preprocessing layers follow the global image data format; these take channels-last images only.
    if (imageDataFormat() !== 'channels_last') {
      throw new Error(`${this.constructor.name}: this library's image preprocessing layers take channels-last images only, but config.imageDataFormat() is '${imageDataFormat()}'. Call config.setImageDataFormat('channels_last') before making this layer.`);
    }
    const format = args?.boundingBoxFormat;
    if (format !== undefined && (typeof format !== 'string' || !BOUNDING_BOX_FORMATS.includes(format.toLowerCase() as BoundingBoxFormat))) {
      throw invalid('boundingBoxFormat', `one of ${BOUNDING_BOX_FORMATS.map((f) => `'${f}'`).join(', ')}`, format);
    }
    this.boundingBoxFormat = format === undefined ? undefined : (format.toLowerCase() as BoundingBoxFormat);
  }

  override apply(inputs: ImagePreprocessingData, args?: CallArgs): ImagePreprocessingData;
  override apply(inputs: SymbolicTensor, args?: CallArgs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], args?: CallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor, args?: CallArgs): Tensor;
  override apply(inputs: Tensor[], args?: CallArgs): Tensor | Tensor[];
  override apply(inputs: LayerInput, args?: CallArgs): LayerInput;
  override apply(inputs: ImagePreprocessingData | LayerInput, args?: CallArgs): ImagePreprocessingData | LayerInput {
    const isTensorLike = Array.isArray(inputs) || isSymbolic(inputs) || isTensor(inputs);
    if (isTensorLike) return super.apply(inputs as LayerInput, args);
    // The dict goes through Layer.apply with its images, so that the training flag, the build and
    // the option checks are those of an images-only call; `call` takes the rest from here.
    this.dataInFlight = this.checkData(inputs);
    try {
      super.apply(this.dataInFlight.images, args);
      return this.dataResult!;
    } finally {
      this.dataInFlight = null;
      this.dataResult = null;
    }
  }

  override call(inputs: Tensor | Tensor[], { training = false }: CallArgs = {}): Tensor {
    if (Array.isArray(inputs)) throw new Error(`${this.constructor.name} '${this.name}' takes images, or a dict { images, bounding_boxes?, segmentation_masks?, labels? }, not a list of ${inputs.length} tensors.`);
    checkImageShape(this, inputs.shape as Shape);
    const data = this.dataInFlight;
    this.dataInFlight = null;
    if (data === null) return this.callImages(inputs, training);
    this.dataResult = this.actsWhen(training) ? this.transformData(data, training) : { ...data };
    return this.dataResult.images;
  }

  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    return this.boundingBoxFormat === undefined ? config : { ...config, boundingBoxFormat: this.boundingBoxFormat };
  }

  /** The layer on images alone (rank 3 or 4, any dtype). */
  protected abstract callImages(inputs: Tensor, training: boolean): Tensor;

  /** The layer on a dict's batch: the images, boxes and masks transformed by one draw. */
  protected abstract transformBatch(batch: ImageBatch, training: boolean): ImageBatch;

  /** Whether the layer changes its inputs with this training flag (the random layers act in training only). */
  protected actsWhen(_training: boolean): boolean {
    return true;
  }

  /**
   * Boxes (the layer's format, on images [height, width]) moved by `move`, which takes and gives
   * 'xyxy' boxes in pixels, then clipped to the output image [outHeight, outWidth] (a box left
   * empty gets label -1) and given in the layer's format on the output.
   */
  protected moveBoxes(boundingBoxes: Required<BoundingBoxes>, [height, width]: [number, number], [outHeight, outWidth]: [number, number], move: (boxes: Tensor) => Tensor): Required<BoundingBoxes> {
    const format = this.requireBoxFormat();
    return tidy(() => {
      const pixels = convertFormat(boundingBoxes.boxes, { source: format, target: 'xyxy', height, width });
      const clipped = clipToImageSize({ boxes: move(pixels), labels: boundingBoxes.labels }, { height: outHeight, width: outWidth });
      return { boxes: convertFormat(clipped.boxes, { source: 'xyxy', target: format, height: outHeight, width: outWidth }), labels: clipped.labels };
    });
  }

  /** The layer's box format; an error when boxes come without one, as in Keras. */
  protected requireBoxFormat(): BoundingBoxFormat {
    if (this.boundingBoxFormat === undefined) {
      throw new Error(`${this.constructor.name} '${this.name}': the input has bounding boxes but the layer has no box format. Pass a \`boundingBoxFormat\` option to the layer, e.g. \`boundingBoxFormat: 'xyxy'\`.`);
    }
    return this.boundingBoxFormat;
  }

  /** The dict batched (a single image gains a batch axis), transformed, and unbatched again. */
  private transformData(data: ImagePreprocessingData, training: boolean): ImagePreprocessingData {
    return tidy(() => {
      const single = data.images.rank === 3;
      const batched = (t: Tensor) => (single ? expandDims(t, 0) : t);
      const unbatched = (t: Tensor) => (single ? squeeze(t, 0) : t);
      const images = batched(data.images.dtype === 'float32' ? data.images : cast(data.images, 'float32'));
      const boxes = data.bounding_boxes;
      const out = this.transformBatch({
        images,
        boundingBoxes: boxes && { boxes: batched(cast(boxes.boxes, 'float32')), labels: batched(boxes.labels) },
        segmentationMasks: data.segmentation_masks && batched(data.segmentation_masks),
      }, training);
      const result: ImagePreprocessingData = { ...data, images: unbatched(out.images) };
      if (out.boundingBoxes) result.bounding_boxes = { ...data.bounding_boxes, boxes: unbatched(out.boundingBoxes.boxes), labels: unbatched(out.boundingBoxes.labels) };
      if (out.segmentationMasks) result.segmentation_masks = unbatched(out.segmentationMasks);
      return result;
    });
  }

  /** The dict, checked before any op runs: images of rank 3 or 4, and boxes, labels and masks of matching shapes. */
  private checkData(inputs: unknown): ImagePreprocessingData {
    const where = `${this.constructor.name} '${this.name}'`;
    if (inputs === null || typeof inputs !== 'object' || !isTensor((inputs as ImagePreprocessingData).images)) {
      throw new Error(`${where}: expected images, or a dict { images, bounding_boxes?: { boxes, labels }, segmentation_masks?, labels? } of tensors. Received: ${inputs === null || typeof inputs !== 'object' ? String(inputs) : `an object with keys ${JSON.stringify(Object.keys(inputs))}`}.`);
    }
    const data = inputs as ImagePreprocessingData;
    if (Object.values(data).some(isSymbolic)) throw new Error(`${where}: the dict form takes tensors; symbolic tensors (from Input) go in alone, as images.`);
    const images = data.images;
    checkImageShape(this, [...images.shape]);
    const batched = images.rank === 4;
    if (data.bounding_boxes !== undefined) {
      const { boxes, labels } = (data.bounding_boxes ?? {}) as Partial<BoundingBoxes>;
      if (!isTensor(boxes) || !isTensor(labels)) {
        throw new Error(`${where}: bounding_boxes must be a dict { boxes, labels } of tensors. Received: ${JSON.stringify(Object.keys(data.bounding_boxes ?? {}))}.`);
      }
      if (boxes.rank !== images.rank - 1 || boxes.shape.at(-1) !== 4 || (batched && boxes.shape[0] !== images.shape[0])) {
        throw new Error(`${where}: for images of shape ${formatShape(images.shape)}, boxes must have shape ${batched ? `[${images.shape[0]}, num, 4]` : '[num, 4]'}. Received: boxes.shape=${formatShape(boxes.shape)}.`);
      }
      const labelsShape = boxes.shape.slice(0, -1);
      if (labels.rank !== labelsShape.length || labels.shape.some((d, i) => d !== labelsShape[i])) {
        throw new Error(`${where}: bounding box labels must have one entry per box, shape ${formatShape(labelsShape)}. Received: boxes.shape=${formatShape(boxes.shape)}, labels.shape=${formatShape(labels.shape)}.`);
      }
      this.requireBoxFormat();
    }
    const masks = data.segmentation_masks;
    if (masks !== undefined) {
      const spatial = images.shape.slice(0, -1);
      if (!isTensor(masks) || masks.rank !== images.rank || spatial.some((d, i) => d !== masks.shape[i])) {
        throw new Error(`${where}: segmentation_masks must be a tensor of shape [${spatial.join(', ')}, classes] for images of shape ${formatShape(images.shape)}. Received: ${isTensor(masks) ? `segmentation_masks.shape=${formatShape(masks.shape)}` : String(masks)}.`);
      }
    }
    if (data.labels !== undefined && !isTensor(data.labels)) throw new Error(`${where}: labels must be a tensor. Received: ${String(data.labels)}.`);
    return data;
  }
}

/** Masks transformed as images by `transform` (on float32) and given back in their dtype, as Keras keeps class indices. */
export function asImages(masks: Tensor, transform: (images: Tensor) => Tensor): Tensor {
  if (masks.dtype === 'float32') return transform(masks);
  return cast(transform(cast(masks, 'float32')), masks.dtype);
}

export interface ImagePreprocessingArgs extends LayerArgs {
  /** The format of the boxes of a dict input (Keras's bounding_box_format); needed to pass bounding_boxes. */
  boundingBoxFormat?: BoundingBoxFormat;
}

export interface ResizingArgs extends ImagePreprocessingArgs {
  /** Output height. */
  height: number;
  /** Output width. */
  width: number;
  /** 'bilinear' (default), 'nearest', 'bicubic', 'lanczos3', 'lanczos5' or 'area', as ops.resize. */
  interpolation?: ResizeInterpolation;
  /** Low-pass filters while downsampling ('bilinear', 'bicubic', Lanczos; default false), as ops.resize. */
  antialias?: boolean;
  /** Crops the largest centered window with the target aspect ratio first (default false). */
  cropToAspectRatio?: boolean;
  /** Pads to the target aspect ratio first, centered, with `fillValue` (default false). */
  padToAspectRatio?: boolean;
  /** How the padding is filled: 'constant' only, as Keras's Resizing. */
  fillMode?: 'constant';
  /** The padding's value (default 0). */
  fillValue?: number;
}

/**
 * Resizes images to `[height, width]` with ops.resize (its interpolations and antialias), in
 * training and inference, after cropping or padding them to the target aspect ratio when asked.
 * Integer images become float32. In Keras's dict, boxes are scaled (and cropped or padded) with
 * the images and clipped to them, all-0 and all--1 (padding) boxes staying 0; segmentation
 * masks are resized with 'nearest' and keep their dtype.
 *
 * @example
 * const model = new Sequential([new Resizing({ height: 32, width: 32, inputShape: [64, 48, 3] }), ...]);
 * new Resizing({ height: 224, width: 224, cropToAspectRatio: true }).apply(photos);
 * new Resizing({ height: 64, width: 64, interpolation: 'bicubic', antialias: true }).apply(photos);
 * new Resizing({ height: 32, width: 32, boundingBoxFormat: 'xyxy' }).apply({ images, bounding_boxes: { boxes, labels } });
 */
export class Resizing extends ImagePreprocessingLayer {
  readonly height: number;
  readonly width: number;
  readonly interpolation: ResizeInterpolation;
  readonly antialias: boolean;
  readonly cropToAspectRatio: boolean;
  readonly padToAspectRatio: boolean;
  readonly fillMode: 'constant';
  readonly fillValue: number;

  constructor(args: ResizingArgs) {
    super(args);
    this.height = checkSize('height', args?.height);
    this.width = checkSize('width', args.width);
    this.interpolation = checkChoice('interpolation', args.interpolation ?? 'bilinear', RESIZE_INTERPOLATIONS);
    this.antialias = args.antialias ?? false;
    if (typeof this.antialias !== 'boolean') throw invalid('antialias', 'a boolean', args.antialias);
    this.cropToAspectRatio = args.cropToAspectRatio ?? false;
    this.padToAspectRatio = args.padToAspectRatio ?? false;
    if (this.cropToAspectRatio && this.padToAspectRatio) throw new Error('Resizing: Only one of `padToAspectRatio` & `cropToAspectRatio` can be `true`.');
    this.fillMode = checkChoice('fillMode', args.fillMode ?? 'constant', ['constant'] as const);
    this.fillValue = args.fillValue ?? 0;
    if (typeof this.fillValue !== 'number' || !Number.isFinite(this.fillValue)) throw invalid('fillValue', 'a finite number', args.fillValue);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return withSpatialSize(inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    const { height, width, interpolation, antialias, cropToAspectRatio, padToAspectRatio, fillMode, fillValue } = this;
    return { ...super.getConfig(), height, width, interpolation, antialias, cropToAspectRatio, padToAspectRatio, fillMode, fillValue };
  }

  /**
   * Boxes [batch, num, 4] in the layer's format on images of `imageShape` ([height, width]) moved
   * as the images are resized, as Keras's transform_bounding_boxes.
   */
  transformBoundingBoxes(boundingBoxes: Required<BoundingBoxes>, imageShape: [number, number]): Required<BoundingBoxes> {
    const [height, width] = imageShape;
    return tidy(() => {
      // Keras leaves boxes of all 0 or all -1 (padding) at 0.
      const padding = expandDims(logicalOr(all(equal(boundingBoxes.boxes, -1), -1), all(equal(boundingBoxes.boxes, 0), -1)), -1);
      const moved = this.moveBoxes(boundingBoxes, [height, width], [this.height, this.width], (boxes) => this.scaleBoxes(boxes, height, width));
      return { boxes: where(padding, 0, moved.boxes), labels: moved.labels };
    });
  }

  protected override callImages(inputs: Tensor): Tensor {
    return onBatch(inputs, (x) => this.resizeImages(x, this.interpolation));
  }

  protected override transformBatch({ images, boundingBoxes, segmentationMasks }: ImageBatch): ImageBatch {
    return {
      images: this.resizeImages(images, this.interpolation),
      boundingBoxes: boundingBoxes && this.transformBoundingBoxes(boundingBoxes, [images.shape[1], images.shape[2]]),
      segmentationMasks: segmentationMasks && asImages(segmentationMasks, (masks) => this.resizeImages(masks, 'nearest')),
    };
  }

  private resizeImages(images: Tensor, interpolation: ResizeInterpolation): Tensor {
    const { antialias, cropToAspectRatio, padToAspectRatio, fillMode, fillValue } = this;
    return resize(images, [this.height, this.width], { interpolation, antialias, cropToAspectRatio, padToAspectRatio, fillMode, fillValue, dataFormat: 'channels_last' });
  }

  /** 'xyxy' boxes in pixels of an image [height, width] scaled to the output, after Keras's crop or pad to the aspect ratio. */
  private scaleBoxes(boxes: Tensor, height: number, width: number): Tensor {
    let [scaleX, scaleY, left, top] = [this.width / width, this.height / height, 0, 0];
    if (this.padToAspectRatio) {
      const scale = Math.min(scaleX, scaleY);
      [scaleX, scaleY] = [scale, scale];
      [left, top] = [Math.floor((this.width - width * scale) / 2), Math.floor((this.height - height * scale) / 2)];
    } else if (this.cropToAspectRatio) {
      const sourceRatio = width / height;
      const wider = sourceRatio > this.width / this.height;
      const newWidth = wider ? this.height * sourceRatio : this.width;
      const newHeight = wider ? this.height : this.width / sourceRatio;
      [scaleX, scaleY] = [newWidth / width, newHeight / height];
      [left, top] = [-Math.floor((newWidth - this.width) / 2), -Math.floor((newHeight - this.height) / 2)];
    }
    const [x1, y1, x2, y2] = split(boxes, 4, -1);
    const along = (v: Tensor, scale: number, offset: number) => add(mul(v, scale), offset);
    return concat([along(x1, scaleX, left), along(y1, scaleY, top), along(x2, scaleX, left), along(y2, scaleY, top)], -1);
  }
}

export interface CenterCropArgs extends ImagePreprocessingArgs {
  /** Output height. */
  height: number;
  /** Output width. */
  width: number;
}

/**
 * Crops the central `[height, width]` window of each image, in training and inference. An image
 * smaller than the window along either axis is instead resized to it (bilinear, after cropping
 * to the target aspect ratio), as Keras does. In Keras's dict, boxes move with the window and are
 * clipped to it, and segmentation masks are cropped alike (resized with 'nearest').
 *
 * @example
 * new CenterCrop({ height: 24, width: 24 }).apply(images);   // [batch, 32, 32, 3] -> [batch, 24, 24, 3]
 */
export class CenterCrop extends ImagePreprocessingLayer {
  readonly height: number;
  readonly width: number;

  constructor(args: CenterCropArgs) {
    super(args);
    this.height = checkSize('height', args?.height);
    this.width = checkSize('width', args.width);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return withSpatialSize(inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }

  /** Boxes [batch, num, 4] in the layer's format on images of `imageShape` ([height, width]) moved with the crop, as Keras's transform_bounding_boxes. */
  transformBoundingBoxes(boundingBoxes: Required<BoundingBoxes>, imageShape: [number, number]): Required<BoundingBoxes> {
    const [height, width] = imageShape;
    const inside = height >= this.height && width >= this.width;
    const [top, left, cropHeight, cropWidth] = inside
      ? [Math.trunc((height - this.height) / 2), Math.trunc((width - this.width) / 2), this.height, this.width]
      : aspectRatioWindow(height, width, this.height, this.width);
    return this.moveBoxes(boundingBoxes, [height, width], [this.height, this.width], (boxes) => cropBoxes(boxes, top, left, cropHeight, cropWidth, this.height, this.width));
  }

  protected override callImages(inputs: Tensor): Tensor {
    return onBatch(inputs, (x) => this.crop(x, 'bilinear'));
  }

  protected override transformBatch({ images, boundingBoxes, segmentationMasks }: ImageBatch): ImageBatch {
    return {
      images: this.crop(images, 'bilinear'),
      boundingBoxes: boundingBoxes && this.transformBoundingBoxes(boundingBoxes, [images.shape[1], images.shape[2]]),
      segmentationMasks: segmentationMasks && asImages(segmentationMasks, (masks) => this.crop(masks, 'nearest')),
    };
  }

  private crop(images: Tensor, interpolation: 'bilinear' | 'nearest'): Tensor {
    const [batch, height, width, channels] = images.shape;
    if (height < this.height || width < this.width) return resize(images, [this.height, this.width], { interpolation, cropToAspectRatio: true, dataFormat: 'channels_last' });
    const top = Math.trunc((height - this.height) / 2);
    const left = Math.trunc((width - this.width) / 2);
    return slice(images, [0, top, left, 0], [batch, this.height, this.width, channels]);
  }
}

/**
 * 'xyxy' boxes in pixels clipped to the window [top, top + cropHeight) x [left, left + cropWidth)
 * (numbers, or tensors broadcasting against the boxes' columns), shifted to it, and scaled from
 * the window's size to [outHeight, outWidth] (Keras's crop, and crop-then-resize, of boxes).
 */
function cropBoxes(boxes: Tensor, top: Tensor | number, left: Tensor | number, cropHeight: number, cropWidth: number, outHeight: number, outWidth: number): Tensor {
  const [x1, y1, x2, y2] = split(boxes, 4, -1);
  const along = (v: Tensor, start: Tensor | number, size: number, out: number) => {
    const inWindow = sub(minimum(maximum(v, start), add(start, size)), start);
    return size === out ? inWindow : mul(inWindow, out / size);
  };
  return concat([along(x1, left, cropWidth, outWidth), along(y1, top, cropHeight, outHeight), along(x2, left, cropWidth, outWidth), along(y2, top, cropHeight, outHeight)], -1);
}

export interface RandomLayerArgs extends ImagePreprocessingArgs {
  seed?: number;
}

/**
 * What the random augmentation layers share: the identity with `training: false`, channels-last images
 * of rank 3 or 4 made a float32 batch, and the seeds of the random draws. In Keras's dict, a
 * layer that does not move pixels (the color and tone layers) passes boxes and segmentation
 * masks through; the geometric ones (RandomTransformLayer) move them with the images.
 */
export abstract class RandomImageLayer extends ImagePreprocessingLayer {
  /** As Keras's `call(data, training=True)`: applied directly, the layer augments. */
  protected override readonly trainingDefault = true;
  readonly seed: number | undefined;
  private readonly seeds: SeedSequence;

  protected constructor(args: RandomLayerArgs) {
    super(args);
    this.seed = checkSeed(args?.seed);
    this.seeds = new SeedSequence(this.seed);
  }

  /** The augmentation of a float32 batch [batch, height, width, channels]. */
  protected abstract augment(images: Tensor): Tensor;

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return [...inputShape];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.seed };
  }

  protected override callImages(inputs: Tensor, training: boolean): Tensor {
    if (!training) return inputs;
    return onBatch(inputs, (x) => this.augment(x));
  }

  protected override actsWhen(training: boolean): boolean {
    return training;
  }

  /** The images augmented; boxes and masks unchanged, as Keras's color and tone layers leave them. */
  protected override transformBatch(batch: ImageBatch, _training: boolean): ImageBatch {
    return { ...batch, images: this.augment(batch.images) };
  }

  /** Uniform values in [low, high) of `shape`, seeded as Dropout's masks are. */
  protected uniform(shape: number[], low: number, high: number): Tensor {
    return randomUniform(shape, { minval: low, maxval: high, seed: this.seeds.next() });
  }

  /** Standard normal values of `shape`, seeded as `uniform`. */
  protected normal(shape: number[]): Tensor {
    return randomNormal(shape, { seed: this.seeds.next() });
  }

  /** One value per image in [low, high), shaped [batch, 1, 1, 1] to broadcast over its pixels. */
  protected perImage(images: Tensor, [low, high]: readonly [number, number]): Tensor {
    return this.uniform([images.shape[0], 1, 1, 1], low, high);
  }

  /** A [batch, 1, 1, 1] boolean: true with probability `probability` per image. */
  protected chance(images: Tensor, probability: Tensor | number): Tensor {
    return less(this.perImage(images, [0, 1]), probability);
  }

  /** The error for a part of the dict ('bounding_boxes', 'segmentation_masks') that the layer cannot transform; `why` says why. */
  protected unsupported(key: string, why: string): Error {
    return new Error(`${this.constructor.name} '${this.name}' does not transform ${key} (${why}); pass the dict without ${key}.`);
  }
}

/** What every transformation of a geometric layer carries: the size of the images it was drawn for. */
export interface ImageTransformation {
  /** The images' height. */
  imageHeight: number;
  /** The images' width. */
  imageWidth: number;
}

/**
 * A random layer that moves pixels, split as Keras's: `getRandomTransformation` draws the
 * parameters on the device, and `transformImages`, `transformBoundingBoxes` and
 * `transformSegmentationMasks` apply one draw to each part of the dict, so nothing is read back
 * and a caller can replay a transformation, or make one of its own.
 */
export abstract class RandomTransformLayer<T extends ImageTransformation> extends RandomImageLayer {
  /** Draws the parameters for a float32 batch of images [batch, height, width, channels] (RandomCrop's depend on the training flag). */
  abstract getRandomTransformation(images: Tensor, training?: boolean): T;

  /** The float32 batch of images transformed. */
  abstract transformImages(images: Tensor, transformation: T): Tensor;

  /**
   * Boxes [batch, num, 4] (with labels [batch, num]) in the layer's `boundingBoxFormat` moved as
   * the images are, clipped to the output image; boxes left empty get the label -1.
   */
  abstract transformBoundingBoxes(boundingBoxes: Required<BoundingBoxes>, transformation: T): Required<BoundingBoxes>;

  /** Segmentation masks [batch, height, width, classes] transformed as the images, with 'nearest' interpolation; they keep their dtype. */
  abstract transformSegmentationMasks(masks: Tensor, transformation: T): Tensor;

  protected override augment(images: Tensor): Tensor {
    return this.transformImages(images, this.getRandomTransformation(images));
  }

  protected override transformBatch({ images, boundingBoxes, segmentationMasks }: ImageBatch, training: boolean): ImageBatch {
    const transformation = this.getRandomTransformation(images, training);
    return {
      images: this.transformImages(images, transformation),
      boundingBoxes: boundingBoxes && this.transformBoundingBoxes(boundingBoxes, transformation),
      segmentationMasks: segmentationMasks && this.transformSegmentationMasks(segmentationMasks, transformation),
    };
  }
}

/**
 * A random image layer with Keras's `factor` (what its draws come from) and `valueRange` (the
 * pixels' [low, high], default [0, 255]), both kept in its config.
 */
export abstract class FactorImageLayer extends RandomImageLayer {
  readonly factor: FactorRange;
  readonly valueRange: [number, number];
  /** The range the layer's factors are drawn from. */
  protected readonly range: [number, number];

  /** `toRange` checks the factor and gives its range; `defaultFactor` stands for a factor left out. */
  protected constructor(
    args: RandomLayerArgs & { factor?: FactorRange; valueRange?: readonly [number, number] },
    toRange: (factor: FactorRange | undefined) => [number, number],
    defaultFactor?: FactorRange,
  ) {
    super(args);
    const factor = args?.factor ?? defaultFactor;
    this.range = toRange(factor);
    this.factor = copyFactor(factor!);
    this.valueRange = checkValueRange(args.valueRange ?? [0, 255]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: copyFactor(this.factor), valueRange: [...this.valueRange] };
  }
}

export interface RandomCropArgs extends RandomLayerArgs {
  /** Output height. */
  height: number;
  /** Output width. */
  width: number;
  /** Makes the sequence of crops reproducible. */
  seed?: number;
}

/** The parameters of one RandomCrop call: the window taken from the images, resized to the layer's size when it differs. */
export interface CropTransformation extends ImageTransformation {
  /** The window's top row: a [1] int32 tensor (a random window) or a number (the centered one). */
  top: Tensor | number;
  /** The window's left column, as top. */
  left: Tensor | number;
  /** The window's height. */
  cropHeight: number;
  /** The window's width. */
  cropWidth: number;
}

/**
 * Crops a random `[height, width]` window in training, at one position for the whole batch (as
 * Keras). In inference, and in training when an image is not larger than the window along both
 * axes, it takes the largest centered window with the target aspect ratio and resizes it
 * (bilinear) to `[height, width]`, so the output shape is the same in both modes. In Keras's dict,
 * boxes move with the window (and scale with the resize) and are clipped to it; segmentation
 * masks are cropped alike (resized with 'nearest').
 *
 * @example
 * new RandomCrop({ height: 28, width: 28, seed: 1 }).apply(images, { training: true });
 */
export class RandomCrop extends RandomTransformLayer<CropTransformation> {
  readonly height: number;
  readonly width: number;

  constructor(args: RandomCropArgs) {
    super(args);
    this.height = checkSize('height', args?.height);
    this.width = checkSize('width', args.width);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    checkImageShape(this, inputShape);
    return withSpatialSize(inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }

  /** Draws the window for a float32 batch; the centered window of the target aspect ratio in inference, or when the images are not larger than the crop. */
  getRandomTransformation(images: Tensor, training = true): CropTransformation {
    const [, height, width] = images.shape;
    const base = { imageHeight: height, imageWidth: width };
    if (!(training && height > this.height && width > this.width)) {
      const [top, left, cropHeight, cropWidth] = aspectRatioWindow(height, width, this.height, this.width);
      return { ...base, top, left, cropHeight, cropWidth };
    }
    return { ...base, top: this.uniformInt(height - this.height + 1), left: this.uniformInt(width - this.width + 1), cropHeight: this.height, cropWidth: this.width };
  }

  transformImages(images: Tensor, transformation: CropTransformation): Tensor {
    return this.cropImages(images, transformation, 'bilinear');
  }

  transformBoundingBoxes(boundingBoxes: Required<BoundingBoxes>, transformation: CropTransformation): Required<BoundingBoxes> {
    const { top, left, cropHeight, cropWidth, imageHeight, imageWidth } = transformation;
    return this.moveBoxes(boundingBoxes, [imageHeight, imageWidth], [this.height, this.width], (boxes) => cropBoxes(boxes, top, left, cropHeight, cropWidth, this.height, this.width));
  }

  transformSegmentationMasks(masks: Tensor, transformation: CropTransformation): Tensor {
    return this.cropImages(masks, transformation, 'nearest');
  }

  protected override callImages(inputs: Tensor, training: boolean): Tensor {
    return onBatch(inputs, (x) => this.transformImages(x, this.getRandomTransformation(x, training)));
  }

  protected override actsWhen(): boolean {
    return true;
  }

  /** One random integer in [0, count), as a [1] int32 tensor. */
  private uniformInt(count: number): Tensor {
    return cast(floor(mul(this.uniform([1], 0, 1), count)), 'int32');
  }

  private cropImages(images: Tensor, { top, left, cropHeight, cropWidth }: CropTransformation, interpolation: 'bilinear' | 'nearest'): Tensor {
    if (typeof top !== 'number' || typeof left !== 'number') {
      const rows = add(arange(0, cropHeight, 1, 'int32'), top);
      const columns = add(arange(0, cropWidth, 1, 'int32'), left);
      return gather(gather(images, rows, 1), columns, 2);
    }
    const [batch, , , channels] = images.shape;
    const window = slice(images, [0, top, left, 0], [batch, cropHeight, cropWidth, channels]);
    if (cropHeight === this.height && cropWidth === this.width) return window;
    return asImages(window, (x) => resize(x, [this.height, this.width], { interpolation, dataFormat: 'channels_last' }));
  }
}

export interface RandomFlipArgs extends RandomLayerArgs {
  /** 'horizontal', 'vertical' or 'horizontal_and_vertical' (default). */
  mode?: FlipMode;
  /** Makes the sequence of flips reproducible. */
  seed?: number;
}

/** The parameters of one RandomFlip call. */
export interface FlipTransformation extends ImageTransformation {
  /** [batch, 1, 1, 1] boolean: which images are flipped. */
  flips: Tensor;
}

/**
 * Flips each image with probability 1/2 in training: left-right ('horizontal'), upside down
 * ('vertical'), or both at once ('horizontal_and_vertical', one draw per image, as Keras 3).
 * In Keras's dict, boxes and segmentation masks flip with their images.
 *
 * @example
 * new RandomFlip({ mode: 'horizontal', seed: 3 }).apply(images, { training: true });
 */
export class RandomFlip extends RandomTransformLayer<FlipTransformation> {
  readonly mode: FlipMode;

  constructor(args: RandomFlipArgs = {}) {
    super(args);
    this.mode = checkChoice('mode', args.mode ?? 'horizontal_and_vertical', FLIP_MODES);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode };
  }

  getRandomTransformation(images: Tensor): FlipTransformation {
    const [batch, imageHeight, imageWidth] = images.shape;
    return { flips: lessEqual(this.uniform([batch, 1, 1, 1], 0, 1), 0.5), imageHeight, imageWidth };
  }

  transformImages(images: Tensor, { flips }: FlipTransformation): Tensor {
    const axes = this.mode === 'horizontal' ? [2] : this.mode === 'vertical' ? [1] : [1, 2];
    return where(flips, flip(images, axes), images);
  }

  transformBoundingBoxes(boundingBoxes: Required<BoundingBoxes>, { flips, imageHeight: height, imageWidth: width }: FlipTransformation): Required<BoundingBoxes> {
    const horizontal = this.mode !== 'vertical';
    const vertical = this.mode !== 'horizontal';
    return this.moveBoxes(boundingBoxes, [height, width], [height, width], (boxes) => {
      const [x1, y1, x2, y2] = split(boxes, 4, -1);
      const flipped = concat([horizontal ? sub(width, x2) : x1, vertical ? sub(height, y2) : y1, horizontal ? sub(width, x1) : x2, vertical ? sub(height, y1) : y2], -1);
      return where(reshape(flips, [flips.shape[0], 1, 1]), flipped, boxes);
    });
  }

  transformSegmentationMasks(masks: Tensor, transformation: FlipTransformation): Tensor {
    return this.transformImages(masks, transformation);
  }
}

export interface ResamplingArgs extends RandomLayerArgs {
  /** How points outside the image are filled: 'reflect' (default), 'wrap', 'constant' or 'nearest'. */
  fillMode?: FillMode;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: ImageInterpolation;
  /** The value of points outside the image when fillMode is 'constant' (default 0). */
  fillValue?: number;
  /** Makes the sequence of transforms reproducible. */
  seed?: number;
}

/** RandomRotation, RandomZoom, RandomTranslation and RandomShear: a random transform row per image, then ops.affineTransform. */
export abstract class RandomResampling<T extends ImageTransformation> extends RandomTransformLayer<T> {
  readonly fillMode: FillMode;
  readonly interpolation: ImageInterpolation;
  readonly fillValue: number;

  protected constructor(args: ResamplingArgs) {
    super(args);
    this.fillMode = checkChoice('fillMode', args?.fillMode ?? 'reflect', FILL_MODES);
    this.interpolation = checkChoice('interpolation', args?.interpolation ?? 'bilinear', INTERPOLATIONS);
    this.fillValue = checkFinite('fillValue', args?.fillValue ?? 0);
  }

  /** The [batch, 8] transform rows of ops.affineTransform (output pixel to input point) of a transformation. */
  protected abstract transformRows(transformation: T): Tensor;

  /** 'xyxy' boxes in pixels [batch, num, 4] moved by the transformation, as Keras's transform_bounding_boxes. */
  protected abstract moveBoxesInPixels(boxes: Tensor, transformation: T): Tensor;

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue };
  }

  transformImages(images: Tensor, transformation: T): Tensor {
    return this.resample(images, transformation, this.interpolation);
  }

  transformBoundingBoxes(boundingBoxes: Required<BoundingBoxes>, transformation: T): Required<BoundingBoxes> {
    const size: [number, number] = [transformation.imageHeight, transformation.imageWidth];
    return this.moveBoxes(boundingBoxes, size, size, (boxes) => this.moveBoxesInPixels(boxes, transformation));
  }

  transformSegmentationMasks(masks: Tensor, transformation: T): Tensor {
    return asImages(masks, (x) => this.resample(x, transformation, 'nearest'));
  }

  private resample(images: Tensor, transformation: T, interpolation: ImageInterpolation): Tensor {
    return affineTransform(images, this.transformRows(transformation), { fillMode: this.fillMode, interpolation, fillValue: this.fillValue, dataFormat: 'channels_last' });
  }
}

/** Stacks per-image columns (tensors of [batch], or numbers) into [batch, 8] rows. */
export function transformRows(batch: number, columns: Array<Tensor | number>): Tensor {
  return stack(columns.map((c) => (typeof c === 'number' ? add(zeros([batch]), c) : c)), 1);
}

/** A per-image tensor [batch] (or [batch, 1]) as [batch, 1, 1], to broadcast against box columns [batch, num, 1]. */
export const perBox = (values: Tensor): Tensor => reshape(values, [values.shape[0], 1, 1]);

export interface RandomRotationArgs extends ResamplingArgs {
  /**
   * Rotation range as a fraction of a full turn: [lower, upper], or f for [-f, f]; each in
   * [-1, 1]. Positive angles rotate counter-clockwise.
   */
  factor: FactorRange;
}

/** The parameters of one RandomRotation call. */
export interface RotationTransformation extends ImageTransformation {
  /** [batch]: each image's angle in degrees. */
  angle: Tensor;
}

/**
 * Rotates each image about its center by a random angle in `factor * 2pi` in training. In
 * Keras's dict, each box becomes the smallest box holding its rotated corners, clipped to the
 * image; segmentation masks rotate with their images.
 *
 * @example
 * new RandomRotation({ factor: 0.1, seed: 4 }).apply(images, { training: true });   // within +-36 degrees
 */
export class RandomRotation extends RandomResampling<RotationTransformation> {
  readonly factor: FactorRange;
  private readonly range: [number, number];

  constructor(args: RandomRotationArgs) {
    super(args);
    this.range = factorRange('factor', args?.factor, -1, 1);
    this.factor = copyFactor(args.factor);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: copyFactor(this.factor) };
  }

  getRandomTransformation(images: Tensor): RotationTransformation {
    const [batch, imageHeight, imageWidth] = images.shape;
    return { angle: this.uniform([batch], this.range[0] * 360, this.range[1] * 360), imageHeight, imageWidth };
  }

  protected override transformRows({ angle, imageHeight: height, imageWidth: width }: RotationTransformation): Tensor {
    const radians = mul(angle, Math.PI / 180);
    const c = cos(radians);
    const s = sin(radians);
    // Rotation about the image center ((width - 1) / 2, (height - 1) / 2).
    const xOffset = sub(width - 1, sub(mul(c, width - 1), mul(s, height - 1))).mul(0.5);
    const yOffset = sub(height - 1, add(mul(s, width - 1), mul(c, height - 1))).mul(0.5);
    return transformRows(angle.shape[0], [c, neg(s), xOffset, s, c, yOffset, 0, 0]);
  }

  protected override moveBoxesInPixels(boxes: Tensor, { angle, imageHeight: height, imageWidth: width }: RotationTransformation): Tensor {
    return affineBoxes(boxes, { angle, translateX: 0, translateY: 0, scale: 1, shearX: 0, shearY: 0, height, width });
  }
}

export interface RandomZoomArgs extends ResamplingArgs {
  /**
   * Vertical zoom range as a fraction: [lower, upper], or f for [-f, f]; each in [-1, 1].
   * Positive values zoom out, negative values zoom in.
   */
  heightFactor: FactorRange;
  /** Horizontal zoom range as heightFactor; by default the vertical zoom, keeping the aspect ratio. */
  widthFactor?: FactorRange | null;
}

/** The parameters of one RandomZoom call. */
export interface ZoomTransformation extends ImageTransformation {
  /** [batch]: each image's vertical zoom (the input span the output covers, over the image's). */
  heightZoom: Tensor;
  /** [batch]: each image's horizontal zoom. */
  widthZoom: Tensor;
}

/**
 * Zooms each image in or out about its center by a random amount in training. In Keras's dict,
 * boxes are clipped to the part of the image that stays in view and scaled with it; segmentation
 * masks zoom with their images.
 *
 * @example
 * new RandomZoom({ heightFactor: [-0.2, 0.1], seed: 5 }).apply(images, { training: true });
 */
export class RandomZoom extends RandomResampling<ZoomTransformation> {
  readonly heightFactor: FactorRange;
  readonly widthFactor: FactorRange | null;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number] | null;

  constructor(args: RandomZoomArgs) {
    super(args);
    this.heightRange = factorRange('heightFactor', args?.heightFactor, -1, 1);
    this.widthRange = args.widthFactor === undefined || args.widthFactor === null ? null : factorRange('widthFactor', args.widthFactor, -1, 1);
    this.heightFactor = copyFactor(args.heightFactor);
    this.widthFactor = args.widthFactor === undefined || args.widthFactor === null ? null : copyFactor(args.widthFactor);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), heightFactor: copyFactor(this.heightFactor), widthFactor: this.widthFactor === null ? null : copyFactor(this.widthFactor) };
  }

  getRandomTransformation(images: Tensor): ZoomTransformation {
    const [batch, imageHeight, imageWidth] = images.shape;
    const heightZoom = this.uniform([batch], 1 + this.heightRange[0], 1 + this.heightRange[1]);
    const widthZoom = this.widthRange ? this.uniform([batch], 1 + this.widthRange[0], 1 + this.widthRange[1]) : heightZoom;
    return { heightZoom, widthZoom, imageHeight, imageWidth };
  }

  protected override transformRows({ heightZoom, widthZoom, imageHeight: height, imageWidth: width }: ZoomTransformation): Tensor {
    const xOffset = sub(1, widthZoom).mul((width - 1) / 2);
    const yOffset = sub(1, heightZoom).mul((height - 1) / 2);
    return transformRows(heightZoom.shape[0], [widthZoom, 0, xOffset, 0, heightZoom, yOffset, 0, 0]);
  }

  /** Keras's: each coordinate clipped to the input span [start, start + zoom * size] in view, moved to its start and divided by the zoom. */
  protected override moveBoxesInPixels(boxes: Tensor, { heightZoom, widthZoom, imageHeight: height, imageWidth: width }: ZoomTransformation): Tensor {
    const [x1, y1, x2, y2] = split(boxes, 4, -1);
    const along = (v: Tensor, zoom: Tensor, size: number) => {
      const z = perBox(zoom);
      const start = mul(sub(1, z), (size - 1) / 2);
      return divide(sub(minimum(maximum(v, start), add(start, mul(z, size))), start), z);
    };
    return concat([along(x1, widthZoom, width), along(y1, heightZoom, height), along(x2, widthZoom, width), along(y2, heightZoom, height)], -1);
  }
}

export interface RandomTranslationArgs extends ResamplingArgs {
  /** Vertical shift range as a fraction of the height: [lower, upper], or f for [-f, f]; each in [-1, 1]. */
  heightFactor: FactorRange;
  /** Horizontal shift range as a fraction of the width, as heightFactor. */
  widthFactor: FactorRange;
}

/** The parameters of one RandomTranslation call. */
export interface TranslationTransformation extends ImageTransformation {
  /** [batch, 2]: each image's shift (x, y) in pixels. */
  translations: Tensor;
}

/**
 * Shifts each image by a random fraction of its height and width in training. In Keras's dict,
 * boxes shift with their images and are clipped to them; segmentation masks shift alike.
 *
 * @example
 * new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1, fillMode: 'constant' }).apply(images, { training: true });
 */
export class RandomTranslation extends RandomResampling<TranslationTransformation> {
  readonly heightFactor: FactorRange;
  readonly widthFactor: FactorRange;
  private readonly heightRange: [number, number];
  private readonly widthRange: [number, number];

  constructor(args: RandomTranslationArgs) {
    super(args);
    this.heightRange = factorRange('heightFactor', args?.heightFactor, -1, 1);
    this.widthRange = factorRange('widthFactor', args.widthFactor, -1, 1);
    this.heightFactor = copyFactor(args.heightFactor);
    this.widthFactor = copyFactor(args.widthFactor);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), heightFactor: copyFactor(this.heightFactor), widthFactor: copyFactor(this.widthFactor) };
  }

  getRandomTransformation(images: Tensor): TranslationTransformation {
    const [batch, imageHeight, imageWidth] = images.shape;
    const shiftY = this.uniform([batch], this.heightRange[0] * imageHeight, this.heightRange[1] * imageHeight);
    const shiftX = this.uniform([batch], this.widthRange[0] * imageWidth, this.widthRange[1] * imageWidth);
    return { translations: stack([shiftX, shiftY], 1), imageHeight, imageWidth };
  }

  protected override transformRows({ translations }: TranslationTransformation): Tensor {
    const [shiftX, shiftY] = split(translations, 2, 1).map((t) => reshape(t, [translations.shape[0]]));
    return transformRows(translations.shape[0], [1, 0, neg(shiftX), 0, 1, neg(shiftY), 0, 0]);
  }

  protected override moveBoxesInPixels(boxes: Tensor, { translations }: TranslationTransformation): Tensor {
    const [shiftX, shiftY] = split(translations, 2, 1).map(perBox);
    const [x1, y1, x2, y2] = split(boxes, 4, -1);
    return concat([add(x1, shiftX), add(y1, shiftY), add(x2, shiftX), add(y2, shiftY)], -1);
  }
}

export interface RandomContrastArgs extends RandomLayerArgs {
  /**
   * Contrast range: the factor is drawn in [1 - lower, 1 + upper] from [lower, upper], or in
   * [1 - f, 1 + f] from f; each in [0, 1].
   */
  factor: FactorRange;
  /** The range of the pixel values, [low, high] (default [0, 255]); outputs are clipped to it. */
  valueRange?: readonly [number, number];
  /** Makes the sequence of factors reproducible. */
  seed?: number;
}

/**
 * Scales each image's deviation from its per-channel mean by a random factor in training:
 * `clip((x - mean) * factor + mean, low, high)`, one factor per image.
 *
 * @example
 * new RandomContrast({ factor: 0.2, valueRange: [0, 1] }).apply(images, { training: true });
 */
export class RandomContrast extends FactorImageLayer {
  constructor(args: RandomContrastArgs) {
    super(args, (factor) => factorRange('factor', factor, 0, 1));
  }

  protected override augment(images: Tensor): Tensor {
    const factor = this.uniform([images.shape[0], 1, 1, 1], 1 - this.range[0], 1 + this.range[1]);
    const channelMean = mean(images, [1, 2], true);
    return clip(add(mul(sub(images, channelMean), factor), channelMean), this.valueRange[0], this.valueRange[1]);
  }
}

export interface RandomBrightnessArgs extends RandomLayerArgs {
  /**
   * Brightness shift as a fraction of the value range: [lower, upper], or f for [-f, f]; each in
   * [-1, 1].
   */
  factor: FactorRange;
  /** The range of the pixel values, [low, high] (default [0, 255]); outputs are clipped to it. */
  valueRange?: readonly [number, number];
  /** Makes the sequence of shifts reproducible. */
  seed?: number;
}

/**
 * Adds a random shift `delta * (high - low)` to every value of each image in training, delta
 * drawn in the factor range per image, and clips to the value range.
 *
 * @example
 * new RandomBrightness({ factor: 0.2 }).apply(images, { training: true });   // +-51 on [0, 255] images
 */
export class RandomBrightness extends FactorImageLayer {
  constructor(args: RandomBrightnessArgs) {
    super(args, (factor) => factorRange('factor', factor, -1, 1));
  }

  protected override augment(images: Tensor): Tensor {
    const span = this.valueRange[1] - this.valueRange[0];
    const delta = this.uniform([images.shape[0], 1, 1, 1], this.range[0] * span, this.range[1] * span);
    return clip(add(images, delta), this.valueRange[0], this.valueRange[1]);
  }
}
