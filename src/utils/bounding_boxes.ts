// Bounding-box utilities (keras.utils.bounding_boxes): conversion between box formats, clipping,
// cropping, padding and affine transforms of boxes, anchor-relative deltas for detection heads,
// and pairwise IoU and CIoU. Each function is composed of ops (slices, concatenation,
// elementwise math, where, reductions), so it runs on the active backend, GPU or CPU, and reads
// nothing back. Arguments are checked before any op runs.

import { epsilon } from '../backend/config';
import { formatShape } from '../backend/types';
import { add, arctan, cast, clip, cos, divide, exp, greater, less, log, logicalOr, maximum, minimum, mul, sin, square, sub, tan, where } from '../ops/elementwise';
import { max } from '../ops/reduce';
import { concat, reshape, split, squeeze, transpose } from '../ops/shape';
import { broadcastShapes } from '../ops/shape_util';
import { checkOptionNames, checkTensor } from '../ops/validate';
import { scalar, tensor } from '../tensor/creation';
import { tidy } from '../tensor/memory';
import type { Tensor } from '../tensor/tensor';

/**
 * A box format, as Keras spells it: `xyxy` [left, top, right, bottom], `yxyx` [top, left, bottom,
 * right], `xywh` [left, top, width, height], `center_xywh` [center x, center y, width, height],
 * `center_yxhw` [center y, center x, height, width], and the `rel_` forms, whose coordinates are
 * fractions of the image's width and height. Names are case-insensitive, as in Keras.
 */
export type BoundingBoxFormat = 'xyxy' | 'yxyx' | 'xywh' | 'center_xywh' | 'center_yxhw' | 'rel_xyxy' | 'rel_yxyx' | 'rel_xywh' | 'rel_center_xywh';

/** Keras's dict form of boxes: `boxes` [num, 4] or [batch, num, 4] and their `labels` [num] or [batch, num]. */
export interface BoundingBoxes {
  boxes: Tensor;
  labels?: Tensor;
}

/** The image shape that relative formats are measured against: [height, width] or [height, width, channels]. */
export type ImageShape = readonly [number, number] | readonly [number, number, number];

/** Every box format, as Keras spells them. */
export const BOUNDING_BOX_FORMATS: readonly BoundingBoxFormat[] = ['xyxy', 'yxyx', 'xywh', 'center_xywh', 'center_yxhw', 'rel_xyxy', 'rel_yxyx', 'rel_xywh', 'rel_center_xywh'];
const DELTA_FORMATS: readonly BoundingBoxFormat[] = ['center_xywh', 'center_yxhw'];
/** Four [..., 1] columns of boxes [..., 4], in the order the format stores them. */
type Columns = [Tensor, Tensor, Tensor, Tensor];

/** The image size a conversion scales relative coordinates by (both absent for absolute formats). */
interface ImageSize {
  height?: number;
  width?: number;
}

export interface ConvertFormatOptions extends ImageSize {
  /** The format of the given boxes. */
  source: BoundingBoxFormat;
  /** The format to convert to. */
  target: BoundingBoxFormat;
}

const CONVERT_OPTIONS = { source: true, target: true, height: true, width: true } as const;

/**
 * Boxes in another format (keras.utils.bounding_boxes.convert_format), as float32. `height` and
 * `width` (the image's size) are needed when either format is relative. Takes a tensor
 * [..., 4], or `{ boxes, labels }`, whose boxes are converted and labels kept.
 *
 * @example
 * const boxes = tensor([[10, 20, 30, 40], [50, 60, 70, 80]]);
 * utils.boundingBoxes.convertFormat(boxes, { source: 'xyxy', target: 'xywh' });   // [[10, 20, 20, 20], [50, 60, 20, 20]]
 * utils.boundingBoxes.convertFormat(boxes, { source: 'xyxy', target: 'rel_xyxy', height: 200, width: 300 });
 * // [[0.0333, 0.1, 0.1, 0.2], [0.1667, 0.3, 0.2333, 0.4]]
 */
export function convertFormat(boxes: Tensor, options: ConvertFormatOptions): Tensor;
export function convertFormat<T extends BoundingBoxes>(boundingBoxes: T, options: ConvertFormatOptions): T;
export function convertFormat(boxes: Tensor | BoundingBoxes, options: ConvertFormatOptions): Tensor | BoundingBoxes {
  const name = 'convertFormat';
  checkOptionNames(name, options, CONVERT_OPTIONS);
  if (isBoundingBoxes(boxes)) return { ...boxes, boxes: convertFormat(boxes.boxes, options) } as BoundingBoxes;
  const { source, target } = checkConversion(name, 'boxes', boxes, options);
  return tidy(() => convertChecked(boxes, source, target, options));
}

export interface ClipToImageSizeOptions extends ImageSize {
  /** 'xyxy' (the default; needs height and width) or 'rel_xyxy' (clipped to [0, 1]). */
  boundingBoxFormat?: BoundingBoxFormat;
}

const CLIP_OPTIONS = { height: true, width: true, boundingBoxFormat: true } as const;

/**
 * Boxes clipped to the image (keras.utils.bounding_boxes.clip_to_image_size): coordinates limited
 * to [0, width] and [0, height] ('xyxy') or to [0, 1] ('rel_xyxy'). A box whose clipped area is
 * not positive gets the label -1, as in Keras. The boxes keep their dtype.
 *
 * @example
 * const clipped = utils.boundingBoxes.clipToImageSize(
 *   { boxes: tensor([[-10, -20, 150, 160], [50, 40, 70, 80]]), labels: tensor([0, 1], [2], 'int32') },
 *   { height: 100, width: 120 },
 * );   // boxes [[0, 0, 120, 100], [50, 40, 70, 80]], labels [0, 1]
 */
export function clipToImageSize<T extends BoundingBoxes>(boundingBoxes: T, options: ClipToImageSizeOptions = {}): T {
  const name = 'clipToImageSize';
  checkOptionNames(name, options, CLIP_OPTIONS);
  if (!isBoundingBoxes(boundingBoxes)) throw new Error(`${name}: expected bounding boxes as { boxes, labels }, with boxes [num, 4] or [batch, num, 4]. Received: ${describe(boundingBoxes)}.`);
  const format = checkFormat(name, 'boundingBoxFormat', options.boundingBoxFormat ?? 'xyxy');
  if (format !== 'xyxy' && format !== 'rel_xyxy') {
    throw new Error(`${name}: supports boundingBoxFormat 'xyxy' and 'rel_xyxy', as Keras does. Received: boundingBoxFormat='${format}'; convert the boxes with convertFormat first.`);
  }
  const { boxes, labels } = boundingBoxes;
  checkBoxes(name, 'boxes', boxes, [2, 3]);
  if (labels !== undefined) checkLabels(name, boxes, labels);
  let height = 1;
  let width = 1;
  if (format === 'xyxy') {
    if (options.height === undefined || options.width === undefined) {
      throw new Error(`${name}: height and width must be set if boundingBoxFormat='xyxy'. Received: height=${options.height}, width=${options.width}.`);
    }
    height = checkSize(name, 'height', options.height);
    width = checkSize(name, 'width', options.width);
  }
  return tidy(() => {
    const [x1, y1, x2, y2] = columns(boxes);
    const clipped = concat([clip(x1, 0, width), clip(y1, 0, height), clip(x2, 0, width), clip(y2, 0, height)], -1);
    if (labels === undefined) return { ...boundingBoxes, boxes: clipped };
    const [left, top, right, bottom] = columns(clipped);
    const area = squeeze(mul(sub(right, left), sub(bottom, top)), -1);
    return { ...boundingBoxes, boxes: clipped, labels: where(greater(area, 0), labels, -1) };
  });
}

/** An angle, scale or offset of affineTransform: one number for all boxes, or a tensor [batch] of one per image. */
export type AffineParameter = number | Tensor;

export interface AffineTransformOptions {
  /** Rotation in degrees. */
  angle: AffineParameter;
  /** Horizontal translation, a fraction of the width. */
  translateX: AffineParameter;
  /** Vertical translation, a fraction of the height. */
  translateY: AffineParameter;
  /** Scale factor. */
  scale: AffineParameter;
  /** Shear angle along x in degrees. */
  shearX: AffineParameter;
  /** Shear angle along y in degrees. */
  shearY: AffineParameter;
  /** The image's height. */
  height: number;
  /** The image's width. */
  width: number;
  /** x of the center of the transform, a fraction of the width (default 0.5). */
  centerX?: AffineParameter;
  /** y of the center of the transform, a fraction of the height (default 0.5). */
  centerY?: AffineParameter;
  /** Only 'xyxy' (the default), as in Keras. */
  boundingBoxFormat?: BoundingBoxFormat;
}

const AFFINE_OPTIONS = {
  angle: true, translateX: true, translateY: true, scale: true, shearX: true, shearY: true, height: true, width: true, centerX: true, centerY: true, boundingBoxFormat: true,
} as const;

/**
 * Boxes moved by the affine transform that Keras's geometric augmentation layers apply
 * (keras.utils.bounding_boxes.affine_transform): the four corners of each box go through the
 * inverse affine matrix of the rotation, translation, scale and shear about the center, and the
 * result is the smallest box holding them. Boxes are 'xyxy', [num, 4] with number parameters or
 * [batch, num, 4] with numbers or tensors [batch]; the result is float32 of the same shape.
 *
 * @example
 * const moved = utils.boundingBoxes.affineTransform(boxes, {
 *   angle: 0, translateX: 0.1, translateY: 0, scale: 1, shearX: 0, shearY: 0, height: 100, width: 100,
 * });   // each box moved (width - 1) * 0.1 = 9.9 pixels to the right
 */
export function affineTransform(boxes: Tensor, options: AffineTransformOptions): Tensor {
  const name = 'affineTransform';
  checkOptionNames(name, options, AFFINE_OPTIONS);
  checkXyxyOnly(name, options.boundingBoxFormat);
  checkBoxes(name, 'boxes', boxes, [2, 3]);
  const height = checkSize(name, 'height', options.height);
  const width = checkSize(name, 'width', options.width);
  const batch = boxes.rank === 3 ? boxes.shape[0] : null;
  const parameters = {
    angle: options.angle, translateX: options.translateX, translateY: options.translateY, scale: options.scale,
    shearX: options.shearX, shearY: options.shearY, centerX: options.centerX ?? 0.5, centerY: options.centerY ?? 0.5,
  };
  for (const [key, value] of Object.entries(parameters)) checkAffineParameter(name, key, value, batch);
  return tidy(() => {
    // Tensors [batch] become [batch, 1, 1], to meet the box columns [batch, num, 1].
    const p = Object.fromEntries(
      Object.entries(parameters).map(([key, value]) => [key, typeof value === 'number' ? scalar(value) : reshape(cast(value, 'float32'), value.rank === 1 ? [value.shape[0], 1, 1] : [])]),
    ) as Record<keyof typeof parameters, Tensor>;
    const [a0, a1, a2, b0, b1, b2] = inverseAffineMatrix(p, height, width);
    const [x1, y1, x2, y2] = columns(cast(boxes, 'float32'));
    const corners: Array<[Tensor, Tensor]> = [[x1, y1], [x2, y1], [x2, y2], [x1, y2]];
    const xs = corners.map(([x, y]) => add(add(mul(a0, x), mul(a1, y)), a2));
    const ys = corners.map(([x, y]) => add(add(mul(b0, x), mul(b1, y)), b2));
    const smallest = (values: Tensor[]) => values.reduce((a, b) => minimum(a, b));
    const largest = (values: Tensor[]) => values.reduce((a, b) => maximum(a, b));
    return concat([smallest(xs), smallest(ys), largest(xs), largest(ys)], -1);
  });
}

export interface CropOptions {
  /** The top of the cropped region, in pixels. */
  top: number;
  /** The left of the cropped region, in pixels. */
  left: number;
  /** The region's height: y is clipped to [0, height] (unclipped above when absent). */
  height?: number;
  /** The region's width: x is clipped to [0, width] (unclipped above when absent). */
  width?: number;
  /** Only 'xyxy' (the default), as in Keras. */
  boundingBoxFormat?: BoundingBoxFormat;
}

const CROP_OPTIONS = { top: true, left: true, height: true, width: true, boundingBoxFormat: true } as const;

/**
 * Boxes in the coordinates of a cropped region (keras.utils.bounding_boxes.crop): shifted by
 * -left and -top, then clipped to [0, width] and [0, height]. Boxes are 'xyxy' [..., 4].
 *
 * @example
 * utils.boundingBoxes.crop(tensor([[10, 20, 50, 60], [70, 80, 100, 120]]), { top: 10, left: 20, height: 40, width: 30 });
 * // [[0, 10, 30, 40], [30, 40, 30, 40]]
 */
export function crop(boxes: Tensor, options: CropOptions): Tensor {
  const name = 'crop';
  checkOptionNames(name, options, CROP_OPTIONS);
  checkXyxyOnly(name, options.boundingBoxFormat);
  checkBoxes(name, 'boxes', boxes);
  const top = checkFinite(name, 'top', options.top);
  const left = checkFinite(name, 'left', options.left);
  const height = options.height === undefined ? Infinity : checkSize(name, 'height', options.height);
  const width = options.width === undefined ? Infinity : checkSize(name, 'width', options.width);
  return tidy(() => {
    const [x1, y1, x2, y2] = columns(boxes);
    const limit = (value: Tensor, offset: number, size: number) => {
      const shifted = sub(value, offset);
      return size === Infinity ? maximum(shifted, 0) : clip(shifted, 0, size);
    };
    return concat([limit(x1, left, width), limit(y1, top, height), limit(x2, left, width), limit(y2, top, height)], -1);
  });
}

export interface PadOptions {
  /** Rows added above the image, in pixels. */
  top: number;
  /** Columns added left of the image, in pixels. */
  left: number;
  /** Only 'xyxy' (the default), as in Keras. */
  boundingBoxFormat?: BoundingBoxFormat;
}

const PAD_OPTIONS = { top: true, left: true, boundingBoxFormat: true } as const;

/**
 * Boxes in the coordinates of a padded image (keras.utils.bounding_boxes.pad): shifted by +left
 * and +top. Boxes are 'xyxy' [..., 4].
 *
 * @example
 * utils.boundingBoxes.pad(tensor([[10, 20, 50, 60]]), { top: 5, left: 3 });   // [[13, 25, 53, 65]]
 */
export function pad(boxes: Tensor, options: PadOptions): Tensor {
  const name = 'pad';
  checkOptionNames(name, options, PAD_OPTIONS);
  checkXyxyOnly(name, options.boundingBoxFormat);
  checkBoxes(name, 'boxes', boxes);
  const top = checkFinite(name, 'top', options.top);
  const left = checkFinite(name, 'left', options.left);
  return tidy(() => {
    const [x1, y1, x2, y2] = columns(boxes);
    return concat([add(x1, left), add(y1, top), add(x2, left), add(y2, top)], -1);
  });
}

export interface BoxDeltaOptions {
  /** The format of the anchors. */
  anchorFormat: BoundingBoxFormat;
  /** The format of the boxes (given to encodeBoxToDeltas, returned by decodeDeltasToBoxes). */
  boxFormat: BoundingBoxFormat;
  /** Four factors the deltas are divided by when encoded and multiplied by when decoded. */
  variance?: readonly number[];
  /** The image's [height, width(, channels)], for relative formats. */
  imageShape?: ImageShape;
}

export interface EncodeBoxToDeltasOptions extends BoxDeltaOptions {
  /** 'center_yxhw' (the default) or 'center_xywh': the format whose terms the deltas are in. */
  encodingFormat?: BoundingBoxFormat;
}

export interface DecodeDeltasToBoxesOptions extends BoxDeltaOptions {
  /** 'center_yxhw' (the default) or 'center_xywh': the format the deltas were encoded in. */
  encodedFormat?: BoundingBoxFormat;
}

const ENCODE_OPTIONS = { anchorFormat: true, boxFormat: true, encodingFormat: true, variance: true, imageShape: true } as const;
const DECODE_OPTIONS = { anchorFormat: true, boxFormat: true, encodedFormat: true, variance: true, imageShape: true } as const;

/**
 * Boxes as deltas from anchors (keras.utils.bounding_boxes.encode_box_to_deltas), the regression
 * targets of a detection head: in the encoding format's order, the center offset divided by the
 * anchor's size, then the log of the size ratio (sizes floored at config.epsilon()), each divided by the
 * variance when given. Anchors are [num, 4]; boxes [num, 4] or [batch, num, 4].
 *
 * @example
 * const anchors = tensor([[0, 0, 10, 10]]);
 * utils.boundingBoxes.encodeBoxToDeltas(anchors, tensor([[1, 2, 11, 22]]), { anchorFormat: 'xyxy', boxFormat: 'xyxy' });
 * // center_yxhw deltas: [[0.7, 0.1, ln 2, 0]]
 */
export function encodeBoxToDeltas(anchors: Tensor, boxes: Tensor, options: EncodeBoxToDeltasOptions): Tensor {
  const name = 'encodeBoxToDeltas';
  checkOptionNames(name, options, ENCODE_OPTIONS);
  const encoding = checkDeltaFormat(name, 'encodingFormat', options.encodingFormat);
  const { size, variance } = checkDeltaOptions(name, options);
  checkConversion(name, 'anchors', anchors, { source: options.anchorFormat, target: encoding, ...size });
  checkConversion(name, 'boxes', boxes, { source: options.boxFormat, target: encoding, ...size });
  broadcastShapes(name, anchors.shape, boxes.shape);
  return tidy(() => {
    const encodedAnchors = convertChecked(anchors, lower(options.anchorFormat), encoding, size);
    const encodedBoxes = convertChecked(boxes, lower(options.boxFormat), encoding, size);
    const [anchorCenter, anchorSize] = split(encodedAnchors, 2, -1);
    const [boxCenter, boxSize] = split(encodedBoxes, 2, -1);
    const anchorDimensions = maximum(anchorSize, epsilon());
    const deltas = concat([divide(sub(boxCenter, anchorCenter), anchorDimensions), log(divide(maximum(boxSize, epsilon()), anchorDimensions))], -1);
    return variance ? divide(deltas, tensor([...variance])) : deltas;
  });
}

/**
 * Boxes from deltas relative to anchors (keras.utils.bounding_boxes.decode_deltas_to_boxes), the
 * inverse of encodeBoxToDeltas: center = delta * anchor size + anchor center, size = exp(delta) *
 * anchor size (deltas multiplied by the variance first), returned in `boxFormat`. Anchors and
 * deltas are tensors ([num, 4] and [num, 4] or [batch, num, 4]), or records of them by feature
 * level with the same keys, which give a record of boxes.
 *
 * @example
 * const anchors = tensor([[0, 0, 10, 10]]);
 * utils.boundingBoxes.decodeDeltasToBoxes(anchors, tensor([[0.7, 0.1, Math.LN2, 0]]), { anchorFormat: 'xyxy', boxFormat: 'xyxy' });
 * // [[1, 2, 11, 22]]
 */
export function decodeDeltasToBoxes(anchors: Tensor, boxesDelta: Tensor, options: DecodeDeltasToBoxesOptions): Tensor;
export function decodeDeltasToBoxes(anchors: Record<string, Tensor>, boxesDelta: Record<string, Tensor>, options: DecodeDeltasToBoxesOptions): Record<string, Tensor>;
export function decodeDeltasToBoxes(anchors: Tensor | Record<string, Tensor>, boxesDelta: Tensor | Record<string, Tensor>, options: DecodeDeltasToBoxesOptions): Tensor | Record<string, Tensor> {
  const name = 'decodeDeltasToBoxes';
  checkOptionNames(name, options, DECODE_OPTIONS);
  const encoded = checkDeltaFormat(name, 'encodedFormat', options.encodedFormat);
  const { size, variance } = checkDeltaOptions(name, options);
  const levels = pairLevels(name, anchors, boxesDelta);
  for (const [anchor, delta] of levels.values()) {
    checkConversion(name, 'anchors', anchor, { source: options.anchorFormat, target: encoded, ...size });
    checkConversion(name, 'boxesDelta', delta, { source: encoded, target: options.boxFormat, ...size });
    broadcastShapes(name, anchor.shape, delta.shape);
  }
  const decodeLevel = (anchor: Tensor, delta: Tensor) =>
    tidy(() => {
      const [anchorCenter, anchorSize] = split(convertChecked(anchor, lower(options.anchorFormat), encoded, size), 2, -1);
      const [centerDelta, sizeDelta] = split(variance ? mul(delta, tensor([...variance])) : cast(delta, 'float32'), 2, -1);
      const box = concat([add(mul(centerDelta, anchorSize), anchorCenter), mul(exp(sizeDelta), anchorSize)], -1);
      return convertChecked(box, encoded, lower(options.boxFormat), size);
    });
  if (levels.has(null)) {
    const [anchor, delta] = levels.get(null)!;
    return decodeLevel(anchor, delta);
  }
  return Object.fromEntries([...levels].map(([level, [anchor, delta]]) => [level, decodeLevel(anchor, delta)]));
}

export interface ComputeIouOptions {
  /** The format of both sets of boxes. */
  boundingBoxFormat: BoundingBoxFormat;
  /** Gives `maskVal` to every pair where a box has all its coordinates below 0 (padding). Default false. */
  useMasking?: boolean;
  /** The value of masked pairs (default -1). */
  maskVal?: number;
  /** The image's [height, width(, channels)], needed for relative formats. */
  imageShape?: ImageShape;
}

const IOU_OPTIONS = { boundingBoxFormat: true, useMasking: true, maskVal: true, imageShape: true } as const;

/**
 * The IoU of every pair of boxes (keras.utils.bounding_boxes.compute_iou): boxes1 [M, 4] or
 * [batch, M, 4] against boxes2 [N, 4] or [batch, N, 4] gives [M, N], or [batch, M, N] when
 * either is batched. Intersection over union + config.epsilon().
 *
 * @example
 * const iou = utils.boundingBoxes.computeIou(tensor([[100, 101, 200, 201]]), tensor([[101, 102, 201, 202]]), { boundingBoxFormat: 'yxyx' });
 * // [[0.96097656]]: 99 * 99 / (2 * 100 * 100 - 99 * 99)
 */
export function computeIou(boxes1: Tensor, boxes2: Tensor, options: ComputeIouOptions): Tensor {
  const name = 'computeIou';
  checkOptionNames(name, options, IOU_OPTIONS);
  checkBoxes(name, 'boxes1', boxes1, [2, 3]);
  checkBoxes(name, 'boxes2', boxes2, [2, 3]);
  const format = checkFormat(name, 'boundingBoxFormat', options?.boundingBoxFormat);
  const size = checkImageShape(name, options.imageShape, format);
  if (boxes1.rank === 3 && boxes2.rank === 3 && boxes1.shape[0] !== boxes2.shape[0]) {
    throw new Error(`${name}: batched boxes1 and boxes2 must have the same batch size. Received: boxes1.shape=${formatShape(boxes1.shape)}, boxes2.shape=${formatShape(boxes2.shape)}.`);
  }
  const maskValue = checkFinite(name, 'maskVal', options.maskVal ?? -1);
  return tidy(() => {
    const first = convertChecked(boxes1, format, 'yxyx', size);
    const second = convertChecked(boxes2, format, 'yxyx', size);
    // boxes1 columns are [..., M, 1]; boxes2 columns become rows [..., 1, N], so pairs broadcast.
    const rows = (t: Tensor) => transpose(t, t.rank === 2 ? [1, 0] : [0, 2, 1]);
    const [top1, left1, bottom1, right1] = columns(first);
    const [top2, left2, bottom2, right2] = columns(second).map(rows);
    const intersectionHeight = maximum(sub(minimum(bottom1, bottom2), maximum(top1, top2)), 0);
    const intersectionWidth = maximum(sub(minimum(right1, right2), maximum(left1, left2)), 0);
    const intersection = mul(intersectionHeight, intersectionWidth);
    const area1 = mul(sub(bottom1, top1), sub(right1, left1));
    const area2 = mul(sub(bottom2, top2), sub(right2, left2));
    const iou = divide(intersection, add(sub(add(area1, area2), intersection), epsilon()));
    if (!options.useMasking) return iou;
    const padding1 = less(max(first, -1, true), 0);
    const padding2 = rows(less(max(second, -1, true), 0));
    return where(logicalOr(padding1, padding2), maskValue, iou);
  });
}

export interface ComputeCiouOptions {
  /** The format of both sets of boxes. */
  boundingBoxFormat: BoundingBoxFormat;
  /** The image's [height, width(, channels)], needed for relative formats. */
  imageShape?: ImageShape;
}

const CIOU_OPTIONS = { boundingBoxFormat: true, imageShape: true } as const;

/**
 * The Complete IoU of matched boxes (keras.utils.bounding_boxes.compute_ciou): IoU less the
 * squared distance of the centers over the squared diagonal of the enclosing box, less a term for
 * the difference of aspect ratios. boxes1 and boxes2 are [..., 4], broadcast against each other;
 * the result has their broadcast shape without the last axis.
 *
 * @example
 * utils.boundingBoxes.computeCiou(tensor([[100, 101, 200, 201]]), tensor([[101, 102, 201, 202]]), { boundingBoxFormat: 'yxyx' });
 * // [0.96087854]
 */
export function computeCiou(boxes1: Tensor, boxes2: Tensor, options: ComputeCiouOptions): Tensor {
  const name = 'computeCiou';
  checkOptionNames(name, options, CIOU_OPTIONS);
  checkBoxes(name, 'boxes1', boxes1);
  checkBoxes(name, 'boxes2', boxes2);
  const format = checkFormat(name, 'boundingBoxFormat', options?.boundingBoxFormat);
  const size = checkImageShape(name, options.imageShape, format);
  broadcastShapes(name, boxes1.shape, boxes2.shape);
  return tidy(() => {
    const [xMin1, yMin1, xMax1, yMax1] = columns(convertChecked(boxes1, format, 'xyxy', size));
    const [xMin2, yMin2, xMax2, yMax2] = columns(convertChecked(boxes2, format, 'xyxy', size));
    const width1 = sub(xMax1, xMin1);
    const height1 = add(sub(yMax1, yMin1), epsilon());
    const width2 = sub(xMax2, xMin2);
    const height2 = add(sub(yMax2, yMin2), epsilon());
    const overlap = (low1: Tensor, high1: Tensor, low2: Tensor, high2: Tensor) => maximum(sub(minimum(high1, high2), maximum(low1, low2)), 0);
    const intersection = mul(overlap(xMin1, xMax1, xMin2, xMax2), overlap(yMin1, yMax1, yMin2, yMax2));
    const union = add(sub(add(mul(width1, height1), mul(width2, height2)), intersection), epsilon());
    const iou = divide(intersection, add(union, epsilon()));
    const enclosingWidth = sub(maximum(xMax1, xMax2), minimum(xMin1, xMin2));
    const enclosingHeight = sub(maximum(yMax1, yMax2), minimum(yMin1, yMin2));
    const diagonalSquared = add(add(square(enclosingWidth), square(enclosingHeight)), epsilon());
    const centerGap = (low1: Tensor, high1: Tensor, low2: Tensor, high2: Tensor) => sub(divide(add(low1, high1), 2), divide(add(low2, high2), 2));
    const centersSquared = add(square(centerGap(xMin1, xMax1, xMin2, xMax2)), square(centerGap(yMin1, yMax1, yMin2, yMax2)));
    const aspect = mul(4 / Math.PI ** 2, square(sub(arctan(divide(width2, height2)), arctan(divide(width1, height1)))));
    const alpha = divide(aspect, add(sub(aspect, iou), 1 + epsilon()));
    return squeeze(sub(iou, add(divide(centersSquared, diagonalSquared), mul(aspect, alpha))), -1);
  });
}

// Conversions: every format to and from xyxy, in absolute coordinates when `height` and `width`
// are given, else in the units of the boxes (rel_ to rel_ conversions drop the prefix).

function convertChecked(boxes: Tensor, source: BoundingBoxFormat, target: BoundingBoxFormat, size: ImageSize): Tensor {
  const floats = cast(boxes, 'float32');
  if (source === target) return floats;
  const bothRelative = source.startsWith('rel_') && target.startsWith('rel_');
  const from = bothRelative ? (source.slice(4) as BoundingBoxFormat) : source;
  const to = bothRelative ? (target.slice(4) as BoundingBoxFormat) : target;
  return concat(fromXyxy(toXyxy(columns(floats), from, size), to, size), -1);
}

function toXyxy([a, b, c, d]: Columns, format: BoundingBoxFormat, { height = 1, width = 1 }: ImageSize): Columns {
  const corners = (cx: Tensor, cy: Tensor, w: Tensor, h: Tensor): Columns => {
    const [halfW, halfH] = [divide(w, 2), divide(h, 2)];
    return [sub(cx, halfW), sub(cy, halfH), add(cx, halfW), add(cy, halfH)];
  };
  const scaled = ([x1, y1, x2, y2]: Columns): Columns => [mul(x1, width), mul(y1, height), mul(x2, width), mul(y2, height)];
  switch (format) {
    case 'xyxy': return [a, b, c, d];
    case 'yxyx': return [b, a, d, c];
    case 'xywh': return [a, b, add(a, c), add(b, d)];
    case 'center_xywh': return corners(a, b, c, d);
    case 'center_yxhw': return corners(b, a, d, c);
    case 'rel_xyxy': return scaled([a, b, c, d]);
    case 'rel_yxyx': return scaled([b, a, d, c]);
    case 'rel_xywh': return scaled([a, b, add(a, c), add(b, d)]);
    case 'rel_center_xywh': return scaled(corners(a, b, c, d));
  }
}

function fromXyxy([x1, y1, x2, y2]: Columns, format: BoundingBoxFormat, { height = 1, width = 1 }: ImageSize): Columns {
  const [w, h] = [sub(x2, x1), sub(y2, y1)];
  const [cx, cy] = [add(x1, divide(w, 2)), add(y1, divide(h, 2))];
  const relative = ([x, y, u, v]: Columns): Columns => [divide(x, width), divide(y, height), divide(u, width), divide(v, height)];
  switch (format) {
    case 'xyxy': return [x1, y1, x2, y2];
    case 'yxyx': return [y1, x1, y2, x2];
    case 'xywh': return [x1, y1, w, h];
    case 'center_xywh': return [cx, cy, w, h];
    case 'center_yxhw': return [cy, cx, h, w];
    case 'rel_xyxy': return relative([x1, y1, x2, y2]);
    case 'rel_yxyx': { const [rx1, ry1, rx2, ry2] = relative([x1, y1, x2, y2]); return [ry1, rx1, ry2, rx2]; }
    case 'rel_xywh': return relative([x1, y1, w, h]);
    case 'rel_center_xywh': return relative([cx, cy, w, h]);
  }
}

/**
 * Keras's inverse affine matrix (its _compute_inverse_affine_matrix, after TensorFlow's): the
 * six entries [a0, a1, a2, b0, b1, b2] of x' = a0 x + a1 y + a2, y' = b0 x + b1 y + b2.
 */
function inverseAffineMatrix(p: Record<'angle' | 'translateX' | 'translateY' | 'scale' | 'shearX' | 'shearY' | 'centerX' | 'centerY', Tensor>, height: number, width: number): Tensor[] {
  const radians = (degrees: Tensor) => mul(degrees, -Math.PI / 180);
  const [rotation, shearX, shearY] = [radians(p.angle), radians(p.shearX), radians(p.shearY)];
  const cx = mul(p.centerX, width - 1);
  const cy = mul(p.centerY, height - 1);
  const shiftedX = sub(cx, mul(p.translateX, width - 1));
  const shiftedY = sub(cy, mul(p.translateY, height - 1));
  const cosShearY = cos(shearY);
  const tanShearX = tan(shearX);
  const rotationLessShearY = sub(rotation, shearY);
  const a = divide(cos(rotationLessShearY), cosShearY);
  const b = add(mul(a, tanShearX), sin(rotation));
  const c = divide(mul(sin(rotationLessShearY), -1), cosShearY);
  const d = sub(cos(rotation), mul(c, tanShearX));
  const [a0, a1, b0, b1] = [mul(d, p.scale), mul(mul(b, -1), p.scale), mul(mul(c, -1), p.scale), mul(a, p.scale)];
  const a2 = sub(sub(cx, mul(a0, shiftedX)), mul(a1, shiftedY));
  const b2 = sub(sub(cy, mul(b0, shiftedX)), mul(b1, shiftedY));
  return [a0, a1, a2, b0, b1, b2];
}

function columns(boxes: Tensor): Columns {
  return split(boxes, 4, -1) as Columns;
}

// Checks, all before any op runs.

function isBoundingBoxes(value: unknown): value is BoundingBoxes {
  return value !== null && typeof value === 'object' && !(value as Tensor).isTensorInstance && 'boxes' in value;
}

function describe(value: unknown): string {
  if (value !== null && typeof value === 'object' && (value as Tensor).isTensorInstance) return `a tensor of shape ${formatShape((value as Tensor).shape)}`;
  if (value !== null && typeof value === 'object') return `an object with keys ${JSON.stringify(Object.keys(value))}`;
  return String(value);
}

function lower(format: string): BoundingBoxFormat {
  return format.toLowerCase() as BoundingBoxFormat;
}

function checkFormat(op: string, argument: string, format: unknown): BoundingBoxFormat {
  const normalized = typeof format === 'string' ? lower(format) : undefined;
  if (normalized === undefined || !BOUNDING_BOX_FORMATS.includes(normalized)) {
    throw new Error(`${op}: invalid ${argument}. Expected one of ${BOUNDING_BOX_FORMATS.map((f) => `'${f}'`).join(', ')}. Received: ${argument}=${JSON.stringify(format)}.`);
  }
  return normalized;
}

function checkDeltaFormat(op: string, argument: string, format: unknown = 'center_yxhw'): BoundingBoxFormat {
  const normalized = typeof format === 'string' ? lower(format) : undefined;
  if (normalized === undefined || !DELTA_FORMATS.includes(normalized)) {
    throw new Error(`${op}: ${argument} should be 'center_xywh' or 'center_yxhw'. Received: ${argument}=${JSON.stringify(format)}.`);
  }
  return normalized;
}

function checkXyxyOnly(op: string, format: unknown): void {
  if (format === undefined) return;
  if (checkFormat(op, 'boundingBoxFormat', format) !== 'xyxy') {
    throw new Error(`${op}: supports boundingBoxFormat 'xyxy' only, as Keras does. Received: boundingBoxFormat=${JSON.stringify(format)}; convert the boxes with convertFormat first.`);
  }
}

/** A tensor of boxes: last axis 4, and a rank among `ranks` when given. */
function checkBoxes(op: string, argument: string, boxes: unknown, ranks?: readonly number[]): asserts boxes is Tensor {
  checkTensor(op, boxes);
  if (boxes.shape.at(-1) !== 4 || (ranks && !ranks.includes(boxes.rank))) {
    const expected = ranks ? ranks.map((r) => (r === 2 ? '[num, 4]' : '[batch, num, 4]')).join(' or ') : '[..., 4]';
    throw new Error(`${op}: ${argument} must have shape ${expected} (4 coordinates on the last axis). Received: ${argument}.shape=${formatShape(boxes.shape)}.`);
  }
}

function checkLabels(op: string, boxes: Tensor, labels: unknown): void {
  checkTensor(op, labels);
  const expected = boxes.shape.slice(0, -1);
  if (labels.rank !== expected.length || labels.shape.some((d, i) => d !== expected[i])) {
    throw new Error(`${op}: labels must have one entry per box, shape ${formatShape(expected)}. Received: boxes.shape=${formatShape(boxes.shape)}, labels.shape=${formatShape(labels.shape)}.`);
  }
}

/** An affineTransform parameter: a finite number, a scalar tensor, or a tensor [batch] for batched boxes. */
function checkAffineParameter(op: string, argument: string, value: unknown, batch: number | null): void {
  if (typeof value === 'number') {
    checkFinite(op, argument, value);
    return;
  }
  const isTensor = value !== null && typeof value === 'object' && (value as Tensor).isTensorInstance;
  if (isTensor) {
    checkTensor(op, value);
    if (value.rank === 0 || (value.rank === 1 && batch !== null && value.shape[0] === batch)) return;
  }
  const expected = batch === null ? 'a number or a scalar tensor (boxes [num, 4] are one image)' : `a number, a scalar tensor or a tensor [${batch}] (one per image of boxes [batch, num, 4])`;
  throw new Error(`${op}: ${argument} must be ${expected}. Received: ${argument}=${describe(value)}.`);
}

function checkFinite(op: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${op}: ${argument} must be a finite number. Received: ${argument}=${describe(value)}.`);
  return value;
}

function checkSize(op: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`${op}: ${argument} must be a positive number. Received: ${argument}=${describe(value)}.`);
  return value;
}

/** The formats of a conversion, and the image size that relative formats need. */
function checkConversion(op: string, argument: string, boxes: unknown, options: { source: unknown; target: unknown } & ImageSize): { source: BoundingBoxFormat; target: BoundingBoxFormat } {
  checkBoxes(op, argument, boxes);
  const source = checkFormat(op, 'source', options?.source);
  const target = checkFormat(op, 'target', options.target);
  const { height, width } = options;
  if ((source.startsWith('rel_') || target.startsWith('rel_')) && (height === undefined || width === undefined)) {
    throw new Error(`${op}: converting between relative and absolute formats needs height and width (the image's size). Received: source='${source}', target='${target}', height=${height}, width=${width}.`);
  }
  if (height !== undefined) checkSize(op, 'height', height);
  if (width !== undefined) checkSize(op, 'width', width);
  return { source, target };
}

/** The image size of `imageShape`; required for a relative format, as in Keras. */
function checkImageShape(op: string, imageShape: unknown, format: BoundingBoxFormat): ImageSize {
  if (imageShape === undefined) {
    if (format.startsWith('rel_')) throw new Error(`${op}: relative formats (here '${format}') need the imageShape argument, [height, width] or [height, width, channels]. Received: imageShape=undefined.`);
    return {};
  }
  if (!Array.isArray(imageShape) || (imageShape.length !== 2 && imageShape.length !== 3)) {
    throw new Error(`${op}: imageShape must be [height, width] or [height, width, channels]. Received: imageShape=${JSON.stringify(imageShape)}.`);
  }
  return { height: checkSize(op, 'imageShape[0] (height)', imageShape[0]), width: checkSize(op, 'imageShape[1] (width)', imageShape[1]) };
}

/** The image size and variance of encodeBoxToDeltas and decodeDeltasToBoxes. */
function checkDeltaOptions(op: string, options: BoxDeltaOptions): { size: ImageSize; variance?: readonly number[] } {
  const { variance } = options ?? {};
  if (variance !== undefined && (!Array.isArray(variance) || variance.length !== 4 || !variance.every((v) => typeof v === 'number' && Number.isFinite(v) && v !== 0))) {
    throw new Error(`${op}: variance must be 4 finite nonzero numbers. Received: variance=${JSON.stringify(variance)}.`);
  }
  const relative = [options.anchorFormat, options.boxFormat].find((f) => typeof f === 'string' && lower(f).startsWith('rel_'));
  return { size: checkImageShape(op, options.imageShape, relative === undefined ? 'xyxy' : lower(relative)), variance };
}

/** Anchors and deltas paired by level: one pair under `null` for tensors, else one per key. */
function pairLevels(op: string, anchors: unknown, deltas: unknown): Map<string | null, [Tensor, Tensor]> {
  const isTensor = (v: unknown): v is Tensor => v !== null && typeof v === 'object' && (v as Tensor).isTensorInstance === true;
  if (isTensor(anchors) && isTensor(deltas)) return new Map([[null, [anchors, deltas]]]);
  if (anchors === null || deltas === null || typeof anchors !== 'object' || typeof deltas !== 'object' || isTensor(anchors) || isTensor(deltas)) {
    throw new Error(`${op}: anchors and boxesDelta must both be tensors, or both records of tensors by level. Received: anchors=${describe(anchors)}, boxesDelta=${describe(deltas)}.`);
  }
  const anchorLevels = Object.keys(anchors);
  const deltaLevels = Object.keys(deltas);
  if (anchorLevels.length !== deltaLevels.length || anchorLevels.some((level) => !(level in deltas))) {
    throw new Error(`${op}: anchors and boxesDelta must have the same levels. Received: anchors levels ${JSON.stringify(anchorLevels)}, boxesDelta levels ${JSON.stringify(deltaLevels)}.`);
  }
  return new Map(anchorLevels.map((level) => [level, [(anchors as Record<string, Tensor>)[level], (deltas as Record<string, Tensor>)[level]]]));
}
