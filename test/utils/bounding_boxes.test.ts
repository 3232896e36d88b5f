// utils.boundingBoxes as a specification, on the GPU and the CPU: Keras's own test and docstring
// values (converters_test.py, iou_test.py), conversions between every pair of formats and back,
// clipping, cropping and padding by hand, affine transforms against a NumPy port of Keras's
// matrix, box deltas encoded and decoded, IoU with masking, CIoU, and the errors users meet.

import { describe, expect, it } from 'vitest';
import { tensor, utils, type Tensor } from '../../src/node';
import type { BoundingBoxFormat } from '../../src/utils/bounding_boxes';
import { expectTensorClose, onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

const { affineTransform, clipToImageSize, computeCiou, computeIou, convertFormat, crop, decodeDeltasToBoxes, encodeBoxToDeltas, pad } = utils.boundingBoxes;

/** converters_test.py's two boxes in every format, for an image of 1000 x 1000 (rel_center_xywh added by hand). */
const KERAS_BOXES: Record<BoundingBoxFormat, number[]> = {
  xyxy: [10, 20, 110, 120, 20, 30, 120, 130],
  yxyx: [20, 10, 120, 110, 30, 20, 130, 120],
  rel_xyxy: [0.01, 0.02, 0.11, 0.12, 0.02, 0.03, 0.12, 0.13],
  rel_yxyx: [0.02, 0.01, 0.12, 0.11, 0.03, 0.02, 0.13, 0.12],
  center_xywh: [60, 70, 100, 100, 70, 80, 100, 100],
  center_yxhw: [70, 60, 100, 100, 80, 70, 100, 100],
  xywh: [10, 20, 100, 100, 20, 30, 100, 100],
  rel_xywh: [0.01, 0.02, 0.1, 0.1, 0.02, 0.03, 0.1, 0.1],
  rel_center_xywh: [0.06, 0.07, 0.1, 0.1, 0.07, 0.08, 0.1, 0.1],
};
const FORMATS = Object.keys(KERAS_BOXES) as BoundingBoxFormat[];
const IMAGE = { height: 1000, width: 1000 };

// iou_test.py's boxes ('yxyx') and the IoU of the first two, 99 * 99 / (2 * 100 * 100 - 99 * 99).
const BB1 = [100, 101, 200, 201];
const BB1_OFF_BY_1 = [101, 102, 201, 202];
const TOP_LEFT = [0, 2, 1, 3];
const FAR_AWAY = [1300, 1400, 1500, 1401];
const ANOTHER_FAR_AWAY = [1000, 1400, 1200, 1401];
const IOU_OFF_BY_1 = 0.96097656633;
const IOU_TABLE = [IOU_OFF_BY_1, 0, 0, 0, 1, 0, 0, 0, 0];

describe('convertFormat', () => {
  it(
    "converts between every pair of formats as Keras's converters test does",
    onBothBackends(async () => {
      for (const source of FORMATS) {
        const boxes = tensor(KERAS_BOXES[source], [1, 2, 4]);
        for (const target of FORMATS) {
          const converted = convertFormat(boxes, { source, target, ...IMAGE });
          expect(converted.shape).toEqual([1, 2, 4]);
          await expectTensorClose(converted, KERAS_BOXES[target], 1e-5, 1e-5);
        }
      }
    }),
  );

  it(
    "gives Keras's docstring values, float32 from int32, and takes names in any case",
    onBothBackends(async () => {
      const boxes = tensor([10, 20, 30, 40, 50, 60, 70, 80], [2, 4], 'int32');
      const xywh = convertFormat(boxes, { source: 'xyxy', target: 'xywh' });
      expect(xywh.dtype).toBe('float32');
      await expectTensorClose(xywh, [10, 20, 20, 20, 50, 60, 20, 20]);
      await expectTensorClose(convertFormat(boxes, { source: 'xyxy', target: 'rel_xyxy', height: 200, width: 300 }), [0.03333334, 0.1, 0.1, 0.2, 0.16666667, 0.3, 0.23333333, 0.4]);
      await expectTensorClose(convertFormat(boxes, { source: 'XYXY' as BoundingBoxFormat, target: 'Center_XYWH' as BoundingBoxFormat }), [20, 30, 20, 20, 60, 70, 20, 20]);
    }),
  );

  it(
    'comes back to the same boxes from every format through every other',
    onBothBackends(async () => {
      const values = [3, 7, 40, 22, 0.5, 90, 64, 120, 17, 1, 18, 2];
      for (const a of FORMATS) {
        const boxes = tensor(values, [3, 4]);
        for (const b of FORMATS) {
          const there = convertFormat(boxes, { source: a, target: b, height: 128, width: 96 });
          await expectTensorClose(convertFormat(there, { source: b, target: a, height: 128, width: 96 }), values, 1e-5, 1e-4);
        }
      }
    }),
  );

  it(
    'converts the boxes of a { boxes, labels } dict and keeps its labels',
    onBothBackends(async () => {
      const labels = tensor([1, 2], [2], 'int32');
      const converted = convertFormat({ boxes: tensor(KERAS_BOXES.xyxy, [2, 4]), labels }, { source: 'xyxy', target: 'yxyx' });
      expect(converted.labels).toBe(labels);
      await expectTensorClose(converted.boxes, KERAS_BOXES.yxyx);
    }),
  );

  it('names a bad format, missing image size, bad shape or unknown option before any op runs', () => {
    const boxes = tensor(KERAS_BOXES.xyxy, [2, 4]);
    expect(() => convertFormat(boxes, { source: 'invalid' as BoundingBoxFormat, target: 'xywh' })).toThrow(
      "convertFormat: invalid source. Expected one of 'xyxy', 'yxyx', 'xywh', 'center_xywh', 'center_yxhw', 'rel_xyxy', 'rel_yxyx', 'rel_xywh', 'rel_center_xywh'. Received: source=\"invalid\".",
    );
    expect(() => convertFormat(boxes, { source: 'xyxy', target: 'invalid' as BoundingBoxFormat })).toThrow(/invalid target/);
    expect(() => convertFormat(boxes, { source: 'xyxy', target: 'rel_xyxy' })).toThrow(
      "convertFormat: converting between relative and absolute formats needs height and width (the image's size). Received: source='xyxy', target='rel_xyxy', height=undefined, width=undefined.",
    );
    expect(() => convertFormat(tensor([1, 2, 3, 4, 5, 6], [2, 3]), { source: 'xyxy', target: 'xywh' })).toThrow('convertFormat: boxes must have shape [..., 4] (4 coordinates on the last axis). Received: boxes.shape=[2,3].');
    expect(() => convertFormat(boxes, { source: 'xyxy', target: 'rel_xyxy', height: 0, width: 10 })).toThrow('convertFormat: height must be a positive number. Received: height=0.');
    expect(() => convertFormat(boxes, { source: 'xyxy', target: 'xywh', image_height: 3 } as never)).toThrow("convertFormat: unknown option 'image_height'");
  });
});

describe('clipToImageSize', () => {
  it(
    "clips 'rel_xyxy' boxes to [0, 1] (Keras's test) and 'xyxy' boxes to the image, giving label -1 to boxes left empty",
    onBothBackends(async () => {
      const relative = clipToImageSize({ boxes: tensor([0, 0, 1.5, 1.6, 0.5, 0.4, 0.7, 0.8], [2, 4]), labels: tensor([0, 1], [2], 'int32') }, { boundingBoxFormat: 'rel_xyxy' });
      await expectTensorClose(relative.boxes, [0, 0, 1, 1, 0.5, 0.4, 0.7, 0.8]);
      expect(Array.from(await relative.labels!.data())).toEqual([0, 1]);
      const absolute = clipToImageSize({ boxes: tensor([-10, -20, 150, 160, 50, 40, 70, 80, 130, 10, 140, 20], [1, 3, 4]), labels: tensor([[0, 1, 2]], [1, 3], 'int32') }, { height: 100, width: 120 });
      await expectTensorClose(absolute.boxes, [0, 0, 120, 100, 50, 40, 70, 80, 120, 10, 120, 20]);
      expect(absolute.labels!.dtype).toBe('int32');
      expect(Array.from(await absolute.labels!.data())).toEqual([0, 1, -1]);
      const withoutLabels = clipToImageSize({ boxes: tensor([-1, 2, 3, 200], [1, 4]) }, { height: 100, width: 120 });
      expect(Object.keys(withoutLabels)).toEqual(['boxes']);
      await expectTensorClose(withoutLabels.boxes, [0, 2, 3, 100]);
    }),
  );

  it('supports the formats Keras supports, and needs height and width for xyxy', () => {
    const boxes = { boxes: tensor([0, 0, 1, 1], [1, 4]), labels: tensor([0], [1], 'int32') };
    expect(() => clipToImageSize(boxes, { boundingBoxFormat: 'yxyx', height: 2, width: 2 })).toThrow("clipToImageSize: supports boundingBoxFormat 'xyxy' and 'rel_xyxy', as Keras does. Received: boundingBoxFormat='yxyx'");
    expect(() => clipToImageSize(boxes)).toThrow("clipToImageSize: height and width must be set if boundingBoxFormat='xyxy'. Received: height=undefined, width=undefined.");
    expect(() => clipToImageSize({ boxes: boxes.boxes, labels: tensor([0, 1], [2], 'int32') }, { height: 2, width: 2 })).toThrow('clipToImageSize: labels must have one entry per box, shape [1]. Received: boxes.shape=[1,4], labels.shape=[2].');
    expect(() => clipToImageSize(boxes.boxes as never, { height: 2, width: 2 })).toThrow('clipToImageSize: expected bounding boxes as { boxes, labels }');
  });
});

describe('affineTransform', () => {
  it(
    "keeps the boxes at the identity (Keras's test)",
    onBothBackends(async () => {
      const zeros = tensor([0]);
      const moved = affineTransform(tensor(KERAS_BOXES.xyxy, [1, 2, 4]), { angle: zeros, translateX: zeros, translateY: zeros, scale: tensor([1]), shearX: zeros, shearY: zeros, ...IMAGE });
      await expectTensorClose(moved, KERAS_BOXES.xyxy, 1e-5, 1e-4);
    }),
  );

  it(
    "moves boxes as a NumPy port of Keras's inverse affine matrix does: per image, and with numbers and a center",
    onBothBackends(async () => {
      // WGSL's sin and cos are accurate to 2^-11 (absolute) only, and coordinates of ~100 scale that up.
      const atol = 0.05;
      const boxes = tensor([10, 20, 30, 40, 5, 50, 60, 90, 0, 0, 100, 50, 20, 30, 40, 35], [2, 2, 4]);
      const perImage = affineTransform(boxes, {
        angle: tensor([30, -15]), translateX: tensor([0.1, -0.2]), translateY: tensor([0.05, 0]), scale: tensor([1.2, 0.8]), shearX: tensor([10, 0]), shearY: tensor([0, -5]), height: 80, width: 120,
      });
      await expectTensorClose(perImage, [
        4.267547087, 33.8999659654, 42.8329680183, 66.6845756562, 22.0397449301, 47.0768805016, 116.3459868873, 121.6460998833,
        -7.0433770428, -3.3549154464, 80.5834508645, 50.1327857388, 11.5172647191, 23.1597377289, 28.0073541201, 29.9029997313,
      ], 1e-5, atol);
      const unbatched = affineTransform(tensor([10, 20, 30, 40, 5, 50, 60, 90], [2, 4]), { angle: 45, translateX: 0, translateY: 0, scale: 1, shearX: 0, shearY: 0, height: 100, width: 100, centerX: 0.25, centerY: 0.75 });
      await expectTensorClose(unbatched, [-24.0403679019, 32.1771465194, 4.2439033456, 60.4614177669, -6.3626983722, 32.1771465194, 60.8124458405, 99.3522907321], 1e-5, atol);
    }),
  );

  it('checks the parameters against the boxes, and supports xyxy only', () => {
    const options = { angle: 0, translateX: 0, translateY: 0, scale: 1, shearX: 0, shearY: 0, height: 10, width: 10 };
    expect(() => affineTransform(tensor([0, 0, 1, 1], [1, 4]), { ...options, angle: tensor([1, 2]) })).toThrow('affineTransform: angle must be a number or a scalar tensor (boxes [num, 4] are one image). Received: angle=a tensor of shape [2].');
    expect(() => affineTransform(tensor([0, 0, 1, 1], [1, 1, 4]), { ...options, scale: tensor([1, 2]) })).toThrow('affineTransform: scale must be a number, a scalar tensor or a tensor [1] (one per image of boxes [batch, num, 4]). Received: scale=a tensor of shape [2].');
    expect(() => affineTransform(tensor([0, 0, 1, 1], [1, 4]), { ...options, boundingBoxFormat: 'yxyx' })).toThrow("affineTransform: supports boundingBoxFormat 'xyxy' only, as Keras does.");
    expect(() => affineTransform(tensor([0, 0, 1, 1], [1, 1, 1, 4]), options)).toThrow('affineTransform: boxes must have shape [num, 4] or [batch, num, 4]');
  });
});

describe('crop and pad', () => {
  it(
    'shift boxes into a cropped region (clipped to it) and into a padded image',
    onBothBackends(async () => {
      const boxes = tensor([10, 20, 50, 60, 70, 80, 100, 120], [2, 4]);
      await expectTensorClose(crop(boxes, { top: 10, left: 20, height: 40, width: 30 }), [0, 10, 30, 40, 30, 40, 30, 40]);
      await expectTensorClose(crop(boxes, { top: 30, left: 20 }), [0, 0, 30, 30, 50, 50, 80, 90]);
      await expectTensorClose(pad(boxes, { top: 5, left: 3 }), [13, 25, 53, 65, 73, 85, 103, 125]);
    }),
  );

  it('take xyxy boxes and finite offsets', () => {
    expect(() => crop(tensor([0, 0, 1, 1], [1, 4]), { top: 0, left: 0, boundingBoxFormat: 'xywh' })).toThrow("crop: supports boundingBoxFormat 'xyxy' only");
    expect(() => pad(tensor([0, 0, 1, 1], [1, 4]), { top: Number.NaN, left: 0 })).toThrow('pad: top must be a finite number. Received: top=NaN.');
  });
});

describe('encodeBoxToDeltas and decodeDeltasToBoxes', () => {
  it(
    'encode center offsets over the anchor size and log size ratios, in the encoding order, and decode them back',
    onBothBackends(async () => {
      // Anchor center (5, 5), size 10 x 10; box center (6, 12), width 10, height 20.
      const anchors = tensor([0, 0, 10, 10], [1, 4]);
      const boxes = tensor([1, 2, 11, 22], [1, 4]);
      const yxhw = encodeBoxToDeltas(anchors, boxes, { anchorFormat: 'xyxy', boxFormat: 'xyxy' });
      await expectTensorClose(yxhw, [0.7, 0.1, Math.LN2, 0]);
      const xywh = encodeBoxToDeltas(anchors, boxes, { anchorFormat: 'xyxy', boxFormat: 'xyxy', encodingFormat: 'center_xywh', variance: [0.1, 0.1, 0.2, 0.2] });
      await expectTensorClose(xywh, [1, 7, 0, Math.LN2 / 0.2]);
      await expectTensorClose(decodeDeltasToBoxes(anchors, yxhw, { anchorFormat: 'xyxy', boxFormat: 'xyxy' }), [1, 2, 11, 22], 1e-5, 1e-5);
      await expectTensorClose(decodeDeltasToBoxes(anchors, xywh, { anchorFormat: 'xyxy', boxFormat: 'center_xywh', encodedFormat: 'center_xywh', variance: [0.1, 0.1, 0.2, 0.2] }), [6, 12, 10, 20], 1e-5, 1e-5);
    }),
  );

  it(
    'round-trip batched boxes against unbatched anchors, relative formats, and records of levels',
    onBothBackends(async () => {
      const anchors = tensor([0, 0, 10, 10, 20, 10, 60, 30], [2, 4]);
      const boxes = tensor([0.1, 0.2, 0.3, 0.5, 0.5, 0.1, 0.9, 0.4, 0.0, 0.0, 0.2, 0.2, 0.4, 0.4, 0.5, 0.9], [2, 2, 4]);
      const options = { anchorFormat: 'xyxy', boxFormat: 'rel_xyxy', imageShape: [40, 80, 3], variance: [0.1, 0.1, 0.2, 0.2] } as const;
      const deltas = encodeBoxToDeltas(anchors, boxes, options);
      expect(deltas.shape).toEqual([2, 2, 4]);
      await expectTensorClose(decodeDeltasToBoxes(anchors, deltas, options), Array.from(await boxes.data()), 1e-4, 1e-5);
      const levels = decodeDeltasToBoxes({ p3: anchors, p4: anchors }, { p3: deltas, p4: deltas }, options);
      expect(Object.keys(levels)).toEqual(['p3', 'p4']);
      await expectTensorClose(levels.p4, Array.from(await boxes.data()), 1e-4, 1e-5);
    }),
  );

  it('check formats, variance, image shape and levels', () => {
    const anchors = tensor([0, 0, 10, 10], [1, 4]);
    expect(() => encodeBoxToDeltas(anchors, anchors, { anchorFormat: 'xyxy', boxFormat: 'xyxy', encodingFormat: 'xyxy' })).toThrow("encodeBoxToDeltas: encodingFormat should be 'center_xywh' or 'center_yxhw'. Received: encodingFormat=\"xyxy\".");
    expect(() => encodeBoxToDeltas(anchors, anchors, { anchorFormat: 'xyxy', boxFormat: 'xyxy', variance: [1, 1, 1] })).toThrow('encodeBoxToDeltas: variance must be 4 finite nonzero numbers. Received: variance=[1,1,1].');
    expect(() => encodeBoxToDeltas(anchors, anchors, { anchorFormat: 'xyxy', boxFormat: 'rel_xyxy' })).toThrow("encodeBoxToDeltas: relative formats (here 'rel_xyxy') need the imageShape argument");
    expect(() => encodeBoxToDeltas(anchors, tensor([0, 0, 1, 1, 0, 0, 1, 1], [1, 8]), { anchorFormat: 'xyxy', boxFormat: 'xyxy' })).toThrow('encodeBoxToDeltas: boxes must have shape [..., 4] (4 coordinates on the last axis). Received: boxes.shape=[1,8].');
    expect(() => decodeDeltasToBoxes({ p3: anchors }, { p4: anchors }, { anchorFormat: 'xyxy', boxFormat: 'xyxy' })).toThrow('decodeDeltasToBoxes: anchors and boxesDelta must have the same levels. Received: anchors levels ["p3"], boxesDelta levels ["p4"].');
    expect(() => decodeDeltasToBoxes(anchors, tensor([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [3, 4]), { anchorFormat: 'xyxy', boxFormat: 'xyxy' }).dispose()).not.toThrow();
    expect(() => decodeDeltasToBoxes(tensor([0, 0, 1, 1, 0, 0, 1, 1], [2, 4]), tensor([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [3, 4]), { anchorFormat: 'xyxy', boxFormat: 'xyxy' })).toThrow('decodeDeltasToBoxes: shapes [2,4] and [3,4] cannot be broadcast together');
  });
});

describe('computeIou', () => {
  it(
    "gives Keras's IoU tables, unbatched, batched and mixed",
    onBothBackends(async () => {
      await expectTensorClose(computeIou(tensor([BB1]), tensor([BB1_OFF_BY_1]), { boundingBoxFormat: 'yxyx' }), [IOU_OFF_BY_1]);
      const truth = tensor([BB1, TOP_LEFT, FAR_AWAY]);
      const predictions = tensor([BB1_OFF_BY_1, TOP_LEFT, ANOTHER_FAR_AWAY]);
      await expectTensorClose(computeIou(truth, predictions, { boundingBoxFormat: 'yxyx' }), IOU_TABLE);
      const batchedTruth = tensor([[BB1, TOP_LEFT, FAR_AWAY], [BB1, TOP_LEFT, FAR_AWAY]]);
      const batchedPredictions = tensor([[BB1_OFF_BY_1, TOP_LEFT, ANOTHER_FAR_AWAY], [BB1_OFF_BY_1, TOP_LEFT, ANOTHER_FAR_AWAY]]);
      for (const [first, second] of [[batchedTruth, batchedPredictions], [batchedTruth, predictions], [truth, batchedPredictions]]) {
        const iou = computeIou(first, second, { boundingBoxFormat: 'yxyx' });
        expect(iou.shape).toEqual([2, 3, 3]);
        await expectTensorClose(iou, [...IOU_TABLE, ...IOU_TABLE]);
      }
    }),
  );

  it(
    'gives the same IoU in other formats, and maskVal where a box is all negative (padding)',
    onBothBackends(async () => {
      const truth = tensor([BB1, TOP_LEFT, FAR_AWAY]);
      const predictions = tensor([BB1_OFF_BY_1, TOP_LEFT, ANOTHER_FAR_AWAY]);
      const image = { height: 2000, width: 2000 };
      const asRelative = (t: Tensor) => convertFormat(t, { source: 'yxyx', target: 'rel_xywh', ...image });
      const relative = computeIou(asRelative(truth), asRelative(predictions), { boundingBoxFormat: 'rel_xywh', imageShape: [2000, 2000, 3] });
      await expectTensorClose(relative, IOU_TABLE, 1e-4, 1e-6);
      const padded = tensor([BB1, [-1, -1, -1, -1]]);
      const masked = computeIou(padded, tensor([BB1_OFF_BY_1, [-1, -1, -1, -1]]), { boundingBoxFormat: 'yxyx', useMasking: true, maskVal: -5 });
      await expectTensorClose(masked, [IOU_OFF_BY_1, -5, -5, -5]);
    }),
  );

  it('checks ranks, batch sizes and the image shape of relative formats', () => {
    const boxes = tensor([BB1]);
    expect(() => computeIou(tensor(BB1), boxes, { boundingBoxFormat: 'yxyx' })).toThrow('computeIou: boxes1 must have shape [num, 4] or [batch, num, 4] (4 coordinates on the last axis). Received: boxes1.shape=[4].');
    expect(() => computeIou(boxes, tensor([[BB1], [BB1]]), { boundingBoxFormat: 'yxyx' }).dispose()).not.toThrow();
    expect(() => computeIou(tensor([[BB1]]), tensor([[BB1], [BB1]]), { boundingBoxFormat: 'yxyx' })).toThrow('computeIou: batched boxes1 and boxes2 must have the same batch size. Received: boxes1.shape=[1,1,4], boxes2.shape=[2,1,4].');
    expect(() => computeIou(boxes, boxes, { boundingBoxFormat: 'rel_yxyx' })).toThrow("computeIou: relative formats (here 'rel_yxyx') need the imageShape argument");
  });
});

describe('computeCiou', () => {
  // iou_test.py: overlapping boxes, and boxes far apart (IoU 0, only the distance term).
  const CLOSE = [[100, 101, 200, 201], [150, 150, 250, 250]];
  const FAR = [[1000, 1000, 1500, 1500], [2000, 2000, 2500, 2500]];
  const CIOU_CLOSE = 0.036492417;
  const CIOU_FAR = -0.44444444435;

  it(
    "gives Keras's CIoU values, unbatched, batched and mixed",
    onBothBackends(async () => {
      await expectTensorClose(computeCiou(tensor([BB1]), tensor([BB1_OFF_BY_1]), { boundingBoxFormat: 'yxyx' }), [0.96087853672]);
      const truth = tensor([CLOSE[0], FAR[0]]);
      const predictions = tensor([CLOSE[1], FAR[1]]);
      await expectTensorClose(computeCiou(truth, predictions, { boundingBoxFormat: 'yxyx' }), [CIOU_CLOSE, CIOU_FAR], 1e-5);
      const batchedTruth = tensor([[CLOSE[0], FAR[0]], [CLOSE[0], FAR[0]]]);
      const batchedPredictions = tensor([[CLOSE[1], FAR[1]], [CLOSE[1], FAR[1]]]);
      for (const [first, second] of [[batchedTruth, batchedPredictions], [batchedTruth, predictions], [truth, batchedPredictions]]) {
        const ciou = computeCiou(first, second, { boundingBoxFormat: 'yxyx' });
        expect(ciou.shape).toEqual([2, 2]);
        await expectTensorClose(ciou, [CIOU_CLOSE, CIOU_FAR, CIOU_CLOSE, CIOU_FAR], 1e-5);
      }
    }),
  );

  it('needs the image shape for relative formats, and boxes that broadcast', () => {
    const boxes = tensor([BB1]);
    expect(() => computeCiou(boxes, boxes, { boundingBoxFormat: 'rel_xyxy' })).toThrow("computeCiou: relative formats (here 'rel_xyxy') need the imageShape argument");
    expect(() => computeCiou(boxes, tensor([BB1, BB1]), { boundingBoxFormat: 'xyxy' }).dispose()).not.toThrow();
    expect(() => computeCiou(tensor([BB1, BB1]), tensor([BB1, BB1, BB1]), { boundingBoxFormat: 'xyxy' })).toThrow('computeCiou: shapes [2,4] and [3,4] cannot be broadcast together');
  });
});
