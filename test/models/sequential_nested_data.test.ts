// Sequential (src/models/sequential.ts) called with a record of nested data, as Keras 3's
// Sequential of augmentation layers takes `{ images, segmentation_masks }`: the record goes
// through the layers in turn, each draw moving the images and their masks alike. The masks are
// checked against the images' first channel, which holds the same class indices before the call.

import { describe, expect, it } from 'vitest';
import { Input, layers, Sequential, tensor, type Tensor } from '../../src/node';
import { onBothBackends, useWebGPU } from '../helpers';

useWebGPU();

/** Two 6 x 6 images whose first channel is the mask's class (0, 1 or 2, no symmetry), and the int32 masks. */
function imagesAndMasks(): { images: Tensor; masks: Tensor } {
  const classes = Array.from({ length: 2 * 36 }, (_, i) => (i * 7 + Math.floor(i / 5)) % 3);
  const pixels = classes.flatMap((c, i) => [c, i / 72, 1]);
  return { images: tensor(pixels, [2, 6, 6, 3]), masks: tensor(classes, [2, 6, 6, 1], 'int32') };
}

function augmentation(): Sequential {
  return new Sequential([
    new layers.RandomFlip({ mode: 'horizontal_and_vertical', seed: 3 }),
    new layers.RandomRotation({ factor: 0.25, interpolation: 'nearest', fillMode: 'constant', seed: 5 }),
  ]);
}

describe('Sequential on a record of nested data', () => {
  it('moves segmentation masks with their images through each layer', onBothBackends(async () => {
    const { images, masks } = imagesAndMasks();
    const out = augmentation().apply({ images, segmentation_masks: masks }, { training: true });
    expect(Object.keys(out)).toEqual(['images', 'segmentation_masks']);
    expect(out.segmentation_masks.dtype).toBe('int32');
    expect(out.segmentation_masks.shape).toEqual([2, 6, 6, 1]);
    const moved = Array.from(await out.images.data()).filter((_, i) => i % 3 === 0);
    const movedMasks = Array.from(await out.segmentation_masks.data());
    expect(movedMasks).toEqual(moved);
    expect(movedMasks).not.toEqual(Array.from(await masks.data()));
  }));

  it('returns the record unchanged outside training', async () => {
    const { images, masks } = imagesAndMasks();
    const out = augmentation().apply({ images, segmentation_masks: masks }, { training: false });
    expect(out.images).toBe(images);
    expect(out.segmentation_masks).toBe(masks);
  });

  it("still takes a record keyed by a built model's input name as that input", async () => {
    const model = new Sequential([Input({ shape: [2] }), new layers.Dense({ units: 1, kernelInitializer: 'ones', useBias: false })]);
    const out = model.apply({ [model.inputs[0].node!.layer.name]: tensor([[1, 2]]) });
    expect(Array.from(await (out as unknown as Tensor).data())).toEqual([3]);
  });

  it('explains a layer that cannot take the record', () => {
    const { images, masks } = imagesAndMasks();
    const model = new Sequential([new layers.RandomFlip({ seed: 1 }), new layers.Dense({ units: 2, name: 'head' })]);
    expect(() => model.apply({ images, segmentation_masks: masks }, { training: true })).toThrow(
      'head: apply() takes a tensor or a list of tensors (or symbolic tensors from Input). Received: an object with keys ["images","segmentation_masks"].',
    );
  });
});
